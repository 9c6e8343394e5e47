"""Reading single cells of an uploaded table: numbers, periods, units and header words.

Text is first NFKC-normalised, which turns full-width digits and punctuation (１２３，４５６．７％) into their
ASCII forms and "…" into "...". Nothing here guesses a value: a cell is a number, a stated gap, or a problem.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import NamedTuple

import pandas as pd

MISSING_TOKENS = frozenset(
    {"", "-", "--", "---", "—", "——", "–", "―", "――", "..", "...", "......", "na", "n/a", "n.a.", "nan", "null"}
)
EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\ufe63": "-"})
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff\u00a0\u2009\u202f]")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
YEARS = range(1800, 2201)


class Number(NamedTuple):
    """A parsed numeric cell: the value (NaN when missing) and what kind of cell it was."""

    value: float
    status: str  # ok | percent | missing | formula | excel_error | non_finite | text


def clean(text: object) -> str:
    """NFKC-normalised, trimmed text with Unicode minus signs and invisible spaces made plain."""
    normal = unicodedata.normalize("NFKC", str(text)).translate(_MINUS)
    return _INVISIBLE.sub(" ", normal).strip()


def is_formula(text: object) -> bool:
    """A cell that looks like a spreadsheet formula (it is data and is never evaluated)."""
    return isinstance(text, str) and text.lstrip().startswith("=") and len(text.strip()) > 1


def parse_number(cell: object) -> Number:
    """A numeric cell: thousands separators, full-width digits and a trailing % are accepted; "—", "...",
    "-", "--" and empty are missing; formulas and Excel error values are reported as such."""
    if cell is None:
        return Number(float("nan"), "missing")
    if isinstance(cell, bool | datetime | date):
        return Number(float("nan"), "text")
    if isinstance(cell, int | float):
        value = float(cell)
        if value != value:
            return Number(value, "missing")
        return Number(value, "ok") if abs(value) != float("inf") else Number(float("nan"), "non_finite")
    if is_formula(cell):
        return Number(float("nan"), "formula")
    text = clean(cell)
    if text.casefold() in MISSING_TOKENS:
        return Number(float("nan"), "missing")
    if text.upper() in EXCEL_ERRORS:
        return Number(float("nan"), "excel_error")
    percent = text.endswith("%")
    digits = text[:-1].strip() if percent else text
    digits = re.sub(r"(?<=\d) (?=\d{3}\b)", "", digits)  # "1 234 567" digit groups
    if _THOUSANDS.match(digits):
        digits = digits.replace(",", "")
    if not _NUMBER.match(digits):
        return Number(float("nan"), "text")
    value = float(digits)
    if abs(value) == float("inf"):  # 1e400, or a 400-digit number: beyond what a float (or the store) holds
        return Number(float("nan"), "non_finite")
    return Number(value, "percent" if percent else "ok")


# --- periods -------------------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YEAR = re.compile(r"^(\d{4})(?:年|年度)?$")
_QUARTER_PATTERNS = (
    re.compile(r"^(\d{4})[-/.]?Q([1-4])$", re.I),
    re.compile(r"^(\d{4})年?第?([1-4一二三四])季度?$"),
    re.compile(r"^(\d{4})年Q([1-4])$", re.I),
)
_QUARTER_FIRST = (re.compile(r"^([1-4])Q[-/]?(\d{4})$", re.I), re.compile(r"^Q([1-4])[-/]?(\d{4})$", re.I))
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})年(\d{1,2})月份?$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})M(\d{1,2})$", re.I),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def period_start(moment: pd.Timestamp, freq: str) -> pd.Timestamp:
    """First day of the period of frequency `freq` that contains `moment`."""
    if freq == "A":
        return pd.Timestamp(year=moment.year, month=1, day=1)
    if freq == "Q":
        return pd.Timestamp(year=moment.year, month=3 * ((moment.month - 1) // 3) + 1, day=1)
    return pd.Timestamp(year=moment.year, month=moment.month, day=1)


def _period(year: int, month: int, freq: str) -> tuple[pd.Timestamp, str] | None:
    if year not in YEARS or not 1 <= month <= 12:
        return None
    return pd.Timestamp(year=year, month=month, day=1), freq


def parse_period(cell: object, freq_hint: str | None = None) -> tuple[pd.Timestamp, str] | None:
    """The start of the period a cell names and its frequency (A, Q, M), or None.

    Accepts 2023, 2023年, 2023年度, 2023Q1, 2023-Q1, 2023年第一季度, 2023年1季度, 1Q 2023, 2023年3月, 2023-03,
    2023/3, 2023M03, 202303 and dates (2023-03-01, 2023/3/1, 2023年3月1日, Excel dates). A date names the period
    of `freq_hint` containing it (a month when there is no hint).
    """
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, datetime | date):
        moment = pd.Timestamp(cell)
        return period_start(moment, freq_hint or "M"), freq_hint or "M"
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int):
        return _period(cell, 1, "A") if cell in YEARS else _parse_text(str(cell), freq_hint)
    return _parse_text(clean(cell), freq_hint)


def _parse_text(text: str, freq_hint: str | None) -> tuple[pd.Timestamp, str] | None:
    if m := _DATE.match(text):
        try:
            moment = pd.Timestamp(year=int(m[1]), month=int(m[2]), day=int(m[3]))
        except ValueError:
            return None
        return (period_start(moment, freq_hint or "M"), freq_hint or "M") if moment.year in YEARS else None
    text = re.sub(r"\s+", "", text)
    if m := _YEAR.match(text):
        return _period(int(m[1]), 1, "A")
    for pattern in _QUARTER_PATTERNS:
        if m := pattern.match(text):
            quarter = _CN_DIGITS.get(m[2]) or int(m[2])
            return _period(int(m[1]), 3 * quarter - 2, "Q")
    for pattern in _QUARTER_FIRST:
        if m := pattern.match(text):
            return _period(int(m[2]), 3 * int(m[1]) - 2, "Q")
    for pattern in _MONTH_PATTERNS:
        if m := pattern.match(text):
            return _period(int(m[1]), int(m[2]), "M")
    return None


def format_period(start: pd.Timestamp, freq: str) -> str:
    """2023, 2023Q1 or 2023-03: how reports name a period."""
    if freq == "A":
        return f"{start.year}"
    if freq == "Q":
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


# --- units and header words ------------------------------------------------------------------------------------

_UNIT_IN_TEXT = re.compile(r"(?:计量单位|单位|units?)\s*[:：]\s*([^\s,，;；)）]+)", re.I)
_TRAILING_PARENS = re.compile(r"^(.*?)\s*[(（]([^()（）]+)[)）]\s*$")


def unit_key(text: object) -> str:
    """A unit spelling reduced for comparison: 'Unit: 亿元', '（亿元）' and '亿元' are one unit."""
    key = clean(text).casefold()
    key = re.sub(r"^(计量单位|单位|units?)\s*[:：]", "", key)
    return re.sub(r"[\s()（）\[\]]", "", key)


def unit_in_text(text: str) -> str | None:
    """The unit a title or note declares ('单位：亿元', 'Unit: %'), if any."""
    m = _UNIT_IN_TEXT.search(clean(text))
    return m[1] if m else None


def split_trailing_unit(text: str) -> tuple[str, str | None]:
    """'地区生产总值（亿元）' → ('地区生产总值', '亿元'); text without trailing brackets → (text, None)."""
    m = _TRAILING_PARENS.match(clean(text))
    return (m[1], m[2]) if m else (clean(text), None)


def header_key(text: object) -> str:
    """A header reduced for matching field words: case, spaces, underscores and hyphens ignored."""
    return re.sub(r"[\s_\-·]", "", clean(text).casefold())
