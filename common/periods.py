"""The one period module: canonical labels and their parse, the liberal parser uploads need, and one display form
per language.

* **Canonical labels** name a period in files, links and reports: ``2023`` (annual, ``A``), ``2023Q1`` (quarterly,
  ``Q``), ``2023-03`` (monthly, ``M``) — what ``str(pandas.Period)`` gives. `label` writes one, `parse_label` reads
  one strictly (``2023-1`` is refused, ``2023-01`` is not an annual label).
* **Liberal parsing** (`parse`) reads every spelling an uploaded release uses: 2023年第一季度, 1Q 2023, 202303, Excel
  dates … and returns the period's first day and its frequency.
* **Display** (`display`, `display_range`): Chinese without spaces between digits and characters (``2025年``,
  ``2025年第4季度``, ``2025年3月``, ``2026–2028年``, ``2026年第1季度至2027年第2季度``); English ``2025``, ``2025 Q4``,
  ``Mar 2025``, ``2026–2028``, ``2026 Q1–2027 Q2``. Every page, pack and message shows periods this way.
* `Period` and `Range` are facts a `common.text.Message` field can carry; they render in the reader's language.

Periods are identified by their first day (a ``pandas.Timestamp``), as in the canonical long frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from common.text import Message, clean

FREQS = ("A", "Q", "M")
FREQ_NAMES = {"A": "annual", "Q": "quarterly", "M": "monthly"}  # their words: the strings freq.<name>
PANDAS_FREQ = {"A": "Y", "Q": "Q", "M": "M"}
EXAMPLE = {"A": "2026", "Q": "2026Q3", "M": "2026-03"}
YEARS = range(1800, 2201)
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PeriodError(ValueError):
    """A frequency or a period label that is not what was expected."""


def check_freq(freq: object) -> str:
    """`freq` if it is ``"A"``, ``"Q"`` or ``"M"``.

    Raises:
        PeriodError: any other value.
    """
    if freq not in FREQS:
        raise PeriodError(f"freq must be one of 'A' (annual), 'Q' (quarterly), 'M' (monthly); got {freq!r}")
    return str(freq)


def freq_name(freq: str) -> Message:
    """The frequency's word as a fact: 年度 / annual, 季度 / quarterly, 月度 / monthly."""
    return Message(f"freq.{FREQ_NAMES[check_freq(freq)]}")


