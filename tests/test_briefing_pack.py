"""Briefing packs: PPTX slides and PDF pages with the items' images, tables, captions, narrative and sources."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest
from briefing_support import GDP_FACTS, pdf_fonts, pdf_page_count, sample_figure
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from briefing import BadItem, EmptyPack, PackItem, TableMeta, UnsupportedFormat, build_pack, narrative
from briefing.pack import prepare
from briefing.pack_content import PackInfo
from briefing.pdf_pack import CHART_H_MM, CHART_W_MM, fitted_svg, pack_html
from briefing.renderer import renderer

DATE = dt.date(2025, 3, 1)
FACTS = GDP_FACTS
SOURCE_A = "来源：国家统计局（统计年鉴）· 许可：未声明"
SOURCE_B = "来源：世界银行 · 许可：CC BY 4.0"


@pytest.fixture(scope="session")
def chart_renderer():
    """The process's one headless Chromium, started once for every briefing test."""
    return renderer()


def items() -> list[PackItem]:
    table = pd.DataFrame({"地区": [f"省{i}" for i in range(30)], "数值": [float(i) * 1000.5 for i in range(30)]})
    return [
        PackItem("chart", "广东地区生产总值", "广东连续多年居首。", SOURCE_A, figure=sample_figure(), facts=FACTS),
        PackItem("chart", "江苏地区生产总值", "江苏紧随其后。", SOURCE_A, figure=sample_figure(title="江苏")),
        PackItem(
            "table", "各省排名", "排名表。", SOURCE_B, frame=table, table_meta=TableMeta("排名", units={"数值": "亿元"})
        ),
    ]


@pytest.fixture(scope="module")
def pack(chart_renderer):
    """Both formats of a three-item pack in Chinese, with every progress call recorded."""
    calls = []
    files = build_pack(
        items(), ("pptx", "pdf"), "zh", scope="广东省经济运行", date=DATE, progress=lambda *a: calls.append(a)
    )
    return files, calls


