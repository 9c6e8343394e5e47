"""A briefing pack: an ordered list of charts and tables, each with a caption and a source line, written as PPTX
and/or PDF with the same content (title page, one page per item, a closing page listing every source).

Charts are rendered once per format they need (PNG for slides, SVG for the PDF) on the shared Chromium, as many
at a time as it has tabs; `progress(done, total, label)` is called after each item and each written file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from briefing.charts import chart_images, render_job
from briefing.errors import EmptyPack, UnsupportedFormat, UnsupportedLanguage
from briefing.narrative import narrative
from briefing.pack_content import PackInfo, PackItem, Prepared
from briefing.pdf_pack import chart_job, write_pdf
from briefing.renderer import TABS
from common.text import check_lang, render

PACK_FORMATS = ("pptx", "pdf")
PACK_MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
IMAGE_FOR = {"pptx": "png", "pdf": "svg"}  # slides take bitmaps; the PDF keeps charts as vectors (pdf_pack.chart_job)

Progress = Callable[[int, int, str], None]


def pack_file_name(fmt: str, lang: str, date: dt.date) -> str:
    """The pack's file name: the language is part of it, so a Chinese and an English pack of one day never clash
    (``briefing-zh-20250301.pdf`` / ``briefing-en-20250301.pdf``)."""
    return f"briefing-{check_lang(lang, UnsupportedLanguage)}-{date:%Y%m%d}.{fmt}"


def check_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    """The requested pack formats, lower case, without repeats.

    Raises:
        UnsupportedFormat: a format other than pptx or pdf, or none at all.
    """
    wanted = [formats] if isinstance(formats, str) else list(formats)
    out = tuple(dict.fromkeys(str(f).lower() for f in wanted))
    for fmt in out:
        if fmt not in PACK_FORMATS:
            raise UnsupportedFormat(fmt, PACK_FORMATS)
    if not out:
        raise UnsupportedFormat("", PACK_FORMATS)
    return out


def prepare(items: Sequence[PackItem], formats: tuple[str, ...], info: PackInfo, progress: Progress) -> list[Prepared]:
    """Render every chart in the formats the writers need and write each item's narrative.

    Charts go to the renderer in batches that fill its tabs (one item in both formats, or two items in one), so
    both tabs work; progress is reported per item, in order.
    """
    total = len(items) + len(formats)
    ready = [Prepared(item=item, narrative=narrative(item.facts, info.lang)) for item in items]
    pending: list[tuple[int, list[dict]]] = []
    done = 0

    def report(n: int) -> None:
        nonlocal done
        done += 1
        progress(done, total, render(f"pack.progress.{items[n].kind}", info.lang, title=items[n].title))

    def flush() -> None:
        images = iter(chart_images([job for _, jobs in pending for job in jobs]))
        for n, jobs in pending:
            ready[n].images = {fmt: next(images) for fmt in formats}
            sized = jobs[formats.index("pdf")] if "pdf" in formats else jobs[0]  # the size the PDF page fits
            ready[n].size = (sized["width"], sized["height"])
            report(n)
        pending.clear()

    for n, item in enumerate(items):
        if item.kind == "table":
            flush()
            report(n)
            continue
        meta = replace(item.meta(), exported=info.date)
        jobs = [
            chart_job(item.figure, info.lang)
            if fmt == "pdf"
            else render_job(item.figure, IMAGE_FOR[fmt], meta, info.lang)
            for fmt in formats
        ]
        pending.append((n, jobs))
        if sum(len(jobs) for _, jobs in pending) >= TABS:
            flush()
    flush()
    return ready


def build_pack(
    items: Sequence[PackItem],
    formats: Iterable[str] | str = PACK_FORMATS,
    lang: str = "zh",
    title: str = "",
    scope: str = "",
    date: dt.date | None = None,
    progress: Progress | None = None,
) -> dict[str, bytes]:
    """Write the briefing pack.

    Args:
        items: charts and tables in the order they appear.
        formats: "pptx", "pdf" or both.
        lang: language of the pack's own text (title page, narrative, footers, source page).
        title: the title page's heading (default 决策简报 / Briefing); scope: what the pack covers.
        date: the date printed on the pack and its charts (default today).
        progress: called as ``progress(done, total, label)`` after each item and each written file.

    Returns:
        The files' bytes by format.

    Raises:
        EmptyPack: no items. BadItem: an item that cannot be exported. UnsupportedFormat: a format other than pptx
        or pdf. ChromiumMissing / RenderError: no working Chromium to render charts and print the PDF.
    """
    if not items:
        raise EmptyPack()
    formats = check_formats(formats)
    checked = [item.checked(n) for n, item in enumerate(items, start=1)]
    info = PackInfo(lang=check_lang(lang, UnsupportedLanguage), title=title, scope=scope, date=date or dt.date.today())
    progress = progress or (lambda done, total, text: None)
    prepared = prepare(checked, formats, info, progress)
    from briefing.pptx_pack import write_pptx  # python-pptx takes ~1 s to import: only when a pack is built

    writers = {"pptx": write_pptx, "pdf": write_pdf}
    out = {}
    for n, fmt in enumerate(formats, start=len(checked) + 1):
        out[fmt] = writers[fmt](prepared, info)
        progress(n, len(checked) + len(formats), render(f"pack.progress.{fmt}", info.lang))
    return out
