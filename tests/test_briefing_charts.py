"""Static chart export: valid PNG/SVG/PDF files of the right size, the footer, real Chinese glyphs."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from briefing_support import TITLE, pdf_fonts, pdf_page_count, sample_figure
from PIL import Image

from briefing import ChartMeta, UnsupportedFormat, chart_bytes, decorate, file_name
from briefing.charts import FONT_FAMILY, footer_lines, render_job
from briefing.renderer import renderer
from indicators.metadata import catalogue

META = ChartMeta(
    title="地区生产总值",
    source="国家统计局（统计年鉴）",
    unit="亿元",
    period="2022年",
    licence="CC BY 4.0",
    exported=dt.date(2025, 3, 1),
)


@pytest.fixture(scope="session")
def chart_renderer():
    """The process's one headless Chromium, started once for every briefing test."""
    return renderer()


def test_png_is_twice_the_layout_size(chart_renderer):
    decorated = decorate(sample_figure(), META)
    png = chart_bytes(sample_figure(), "png", META)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (2 * decorated.layout.width, 2 * decorated.layout.height)
    assert decorated.layout.width == 800 and decorated.layout.height > 450  # the footer adds height, not squeeze


def test_png_without_layout_size_uses_the_default(chart_renderer):
    png = chart_bytes(sample_figure(width=None, height=None), "png")
    assert Image.open(io.BytesIO(png)).size == (2000, 1120)


def test_svg_is_valid_and_carries_the_chinese_title_and_footer(chart_renderer):
    svg = chart_bytes(sample_figure(), "svg", META).decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert float(root.get("width")) == 800
    text = "".join(root.itertext())
    assert TITLE in text
    for part in ("单位：亿元", "时期：2022年", "国家统计局（统计年鉴）", "许可：CC BY 4.0", "导出日期：2025-03-01"):
        assert part in text, part


def test_pdf_is_one_page_with_the_cjk_font_embedded(chart_renderer):
    pdf = chart_bytes(sample_figure(), "pdf", META)
    assert pdf_page_count(pdf) == 1
    assert any("NotoSansCJK" in font for font in pdf_fonts(pdf)), pdf_fonts(pdf)


def test_decorate_copies_and_keeps_the_callers_figure():
    fig = sample_figure()
    before = fig.to_json()
    out = decorate(fig, META, "en")
    assert fig.to_json() == before
    assert out is not fig
    footer = out.layout.annotations[-1].text
    assert "Unit: 亿元" in footer and "Period: 2022年" in footer and "Exported 2025-03-01" in footer
    assert out.layout.margin.b > (fig.layout.margin.b or 80)


def test_footer_names_title_unit_period_source_licence_and_date():
    lines = footer_lines(META, "zh")
    assert lines == [
        "地区生产总值 · 单位：亿元 · 时期：2022年",
        "国家统计局（统计年鉴） · 许可：CC BY 4.0",
        "导出日期：2025-03-01",
    ]
    # a source line that already names the licence does not repeat it
    assert footer_lines(ChartMeta("t", "来源：X · 许可：MIT", licence="MIT"), "zh")[1] == "来源：X · 许可：MIT"


def boxes(svg: str) -> dict[str, float]:
    """Vertical extents in the exported SVG: lowest x tick label, the legend box, the footer annotation box."""
    legend = re.search(
        r'<g class="legend"[^>]*translate\([\d.]+,([\d.]+)\)"><rect class="bg"[^>]*height="([\d.]+)"', svg
    )
    notes = re.findall(
        r'<g class="cursor-pointer" transform="translate\([\d.]+,([\d.]+)\)"><rect class="bg"[^>]*height="([\d.]+)"',
        svg,
    )
    ticks = [float(y) for y in re.findall(r'<g class="xtick"><text[^>]*y="([\d.]+)"', svg)]
    footer_top, footer_h = (float(v) for v in notes[-1])
    return {
        "ticks": max(ticks) + 4,  # text baseline plus descent
        "legend_top": float(legend.group(1)),
        "legend_bottom": float(legend.group(1)) + float(legend.group(2)),
        "footer_top": footer_top,
        "footer_bottom": footer_top + footer_h,
    }


