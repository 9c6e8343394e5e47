"""Number formats and source lines on the maps, in Chinese and English (the words: ``choropleth.*`` in
common/strings/choropleth.yaml)."""

from __future__ import annotations

import math
import re
import unicodedata

from common.text import render
from data import dataset
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


def footer(meta: Indicator, boundary_dataset: str, lang: str = "zh", sources: tuple[str, ...] = ()) -> list[str]:
    """Source lines: the data's producer, version and licence (each of `sources`, default the indicator's own
    dataset); the boundaries' producer and licence."""
    bounds = dataset(boundary_dataset)
    lines = []
    for source in sources or (meta.source,):
        data = dataset(source)
        lines.append(
            render(
                "choropleth.data_source",
                lang,
                producer=data.producer[lang],
                version=data.version,
                licence=data.licence[lang],
            )
        )
    return [
        *lines,
        render("choropleth.boundary_source", lang, producer=bounds.producer[lang], licence=bounds.licence[lang]),
    ]


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
