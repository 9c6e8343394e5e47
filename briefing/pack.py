"""A briefing pack: an ordered list of charts and tables, each with a caption and a source line, written as PPTX
and/or PDF with the same content (title page, one page per item, a closing page listing every source).

Charts are rendered once per format they need (PNG for slides, SVG for the PDF) on the shared Chromium, as many
at a time as it has tabs; `progress(done, total, label)` is called after each item and each written file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from briefing.charts import ChartMeta, chart_images, render_job
from briefing.errors import BadItem, EmptyPack, UnsupportedFormat
from briefing.labels import check_lang, label
from briefing.narrative import Facts, narrative
from briefing.renderer import TABS
from briefing.tables import TableMeta

KINDS = ("chart", "table")
PACK_FORMATS = ("pptx", "pdf")
PACK_MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
IMAGE_FOR = {"pptx": "png", "pdf": "svg"}  # slides take bitmaps; the PDF keeps charts as vectors

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PackItem:
    """One chart or table of a pack. `source` is the line shown under it and listed on the closing page."""

    kind: str
    title: str
    caption: str = ""
    source: str = ""
    figure: go.Figure | dict | None = None
    frame: pd.DataFrame | None = None
    chart_meta: ChartMeta | None = None
    table_meta: TableMeta | None = None
    facts: Facts | Mapping[str, Any] | None = None

    def checked(self, position: int) -> PackItem:
        """The item if it can be exported.

        Raises:
            BadItem: unknown kind, empty title, a chart without a figure or a table without a frame.
        """
        where = f"item {position} ({self.title!r})"
        if self.kind not in KINDS:
            raise BadItem(f"{where}: kind must be one of {', '.join(KINDS)}; got {self.kind!r}")
        if not str(self.title).strip():
            raise BadItem(f"item {position}: the title is empty")
        if self.kind == "chart" and not isinstance(self.figure, go.Figure | dict):
            raise BadItem(f"{where}: a chart needs a Plotly figure; got {type(self.figure).__name__}")
        if self.kind == "table" and not isinstance(self.frame, pd.DataFrame):
            raise BadItem(f"{where}: a table needs a pandas DataFrame; got {type(self.frame).__name__}")
        return self

    def meta(self) -> ChartMeta:
        """The chart's footer facts: the item's own, or its title and source line."""
        return self.chart_meta or ChartMeta(title=self.title, source=self.source)


@dataclass
class Prepared:
    """An item ready for the writers: rendered images by format and its narrative in the pack's language."""

    item: PackItem
    images: dict[str, bytes] = field(default_factory=dict)
    size: tuple[int, int] = (0, 0)  # layout pixels of the rendered chart
    narrative: str = ""


@dataclass(frozen=True)
class PackInfo:
    """What the title page says."""

    lang: str = "zh"
    title: str = ""
    scope: str = ""
    date: dt.date = field(default_factory=dt.date.today)

    def heading(self) -> str:
        return self.title or label("pack.title", self.lang)


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


def sources(prepared: Sequence[Prepared], lang: str) -> list[str]:
    """Every distinct source line, in the order the items cite them."""
    lines = [p.item.source.strip() or label("pack.no_source", lang) for p in prepared]
    return list(dict.fromkeys(lines))


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
        progress(done, total, label(f"progress.{items[n].kind}", info.lang, title=items[n].title))

    def flush() -> None:
        images = iter(chart_images([job for _, jobs in pending for job in jobs]))
        for n, jobs in pending:
            ready[n].images = {fmt: next(images) for fmt in formats}
            ready[n].size = (jobs[0]["width"], jobs[0]["height"])
            report(n)
        pending.clear()

    for n, item in enumerate(items):
        if item.kind == "table":
            flush()
            report(n)
            continue
        meta = replace(item.meta(), exported=info.date)
        pending.append((n, [render_job(item.figure, IMAGE_FOR[fmt], meta, info.lang) for fmt in formats]))
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
    # Imported here: each writer pulls in its own heavy library, and a pack of one format needs only one.
    from briefing.pdf_pack import write_pdf
    from briefing.pptx_pack import write_pptx

    if not items:
        raise EmptyPack()
    formats = check_formats(formats)
    checked = [item.checked(n) for n, item in enumerate(items, start=1)]
    info = PackInfo(lang=check_lang(lang), title=title, scope=scope, date=date or dt.date.today())
    progress = progress or (lambda done, total, text: None)
    prepared = prepare(checked, formats, info, progress)
    writers = {"pptx": write_pptx, "pdf": write_pdf}
    out = {}
    for n, fmt in enumerate(formats, start=len(checked) + 1):
        out[fmt] = writers[fmt](prepared, info)
        progress(n, len(checked) + len(formats), label(f"progress.{fmt}", info.lang))
    return out