@pytest.mark.parametrize("n_traces", [2, 12])
def test_footer_sits_below_a_legend_under_the_plot(chart_renderer, n_traces):
    fig = sample_figure()
    for i in range(n_traces - 2):
        fig.add_scatter(x=[2013, 2022], y=[1, 2], name=f"省份名称较长的地区{i}")
    fig.update_layout(legend={"orientation": "h", "y": -0.18}, margin={"b": 60})  # as ui/charts.py draws them
    out = decorate(fig, META)
    at = boxes(chart_bytes(fig, "svg", META).decode("utf-8"))
    assert at["ticks"] <= at["legend_top"] < at["legend_bottom"] <= at["footer_top"] < at["footer_bottom"]
    assert at["footer_bottom"] <= out.layout.height


def test_exports_label_value_axes_in_the_packs_language():
    fig = go.Figure(go.Scatter(x=[2020, 2021, 2022], y=[40_000.0, 90_000.0, 150_000.0]))
    fig.update_layout(xaxis_type="category")
    zh = render_job(fig, "svg", META, "zh")["figure"]["layout"]
    en = render_job(fig, "svg", None, "en")["figure"]["layout"]
    assert zh["yaxis"]["ticktext"] == ["2.5万", "5万", "7.5万", "10万", "12.5万", "15万"]
    assert en["yaxis"]["ticktext"] == ["25k", "50k", "75k", "100k", "125k", "150k"]
    assert "ticktext" not in zh["xaxis"] and fig.layout.yaxis.ticktext is None


def title_left_edge(png: bytes, rows: int) -> int:
    """The leftmost inked column of the image's top `rows` pixel rows (the title's band)."""
    ink = np.asarray(Image.open(io.BytesIO(png)).convert("L"))[:rows] < 128
    return int(np.flatnonzero(ink.any(axis=0))[0])


def test_exported_titles_keep_off_the_images_left_edge(chart_renderer):
    import pandas as pd

    from data import region_registry
    from ui import charts

    years = pd.to_datetime([f"{y}-01-01" for y in range(2015, 2024)])
    frame = pd.DataFrame({"region_code": "440000", "period": years, "value": range(60_000, 150_000, 10_000)})
    page_chart = charts.time_series(frame, region_registry(), "地区生产总值（亿元）", "亿元", 1, "zh")
    assert page_chart.layout.title.xref == "paper"  # aligned with the plot, not with the figure's edge
    assert title_left_edge(chart_bytes(page_chart, "png", META), 100) >= 2 * 40
    # A figure that puts its title at x=0 of the whole figure is moved in when exported, with or without a footer.
    edge = sample_figure().update_layout(title={"x": 0, "xanchor": "left", "xref": "container"})
    assert title_left_edge(chart_bytes(edge, "png"), 80) >= 2 * 8
    assert title_left_edge(chart_bytes(edge, "png", META), 80) >= 2 * 8


def test_long_footers_wrap_inside_the_figure():
    meta = ChartMeta(title="标题", source="很长的来源说明" * 30)
    out = decorate(sample_figure(width=600), meta)
    lines = out.layout.annotations[-1].text.split("<br>")
    assert len(lines) > 3
    assert all(len(line) <= (600 - 24) / 11 + 1 for line in lines)


def test_caption_text_is_escaped_for_plotly():
    out = decorate(sample_figure(), ChartMeta(title="a<b>c", source="s & t"))
    assert "a&lt;b&gt;c" in out.layout.annotations[-1].text and "s &amp; t" in out.layout.annotations[-1].text


@pytest.mark.parametrize("fmt", ["gif", "jpeg", "", "pptx"])
def test_unsupported_format_is_refused(fmt):
    with pytest.raises(UnsupportedFormat, match="expected one of png, svg, pdf"):
        render_job(sample_figure(), fmt)


def test_file_names_keep_chinese_and_drop_path_characters():
    assert file_name("地区生产总值 / 2022: 广东", "png") == "地区生产总值_2022_广东.png"
    assert file_name("///", "svg") == "chart.svg"


