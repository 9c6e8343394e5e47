"""What a briefing pack is made of, shared by the pack builder (:mod:`briefing.pack`) and its writers
(:mod:`briefing.pptx_pack`, :mod:`briefing.pdf_pack`): the items, the title page's facts, each item prepared for
the writers, and the list of sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from briefing.charts import ChartMeta
from briefing.errors import BadItem
from briefing.narrative import Facts
from briefing.tables import TableMeta
from common.text import render

KINDS = ("chart", "table")


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
    lang: str = ""  # the language its title, chart, caption and source are in ("" when not known)

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
        return self.title or render("pack.title", self.lang)


def sources(prepared: Sequence[Prepared], lang: str) -> list[str]:
    """Every distinct source line, in the order the items cite them."""
    lines = [p.item.source.strip() or render("pack.no_source", lang) for p in prepared]
    return list(dict.fromkeys(lines))
