"""The briefing pack as a 16:9 PowerPoint deck (python-pptx): title slide, one slide per item, sources slide."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from briefing.pack_content import PackInfo, Prepared, sources
from briefing.tables import shown
from briefing.text import shorten
from common.text import render

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_W = WIDTH - 2 * MARGIN
# East Asian text needs its own typeface entry (a:ea); 微软雅黑 is on the office machines these decks go to.
FONT = "Microsoft YaHei"
DARK, GREY, ACCENT = RGBColor(0x22, 0x22, 0x22), RGBColor(0x66, 0x66, 0x66), RGBColor(0xC0, 0x39, 0x2B)
TABLE_ROWS, TABLE_COLS = 12, 8  # what stays readable on one slide; the full table is in the CSV/XLSX export


def _font(run, size: float, color: RGBColor = DARK, bold: bool = False) -> None:
    run.font.size, run.font.bold = Pt(size), bold
    run.font.color.rgb = color
    run.font.name = FONT
    r_pr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        element = r_pr.find(qn(tag))
        if element is None:
            element = r_pr.makeelement(qn(tag), {})
            r_pr.append(element)
        element.set("typeface", FONT)


def _text(slide, left, top, width, height, paragraphs: list[tuple[str, float, RGBColor, bool]], align=None):
    """A text box with one paragraph per (text, size, colour, bold); empty texts are skipped."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    first = True
    for text, size, color, bold in paragraphs:
        if not text:
            continue
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        _font(run, size, color, bold)
    return box


def _title_slide(deck, info: PackInfo, count: int) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    bar = slide.shapes.add_shape(1, 0, Inches(2.2), WIDTH, Inches(0.08))
    bar.fill.solid()
    bar.fill.fore_color.rgb = ACCENT
    bar.line.fill.background()
    _text(slide, MARGIN, Inches(2.5), BODY_W, Inches(1.2), [(info.heading(), 40, DARK, True)])
    lines = [
        (render("pack.scope", info.lang, scope=info.scope) if info.scope else "", 20, DARK, False),
        (render("pack.date", info.lang, date=info.date.isoformat()), 18, GREY, False),
        (render("pack.count", info.lang, count=count), 16, GREY, False),
    ]
    _text(slide, MARGIN, Inches(3.8), BODY_W, Inches(2.0), lines)


def _picture(slide, image: bytes, left, top, width, height) -> None:
    """The image scaled to fit the box, centred in it."""
    w, h = Image.open(io.BytesIO(image)).size
    scale = min(width / w, height / h)
    pic_w, pic_h = int(w * scale), int(h * scale)
    slide.shapes.add_picture(
        io.BytesIO(image), left + (width - pic_w) // 2, top + (height - pic_h) // 2, Emu(pic_w), Emu(pic_h)
    )


def _table(slide, ready: Prepared, lang: str, left, top, width, height) -> str:
    """The table's first rows as a native table; returns a note when rows or columns were left out."""
    item = ready.item
    frame = item.frame.iloc[:, :TABLE_COLS]
    view = shown(frame, item.table_meta, lang, TABLE_ROWS)
    n_rows = len(view.rows) + 1
    shape = slide.shapes.add_table(n_rows, len(view.headers), left, top, width, min(height, Inches(0.33) * n_rows))
    for j, name in enumerate(view.headers):
        cell = shape.table.cell(0, j)
        cell.text_frame.paragraphs[0].add_run().text = name
        _font(cell.text_frame.paragraphs[0].runs[0], 11, RGBColor(0xFF, 0xFF, 0xFF), True)
    for i, row in enumerate(view.rows, start=1):
        for j, value in enumerate(row):
            paragraph = shape.table.cell(i, j).text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if view.numeric[j] else PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = shorten(value, 30)
            _font(run, 10)
    cut = view.total > len(view.rows) or item.frame.shape[1] > TABLE_COLS
    return render("pack.rows_shown", lang, shown=len(view.rows), total=view.total) if cut else ""


def _item_slide(deck, ready: Prepared, n: int, total: int, info: PackInfo) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    item = ready.item
    _text(slide, MARGIN, Inches(0.3), BODY_W, Inches(0.7), [(item.title, 24, DARK, True)])
    top, height = Inches(1.05), Inches(4.35)
    note = ""
    if item.kind == "chart":
        _picture(slide, ready.images["pptx"], MARGIN, top, BODY_W, height)
    else:
        note = _table(slide, ready, info.lang, MARGIN, top, BODY_W, height)
    body = [(item.caption, 14, DARK, False), (ready.narrative, 12, DARK, False), (note, 10, GREY, False)]
    _text(slide, MARGIN, Inches(5.5), BODY_W, Inches(1.3), body)
    source = item.source or render("pack.no_source", info.lang)
    _text(slide, MARGIN, Inches(6.85), BODY_W - Inches(2.2), Inches(0.5), [(source, 10, GREY, False)])
    counter = render("pack.item", info.lang, n=n, total=total)
    _text(
        slide,
        WIDTH - MARGIN - Inches(2.0),
        Inches(6.85),
        Inches(2.0),
        Inches(0.5),
        [(counter, 10, GREY, False)],
        align=PP_ALIGN.RIGHT,
    )


def _sources_slide(deck, prepared: Sequence[Prepared], info: PackInfo) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, MARGIN, Inches(0.3), BODY_W, Inches(0.7), [(render("pack.sources", info.lang), 24, DARK, True)])
    lines = [(f"{i}. {line}", 14, DARK, False) for i, line in enumerate(sources(prepared, info.lang), start=1)]
    lines.append((render("pack.date", info.lang, date=info.date.isoformat()), 12, GREY, False))
    _text(slide, MARGIN, Inches(1.2), BODY_W, Inches(5.8), lines)


def write_pptx(prepared: Sequence[Prepared], info: PackInfo) -> bytes:
    """The deck's bytes: 1 title slide + one slide per item + 1 sources slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = info.heading()
    deck.core_properties.author = "决策驾驶舱 · Decision Cockpit"
    _title_slide(deck, info, len(prepared))
    for n, ready in enumerate(prepared, start=1):
        _item_slide(deck, ready, n, len(prepared), info)
    _sources_slide(deck, prepared, info)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