def start(moment: object, freq: str) -> pd.Timestamp:
    """First day of the period of frequency `freq` that contains `moment` (a date, a timestamp or a pandas Period)."""
    moment = moment.start_time if isinstance(moment, pd.Period) else pd.Timestamp(moment)
    month = {"A": 1, "Q": 3 * ((moment.month - 1) // 3) + 1, "M": moment.month}[check_freq(freq)]
    return pd.Timestamp(year=moment.year, month=month, day=1)


def label(moment: object, freq: str) -> str:
    """The canonical label of the period containing `moment`: ``2023``, ``2023Q1`` or ``2023-03``."""
    first = start(moment, freq)
    if freq == "A":
        return f"{first.year}"
    return f"{first.year}Q{(first.month - 1) // 3 + 1}" if freq == "Q" else f"{first.year}-{first.month:02d}"


def parse_label(text: object, freq: str) -> pd.Period:
    """A canonical label of frequency `freq`, read strictly, as a ``pandas.Period``.

    Raises:
        PeriodError: not a string, not a period, or not canonical (``2026-1`` for ``2026-01``), naming what was meant.
    """
    expected = f"expected a period label such as '{EXAMPLE[check_freq(freq)]}'"
    if not isinstance(text, str):
        raise PeriodError(f"{expected}; got {text!r}")
    try:
        period = pd.Period(text, freq=PANDAS_FREQ[freq])
    except (ValueError, TypeError):
        raise PeriodError(f"{expected}; got {text!r}") from None
    if str(period) != text:
        raise PeriodError(f"{expected}; got {text!r} (did you mean {str(period)!r}?)")
    return period


def to_periods(dates: pd.Series | pd.DatetimeIndex, freq: str) -> pd.PeriodIndex:
    """The pandas periods of a column of dates."""
    return pd.DatetimeIndex(dates).to_period(PANDAS_FREQ[check_freq(freq)])


# --- display ---------------------------------------------------------------------------------------------------


def _first_day(period: object, freq: str) -> pd.Timestamp:
    """A period given as a timestamp, a date, a pandas Period or a canonical label, as its first day."""
    if isinstance(period, str):
        return parse_label(period, freq).start_time
    return start(period, freq)


def display(period: object, freq: str, lang: str) -> str:
    """A period as people read it: ``2025年``, ``2025年第4季度``, ``2025年3月``; ``2025``, ``2025 Q4``, ``Mar 2025``.

    Args:
        period: a timestamp or date inside the period, a pandas Period, or a canonical label.
        freq: ``A``, ``Q`` or ``M``.
        lang: ``zh`` or ``en``.
    """
    first = _first_day(period, freq)
    year, quarter, month = first.year, (first.month - 1) // 3 + 1, first.month
    if lang == "zh":
        return {"A": f"{year}年", "Q": f"{year}年第{quarter}季度", "M": f"{year}年{month}月"}[freq]
    return {"A": f"{year}", "Q": f"{year} Q{quarter}", "M": f"{_MONTHS_EN[month - 1]} {year}"}[freq]


def display_range(first: object, last: object, freq: str, lang: str) -> str:
    """``2026–2028年``, ``2026年第1季度至2027年第2季度``; ``2026–2028``, ``2026 Q1–2027 Q2``; one period when equal."""
    a, b = _first_day(first, freq), _first_day(last, freq)
    if a == b:
        return display(a, freq, lang)
    if freq == "A":
        return f"{a.year}–{b.year}年" if lang == "zh" else f"{a.year}–{b.year}"
    joiner = "至" if lang == "zh" else "–"
    return f"{display(a, freq, lang)}{joiner}{display(b, freq, lang)}"


@dataclass(frozen=True)
class Period:
    """A period as a fact (its first day and frequency) that renders in the reader's language."""

    first: pd.Timestamp
    freq: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", _first_day(self.first, check_freq(self.freq)))

    @property
    def label(self) -> str:
        return label(self.first, self.freq)

    def render(self, lang: str) -> str:
        return display(self.first, self.freq, lang)

    __getitem__ = render


@dataclass(frozen=True)
class Range:
    """A run of periods (inclusive) as a fact that renders in the reader's language."""

    first: pd.Timestamp
    last: pd.Timestamp
    freq: str

    def render(self, lang: str) -> str:
        return display_range(self.first, self.last, self.freq, lang)

    __getitem__ = render


# --- the liberal parser of uploaded cells ----------------------------------------------------------------------

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
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


def _period(year: int, month: int, freq: str) -> tuple[pd.Timestamp, str] | None:
    if year not in YEARS or not 1 <= month <= 12:
        return None
    return pd.Timestamp(year=year, month=month, day=1), freq


def parse(cell: object, freq_hint: str | None = None) -> tuple[pd.Timestamp, str] | None:
    """The first day of the period a cell names and its frequency (A, Q, M), or None.

    Accepts 2023, 2023年, 2023年度, 2023Q1, 2023-Q1, 2023年第一季度, 2023年1季度, 1Q 2023, Q1 2023, 2023年3月,
    2023-03, 2023/3, 2023M03, 202303, full-width digits, and dates (2023-03-01, 2023/3/1, 2023年3月1日, Excel
    dates). A date names the period of `freq_hint` containing it (a month when there is no hint).
    """
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, datetime | date):
        return start(cell, freq_hint or "M"), freq_hint or "M"
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
        return (start(moment, freq_hint or "M"), freq_hint or "M") if moment.year in YEARS else None
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
