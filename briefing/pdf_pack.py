"""The briefing pack as a PDF: an HTML document (charts as inline SVG, installed fonts only) printed by the same
headless Chromium that renders the charts (Chrome DevTools `Page.printToPDF`), so no PDF library is needed.

One A4-landscape page per section: 1 title page + one page per item + 1 sources page. Item pages have a fixed
height with overflow hidden, so a long caption can never push the pack onto extra pages; the sources page flows
(every source is listed, even when that takes a second page).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import plotly.graph_objects as go

from briefing.charts import DEFAULT_HEIGHT, render_job
from briefing.pack_content import PackInfo, Prepared, sources
from briefing.renderer import with_renderer
from briefing.tables import shown
from common.text import render

# Installed fonts only: no @font-face, nothing fetched. Noto Sans CJK SC comes with Debian's fonts-noto-cjk.
FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
PAGE_W_MM, PAGE_H_MM, MARGIN_MM = 297, 210, 12
CHART_W_MM, CHART_H_MM = PAGE_W_MM - 2 * MARGIN_MM, 130
TABLE_ROWS, TABLE_COLS = 18, 10
CHART_MIN_W = 1100  # layout pixels across the page's width: 13 px text prints at about 9 pt

CSS = f"""
@page {{ size: {PAGE_W_MM}mm {PAGE_H_MM}mm; margin: {MARGIN_MM}mm; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {FONTS}; color: #222; }}
.page {{ height: {PAGE_H_MM - 2 * MARGIN_MM - 1}mm; overflow: hidden; break-after: page; position: relative; }}
.cover {{ padding-top: 50mm; }}
.cover h1 {{ font-size: 30pt; margin: 0 0 6mm 0; padding-top: 4mm; border-top: 1.5mm solid #c0392b; }}
.cover p {{ font-size: 14pt; margin: 2mm 0; color: #555; }}
h2 {{ font-size: 17pt; margin: 0 0 3mm 0; }}
.chart {{ width: {CHART_W_MM}mm; height: {CHART_H_MM}mm; display: flex; justify-content: center; }}
.chart svg {{ display: block; }}
.caption {{ font-size: 11.5pt; margin: 3mm 0 1mm 0; }}
.narrative {{ font-size: 10.5pt; margin: 1mm 0; }}
.note {{ font-size: 9pt; color: #666; margin: 1mm 0; }}
.source {{ position: absolute; bottom: 0; left: 0; right: 30mm; font-size: 8.5pt; color: #666; }}
.counter {{ position: absolute; bottom: 0; right: 0; font-size: 8.5pt; color: #666; }}
table {{ border-collapse: collapse; font-size: 9pt; width: 100%; }}
th {{ background: #34495e; color: #fff; padding: 1.2mm 2mm; text-align: center; }}
td {{ border-bottom: 0.2mm solid #ccc; padding: 0.8mm 2mm; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
ol {{ font-size: 12pt; line-height: 1.6; }}
"""


def chart_job(figure: go.Figure | dict, lang: str) -> dict:
    """The renderer's job for a chart page's figure: without a title or footer of its own (the page prints the
    title above it and the source line below it, once) and at the chart box's aspect, so it fills the page's width.
    """
    fig = go.Figure(figure)
    height = max(int(fig.layout.height or DEFAULT_HEIGHT), round(CHART_MIN_W * CHART_H_MM / CHART_W_MM))
    width = round(height * CHART_W_MM / CHART_H_MM)
    top = 30 if fig.layout.annotations else 20  # room for subplot titles and revision labels
    fig.update_layout(title_text=None, width=width, height=height, margin_t=top)
    return render_job(fig, "svg", None, lang)


def fitted_svg(svg: bytes, size: tuple[int, int]) -> str:
    """The chart's SVG sized in mm to fit the chart box, keeping its aspect ratio (the viewBox scales it)."""
    width, height = size
    scale = min(CHART_W_MM / width, CHART_H_MM / height)
    text = svg.decode("utf-8")
    root = re.match(r"<svg[^>]*>", text)
    if root is None:
        return text
    tag = re.sub(r'\s(width|height)="[^"]*"', "", root.group(0))
    if "viewBox" not in tag:
        tag = tag.replace("<svg", f'<svg viewBox="0 0 {width} {height}"', 1)
    tag = tag.replace("<svg", f'<svg width="{width * scale:.1f}mm" height="{height * scale:.1f}mm"', 1)
    return tag + text[root.end() :]


def _paragraph(css: str, text: str) -> str:
    return f'<p class="{css}">{escape(text)}</p>' if text else ""


def _cell(value: str, numeric: bool) -> str:
    return f'<td class="num">{escape(value)}</td>' if numeric else f"<td>{escape(value)}</td>"


def _table(ready: Prepared, lang: str) -> tuple[str, str]:
    item = ready.item
    view = shown(item.frame.iloc[:, :TABLE_COLS], item.table_meta, lang, TABLE_ROWS)
    head = "".join(f"<th>{escape(h)}</th>" for h in view.headers)
    body = "".join(
        "<tr>" + "".join(_cell(v, num) for v, num in zip(row, view.numeric, strict=True)) + "</tr>" for row in view.rows
    )
    cut = view.total > len(view.rows) or item.frame.shape[1] > TABLE_COLS
    note = render("pack.rows_shown", lang, shown=len(view.rows), total=view.total) if cut else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", note


def _item_page(ready: Prepared, n: int, total: int, lang: str) -> str:
    item = ready.item
    if item.kind == "chart":
        figure, note = f'<div class="chart">{fitted_svg(ready.images["pdf"], ready.size)}</div>', ""
    else:
        figure, note = _table(ready, lang)
    source = item.source or render("pack.no_source", lang)
    return (
        f'<section class="page"><h2>{escape(item.title)}</h2>{figure}'
        f"{_paragraph('caption', item.caption)}{_paragraph('narrative', ready.narrative)}{_paragraph('note', note)}"
        f'<div class="source">{escape(source)}</div>'
        f'<div class="counter">{escape(render("pack.item", lang, n=n, total=total))}</div></section>'
    )


def pack_html(prepared: Sequence[Prepared], info: PackInfo) -> str:
    """The whole pack as one self-contained HTML document."""
    lang = info.lang
    cover = (
        f'<section class="page cover"><h1>{escape(info.heading())}</h1>'
        + (_paragraph("scope", render("pack.scope", lang, scope=info.scope)) if info.scope else "")
        + _paragraph("date", render("pack.date", lang, date=info.date.isoformat()))
        + _paragraph("count", render("pack.count", lang, count=len(prepared)))
        + "</section>"
    )
    items = "".join(_item_page(ready, n, len(prepared), lang) for n, ready in enumerate(prepared, start=1))
    listed = "".join(f"<li>{escape(line)}</li>" for line in sources(prepared, lang))
    closing = (
        f'<section class="closing"><h2>{escape(render("pack.sources", lang))}</h2><ol>{listed}</ol>'
        f"{_paragraph('note', render('pack.date', lang, date=info.date.isoformat()))}</section>"
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8"><title>{escape(info.heading())}</title>'
        f"<style>{CSS}</style></head><body>{cover}{items}{closing}</body></html>"
    )


def write_pdf(prepared: Sequence[Prepared], info: PackInfo) -> bytes:
    """The pack printed to PDF by the shared Chromium."""
    document = pack_html(prepared, info)
    return with_renderer(lambda r: r.print_html(document))