def test_map_figures_export_offline(chart_renderer):
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "A",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[100, 20], [100, 30], [110, 30], [110, 20], [100, 20]]],
                },
            }
        ],
    }
    fig = go.Figure(go.Choropleth(geojson=geojson, locations=["A"], z=[1.0], featureidkey="id"))
    fig.update_geos(fitbounds="locations", visible=False)
    job = render_job(fig, "png", META)
    assert job["topojson"] and job["topojson"].startswith("file://")
    image = Image.open(io.BytesIO(chart_bytes(fig, "png", META)))
    assert image.size == (2 * job["width"], 2 * job["height"])


# --- Chinese glyphs: real characters, not missing-glyph boxes ------------------------------------------------------


def title_ink(text: str) -> np.ndarray:
    """The title band of a 2× PNG of a figure showing only `text` as its title, as a boolean ink mask."""
    fig = go.Figure()
    fig.update_layout(
        title={"text": text, "font": {"size": 40}, "x": 0.02, "xanchor": "left"},
        font={"family": FONT_FAMILY},
        width=500,
        height=160,
        xaxis_visible=False,
        yaxis_visible=False,
        template="plotly_white",
    )
    image = Image.open(io.BytesIO(chart_bytes(fig, "png"))).convert("L")
    return np.asarray(image.crop((0, 0, 1000, 140))) < 128


def mismatch(a: np.ndarray, b: np.ndarray) -> float:
    """Share of inked pixels inked in only one of two masks, aligned top-left (0 = same drawing, 1 = disjoint)."""
    shape = (max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1]))
    a, b = (np.pad(m, ((0, shape[0] - m.shape[0]), (0, shape[1] - m.shape[1]))) for m in (a, b))
    union = (a | b).sum()
    return float((a ^ b).sum() / union) if union else 0.0


def glyphs(mask: np.ndarray) -> list[np.ndarray]:
    """The title's glyphs: runs of inked columns (CJK glyphs and missing-glyph boxes have no inner gaps)."""
    rows = np.flatnonzero(mask.any(axis=1))
    band = mask[rows[0] : rows[-1] + 1]
    inked = np.concatenate([[False], band.any(axis=0), [False]]).astype(int)
    edges = np.flatnonzero(np.diff(inked))
    return [band[:, start:stop] for start, stop in zip(edges[::2], edges[1::2], strict=True)]


def test_chinese_title_renders_as_real_glyphs(chart_renderer):
    chinese = title_ink("国内生产")
    # Unassigned code points: no font has them, so they show whatever a missing glyph looks like here.
    missing_a = title_ink("\u0378\u0379\u0380\u0381")
    missing_b = title_ink("\u0380\u0381\u0382\u0383")
    # The check can fail: missing glyphs are drawn (visible boxes), all alike, so tofu would look like tofu.
    assert missing_a.sum() > 500
    assert mismatch(missing_a, missing_b) < 0.02
    boxes = glyphs(missing_a)
    assert len(boxes) == 4 and max(mismatch(boxes[0], box) for box in boxes[1:]) < 0.1
    # The Chinese title is drawn differently from missing glyphs, and its four glyphs differ from each other.
    assert mismatch(chinese, missing_a) > 0.3
    chars = glyphs(chinese)
    assert len(chars) == 4
    assert min(mismatch(a, b) for i, a in enumerate(chars) for b in chars[i + 1 :]) > 0.3
    assert min(mismatch(char, boxes[0]) for char in chars) > 0.3


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "来源：国家统计局 国家数据·季度数据 · 数据截至 2026年第1季度"),
        ("en", "Source: National Bureau of Statistics of China, National Data: quarterly data · Data to 2026 Q1"),
    ],
)
def test_a_chart_of_an_indicator_cites_its_publication_and_data_date_not_its_distributor(lang, line):
    ind = next(i for i in catalogue() if i.source == "cn_gdp_quarterly")
    lines = footer_lines(ChartMeta.from_indicator(ind, pd.Timestamp("2026-01-01"), lang), lang)
    assert lines[1] == line  # no repository, commit or licence
