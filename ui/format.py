"""Numbers, units and periods formatted from metadata for display."""

from __future__ import annotations

import math

import pandas as pd

from common import periods
from common.text import Message, render

MISSING = Message("format.no_data")  # 无数据 / no data; read MISSING[lang]


def number(value: float | None, decimals: int, lang: str = "zh", signed: bool = False) -> str:
    """A number with thousands separators and the indicator's decimals; a gap reads 无数据 / no data."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return MISSING[lang]
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    return text


def with_unit(value: float | None, decimals: int, unit: str, lang: str = "zh", signed: bool = False) -> str:
    """A number followed by its unit (no space before % or Chinese units)."""
    text = number(value, decimals, lang, signed)
    if text == MISSING[lang]:
        return text
    tight = unit.startswith("%") or lang == "zh"
    return f"{text}{unit}" if tight else f"{text} {unit}"


def period(value: pd.Timestamp | None, freq: str, lang: str = "zh") -> str:
    """A period label, or 无数据 / no data."""
    if value is None or pd.isna(value):
        return MISSING[lang]
    return periods.display(value, freq, lang)


def change(value: float | None, change_unit: str, decimals: int, lang: str = "zh") -> str:
    """A signed change: ``+0.2个百分点`` / ``+0.2 pp`` for rates, ``+3.8%`` for amounts, ``-1.1`` for indices."""
    text = number(value, decimals, lang, signed=True)
    if text == MISSING[lang]:
        return text
    return render(f"format.change_{change_unit}", lang, value=text) if change_unit in ("pp", "pct") else text