def slide_texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_pptx_has_title_item_and_sources_slides(pack):
    deck = Presentation(io.BytesIO(pack[0]["pptx"]))
    slides = list(deck.slides)
    assert len(slides) == 1 + 3 + 1
    title = " ".join(slide_texts(slides[0]))
    assert "决策简报" in title and "范围：广东省经济运行" in title and "日期：2025-03-01" in title
    first = slides[1]
    pictures = [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    image = Image.open(io.BytesIO(pictures[0].image.blob))
    assert image.format == "PNG" and image.size[0] == 2 * 800  # the 2× chart, footer included
    texts = " ".join(slide_texts(first))
    assert "广东地区生产总值" in texts and "广东连续多年居首。" in texts and SOURCE_A in texts
    assert narrative(FACTS, "zh") in texts
    assert "第 1 项 / 共 3 项" in texts


def test_pptx_table_slide_has_a_native_table_and_says_rows_were_left_out(pack):
    slide = list(Presentation(io.BytesIO(pack[0]["pptx"])).slides)[3]
    tables = [s.table for s in slide.shapes if s.has_table]
    assert len(tables) == 1
    table = tables[0]
    assert table.cell(0, 1).text == "数值（亿元）"
    assert (table.cell(1, 1).text, table.cell(2, 1).text) == ("0.0", "1,000.5")  # one number of decimals per column
    assert len(table.rows) == 13  # header + the first 12 rows
    assert "显示前 12 行，共 30 行" in " ".join(slide_texts(slide))


def test_pptx_closing_slide_lists_each_source_once(pack):
    closing = list(Presentation(io.BytesIO(pack[0]["pptx"])).slides)[-1]
    text = "\n".join(slide_texts(closing))
    assert text.startswith("资料来源")
    assert f"1. {SOURCE_A}" in text and f"2. {SOURCE_B}" in text and text.count(SOURCE_A) == 1


def test_pdf_has_one_page_per_item_plus_title_and_sources(pack):
    pdf = pack[0]["pdf"]
    assert pdf_page_count(pdf) == 1 + 3 + 1
    assert any("NotoSansCJK" in font for font in pdf_fonts(pdf))


def test_progress_counts_items_then_files(pack):
    calls = pack[1]
    assert [c[:2] for c in calls] == [(n, 5) for n in range(1, 6)]
    assert calls[0][2] == "渲染图表：广东地区生产总值" and calls[2][2] == "整理表格：各省排名"
    assert calls[-1][2] == "生成 PDF"


def test_long_captions_do_not_add_pdf_pages(chart_renderer):
    long = PackItem("chart", "图", "很长的说明。" * 400, SOURCE_A, figure=sample_figure())
    pdf = build_pack([long, long], "pdf", "en", date=DATE)["pdf"]
    assert pdf_page_count(pdf) == 1 + 2 + 1


def test_english_pack(chart_renderer):
    deck = Presentation(io.BytesIO(build_pack(items()[:1], "pptx", "en", title="Weekly brief", date=DATE)["pptx"]))
    slides = list(deck.slides)
    assert "Weekly brief" in " ".join(slide_texts(slides[0]))
    assert narrative(FACTS, "en") in " ".join(slide_texts(slides[1]))
    assert slide_texts(slides[-1])[0].startswith("Sources")


def test_an_empty_pack_is_refused():
    with pytest.raises(EmptyPack, match="at least one chart or table"):
        build_pack([], "pptx")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (PackItem("map", "x"), "kind must be one of chart, table"),
        (PackItem("chart", " "), "the title is empty"),
        (PackItem("chart", "x", frame=pd.DataFrame()), "a chart needs a Plotly figure; got NoneType"),
        (PackItem("table", "x", figure=sample_figure()), "a table needs a pandas DataFrame"),
    ],
)
def test_bad_items_are_named(item, message):
    with pytest.raises(BadItem, match=message):
        build_pack([item], "pptx")


@pytest.mark.parametrize("formats", ["docx", ["pptx", "key"], []])
def test_unsupported_pack_formats(formats):
    with pytest.raises(UnsupportedFormat, match="expected one of pptx, pdf"):
        build_pack(items(), formats)


def test_svg_is_fitted_into_the_page_keeping_its_aspect():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="500" viewBox="0 0 1000 500"><g/></svg>'
    out = fitted_svg(svg, (1000, 500))
    assert 'width="260.0mm" height="130.0mm"' in out and 'width="1000"' not in out and "viewBox" in out


def test_a_pdf_chart_page_fills_the_width_with_one_title_and_one_source(chart_renderer):
    # As the pages add them: the figure's own title is the item's title, the export footer names the same source.
    title = "广东地区生产总值"
    item = PackItem("chart", title, "广东连续多年居首。", SOURCE_A, figure=sample_figure(title=title))
    table = items()[2]
    info = PackInfo(lang="zh", date=DATE)
    ready = prepare([item, table], ("pptx", "pdf"), info, lambda *a: None)
    html = pack_html(ready, info)
    page = html.split('<section class="page">')[1]  # the chart's page (the cover is "page cover")
    assert page.count(title) == 1 and page.count(SOURCE_A) == 1
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<text" in svg and "国家统计局" not in svg  # axes and legend drawn, no second footer
    size = re.match(r'<svg width="([\d.]+)mm" height="([\d.]+)mm"', svg)
    assert float(size[1]) == pytest.approx(CHART_W_MM, abs=0.5) and float(size[2]) == pytest.approx(CHART_H_MM, abs=0.5)
    width, height = ready[0].size
    assert width / height == pytest.approx(CHART_W_MM / CHART_H_MM, rel=0.01)
    # the slide keeps its own title and footer (a picture copied out of the deck still says what it shows)
    assert Image.open(io.BytesIO(ready[0].images["pptx"])).size[1] > 2 * 450
