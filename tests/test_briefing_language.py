"""A pack in one language: collected on the pages in English (or Chinese), built in that language, every word of it
— slides, table cells, chart titles, axes and legends, narrative, sources, the printed PDF — is in that language.

The basket is filled as a user fills it: each page runs under AppTest in the language and its "add to briefing"
buttons are clicked (time series, ranking, map, forecast fan, scenario comparison and their tables). The PDF's text
is read from the document Chromium prints (charts included as SVG, whose text is what the PDF shows).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import basket_support
import pytest
from apptest import open_page
from pptx import Presentation
from test_page_scenarios import GDP_GD, two_scenarios

from briefing import PackItem, build_pack, pack_file_name
from briefing import pdf_pack as pdf_pack_module
from briefing.renderer import renderer
from common.text import render
from data.regions import region_registry

CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
DATE = dt.date(2025, 3, 1)
PAGES = {"indicators": None, "map": None, "forecast": None, "overview": None, "scenarios": GDP_GD}


def allowed_place_names() -> set[str]:
    """Place names the region list spells only in Chinese (an English pack may keep them)."""
    regions = [r for kind in ("national", "province", "country") for r in region_registry().of_kind(kind)]
    return {name for r in regions if not r.en or CJK.search(r.en) for name in (r.zh, r.short_zh)}


def opened(at, page: str):
    """The page as shown, then (Indicators) with its data table and each other tab opened in turn, as clicks do:
    only the open tab and an opened expander are drawn."""
    yield at
    if page == "indicators":
        at.session_state["ind_data_table"] = True
        yield at.run()
        for index in (1, 2):  # ranking, small multiples
            at.session_state["ind_tab"] = at.tabs[index].label
            yield at.run()


def collect(lang: str) -> list[PackItem]:
    """The basket after clicking every "add to briefing" button of the pages, shown in `lang`."""
    basket_support.empty()
    for page, query in PAGES.items():
        at = open_page(page, query, lang, timeout=240)
        if page == "scenarios":
            two_scenarios(at)
        for shown in opened(at, page):
            keys = [b.key for b in shown.button if b.key and b.key.startswith("basket_add_")]
            assert keys, f"{page}: nothing to add to the briefing"
            for key in keys:
                at.button(key=key).click().run()
                assert not at.exception, at.exception
    items = basket_support.stored_items()  # what the pages' sessions stored for the local user
    basket_support.empty()
    return items


@pytest.fixture(scope="module", params=["en", "zh"])
def pack(request):
    """(lang, items, files, printed HTML) of a pack collected and built in one language."""
    renderer()
    lang = request.param
    items = collect(lang)
    printed = []
    original = pdf_pack_module.pack_html
    pdf_pack_module.pack_html = lambda prepared, info: printed.append(original(prepared, info)) or printed[-1]
    try:
        files = build_pack(items, ("pptx", "pdf"), lang, scope="", date=DATE)
    finally:
        pdf_pack_module.pack_html = original
    return lang, items, files, printed[0]


def pptx_texts(data: bytes) -> list[str]:
    """Every text of the deck: text frames and table cells, slide by slide."""
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [cell.text for row in shape.table.rows for cell in row.cells]
    return [text for text in out if text.strip()]


def html_texts(document: str) -> list[str]:
    """The text nodes of the printed document (SVG chart text included), style sheet left out."""
    body = re.sub(r"<style>.*?</style>", "", document, flags=re.S)
    return [unescape(t).strip() for t in re.findall(r">([^<>]+)<", body) if t.strip()]


def foreign(texts: list[str], lang: str) -> list[str]:
    """In an English pack, the texts with a Chinese character (or full-width punctuation) outside the place names
    spelt only in Chinese; a Chinese pack may quote English (model names, codes), so nothing is foreign there."""
    if lang != "en":
        return []
    allowed = allowed_place_names()
    return [text for text in texts if CJK.search(without(text, allowed))]


def without(text: str, names: set[str]) -> str:
    for name in names:
        text = text.replace(name, "")
    return text


def test_the_basket_covers_every_kind_of_item(pack):
    _, items, _, _ = pack
    kinds = {item.kind for item in items}
    assert kinds == {"chart", "table"} and len(items) >= 12
    assert sum(item.facts is not None for item in items) >= 2  # narratives: a series and a forecast


def test_slides_and_tables_are_in_the_packs_language(pack):
    lang, items, files, _ = pack
    texts = pptx_texts(files["pptx"])
    assert len(texts) > 3 * len(items)
    assert not foreign(texts, lang), foreign(texts, lang)[:10]
    if lang == "zh":
        assert all(CJK.search(item.title) for item in items)
        assert any(render("pack.sources", "zh") in text for text in texts)


def test_printed_pdf_and_its_charts_are_in_the_packs_language(pack):
    lang, items, files, document = pack
    assert files["pdf"].startswith(b"%PDF-")
    texts = html_texts(document)
    charts = sum(item.kind == "chart" for item in items)
    assert document.count("<svg") >= charts
    assert not foreign(texts, lang), foreign(texts, lang)[:10]
    if lang == "en":
        assert "Gross regional product" in document and "Sources" in document


def test_the_two_languages_packs_have_different_file_names():
    assert pack_file_name("pdf", "zh", DATE) != pack_file_name("pdf", "en", DATE)
    assert pack_file_name("pptx", "en", DATE) == "briefing-en-20250301.pptx"
