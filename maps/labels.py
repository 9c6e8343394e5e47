"""Number formats and source lines on the maps, in Chinese and English (the words: ``choropleth.*`` in
common/strings/choropleth.yaml)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

from common.numbers import short_labels
from common.text import render
from data.citation import Upload, boundary_line, citations, source_line
from indicators.metadata import Indicator

SEPARATOR = {"zh": "、", "en": "; "}  # "; " because English names carry commas ("Hong Kong SAR, China")


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int, lang: str = "zh") -> str:
    """Thousands separators and the indicator's decimals; a gap reads 无数据 / no data."""
    return render("choropleth.no_data", lang) if is_missing(value) else f"{value:,.{decimals}f}"


def with_unit(value: float | None, decimals: int, unit: str, lang: str = "zh") -> str:
    """Number and unit: no space in Chinese or before %, one space otherwise (as ui/format.py does)."""
    shown = number(value, decimals, lang)
    if is_missing(value):
        return shown
    return f"{shown}{unit}" if lang == "zh" or unit.startswith("%") else f"{shown} {unit}"


def interval(lower: float, upper: float, decimals: int, lang: str = "zh") -> str:
    """Legend label of one class: "lower – upper" in the indicator's decimals."""
    low, high = number(lower, decimals, lang), number(upper, decimals, lang)
    return low if low == high else f"{low} – {high}"


def legend_intervals(intervals: list[tuple[float, float]], decimals: int, lang: str = "zh") -> list[str]:
    """Legend labels of all classes on one scale: "1.6万 – 2.9万" / "16k – 29k" once the bounds reach 万 (k); below
    that, or where a scale word would round a bound by more than 0.5%, :func:`interval` in the indicator's
    decimals."""
    bounds = sorted({b for pair in intervals for b in pair})
    short = dict(zip(bounds, short_labels(bounds, lang, tolerance=0.005, max_decimals=2), strict=True))
    if all(label.replace(",", "").replace(".", "").lstrip("-").isdigit() for label in short.values()):
        return [interval(low, high, decimals, lang) for low, high in intervals]
    return [short[low] if short[low] == short[high] else f"{short[low]} – {short[high]}" for low, high in intervals]


def footer(
    meta: Indicator,
    boundary_dataset: str,
    lang: str = "zh",
    sources: tuple[str, ...] = (),
    year: int | None = None,
    uploads: Mapping[str, Upload] | None = None,
) -> list[str]:
    """Source lines: the citation of the data (each of `sources`, default the indicator's own dataset) with the data
    date (`year`) and the release or uploaded version (`uploads`, by dataset); the boundaries' citation."""
    cites = citations(sources or (meta.source,), "A", uploads=uploads)
    last = pd.Timestamp(year=year, month=1, day=1) if year is not None else None
    return [source_line(cites, lang, last, "A"), boundary_line(boundary_dataset, lang)]


def cell_width(text: str) -> int:
    """Display width in Latin character cells: a CJK or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(line: str, width: int) -> list[str]:
    """`line` in pieces no wider than `width` cells (see :func:`cell_width`), broken at spaces, else anywhere.

    A figure's annotation does not wrap by itself: a long source line runs off the chart's right edge.
    """
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<=\s)", line):
        while cell_width(word) > width:  # a run without spaces (a Chinese sentence, a long address)
            room = width - cell_width(current)
            cut = max(i for i in range(len(word) + 1) if cell_width(word[:i]) <= room) if room > 0 else 0
            if cut == 0:
                pieces.append(current.rstrip())
                current = ""
                continue
            pieces.append((current + word[:cut]).rstrip())
            current, word = "", word[cut:]
        if cell_width(current + word.rstrip()) > width and current:
            pieces.append(current.rstrip())
            current = ""
        current += word
    if current.strip():
        pieces.append(current.rstrip())
    return pieces
