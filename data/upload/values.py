"""Reading single cells of an uploaded table: numbers, units and header words (periods: `common.periods.parse`).

Text is first NFKC-normalised (`common.text.clean`), which turns full-width digits and punctuation
(１２３，４５６．７％) into their ASCII forms and "…" into "...". Nothing here guesses a value: a cell is a number, a
stated gap, or a problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from common.text import clean

MISSING_TOKENS = frozenset(
    {"", "-", "--", "---", "—", "——", "–", "―", "――", "..", "...", "......", "na", "n/a", "n.a.", "nan", "null"}
)
EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


class Number(NamedTuple):
    """A parsed numeric cell: the value (NaN when missing) and what kind of cell it was."""

    value: float
    status: str  # ok | percent | missing | formula | excel_error | non_finite | text


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


# --- units and header words ------------------------------------------------------------------------------------

_UNIT_IN_TEXT = re.compile(r"(?:计量单位|单位|units?)\s*[:：]\s*([^\s,，;；)）]+)", re.I)
_TRAILING_PARENS = re.compile(r"^(.*?)\s*[(（]([^()（）]+)[)）]\s*$")


def unit_key(text: object) -> str:
    """A unit spelling reduced for comparison: 'Unit: 亿元', '（亿元）' and '亿元' are one unit."""
    key = clean(text).casefold()
    key = re.sub(r"^(计量单位|单位|units?)\s*[:：]", "", key)
    return re.sub(r"[\s()（）\[\]]", "", key)


# Spellings of one unit that releases use interchangeably (NBS English exports write "100 million yuan", the
# catalogue "RMB 100 million"): an upload may state any of them.
SAME_UNIT = (
    ("亿元", "RMB 100 million", "100 million yuan", "100 million RMB", "CNY 100 million", "100 million CNY"),
    ("亿美元", "US$ 100 million", "100 million US$", "USD 100 million", "100 million USD", "100 million US dollars"),
    ("万元", "RMB 10,000", "10,000 yuan", "10 thousand yuan", "10000 yuan"),
    ("万美元", "US$ 10,000", "10,000 US$", "10 thousand US$", "10,000 USD", "10 thousand USD"),
    ("万人", "10,000 persons", "10 thousand persons", "10000 persons", "10,000 people", "10 thousand people"),
)


def unit_spellings(units: Iterable[str]) -> frozenset[str]:
    """`units` with every other spelling of the same units (see `SAME_UNIT`)."""
    units = set(units)
    keys = {unit_key(u) for u in units}
    for group in SAME_UNIT:
        if keys & {unit_key(spelling) for spelling in group}:
            units.update(group)
    return frozenset(units)


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
