"""Period labels, frequencies and the wording of periods and numbers in Chinese and English.

Adjustments name periods by their canonical pandas label (``"2026"``, ``"2026Q3"``, ``"2026-03"``) so a scenario
reads the same in JSON, in a link and on screen. Labels are checked strictly: ``"2026-01"`` is not an annual label.
"""

from __future__ import annotations

import math
from numbers import Real

import pandas as pd

from forecasting.scenarios.errors import ScenarioError

FREQS = ("A", "Q", "M")
_PANDAS = {"A": "Y", "Q": "Q", "M": "M"}
_EXAMPLE = {"A": "'2026'", "Q": "'2026Q3'", "M": "'2026-03'"}
PER_PERIOD = {"A": ("每年", "a year"), "Q": ("每季度", "a quarter"), "M": ("每月", "a month")}


def check_freq(freq: object) -> str:
    """Return a frequency code ``"A"``, ``"Q"`` or ``"M"``, or raise :class:`ScenarioError`."""
    if freq not in FREQS:
        raise ScenarioError(f"freq must be one of 'A' (annual), 'Q' (quarterly), 'M' (monthly); got {freq!r}")
    return str(freq)


def to_period(label: object, freq: str, field: str = "period") -> pd.Period:
    """Parse a canonical period label of frequency ``freq``.

    Raises:
        ScenarioError: not a string, not a period, or not in canonical form (e.g. ``"2026-1"`` for ``"2026-01"``).
    """
    expected = f"expected a period label such as {_EXAMPLE[freq]}"
    if not isinstance(label, str):
        raise ScenarioError(f"{field}: {expected}; got {label!r}")
    try:
        period = pd.Period(label, freq=_PANDAS[freq])
    except (ValueError, TypeError):
        raise ScenarioError(f"{field}: {expected}; got {label!r}") from None
    if str(period) != label:
        raise ScenarioError(f"{field}: {expected}; got {label!r} (did you mean {str(period)!r}?)")
    return period


def period_label(ds: object, freq: str) -> str:
    """Canonical label of the period containing date ``ds`` (first or last day of the period both work)."""
    return str(pd.Timestamp(ds).to_period(_PANDAS[check_freq(freq)]))


def to_periods(dates: pd.Series | pd.DatetimeIndex, freq: str) -> pd.PeriodIndex:
    """Periods of a column of dates."""
    return pd.DatetimeIndex(dates).to_period(_PANDAS[freq])


def zh_period(label: str, freq: str) -> str:
    """``2026 年``, ``2026 年第 3 季度``, ``2026 年 3 月``."""
    p = to_period(label, freq)
    if freq == "A":
        return f"{p.year} 年"
    return f"{p.year} 年第 {p.quarter} 季度" if freq == "Q" else f"{p.year} 年 {p.month} 月"


def en_period(label: str, freq: str) -> str:
    """``2026``, ``2026 Q3``, ``Mar 2026``."""
    p = to_period(label, freq)
    if freq == "A":
        return str(p.year)
    return f"{p.year} Q{p.quarter}" if freq == "Q" else p.strftime("%b %Y")


def zh_range(start: str, end: str, freq: str) -> str:
    """``2026–2028 年`` (annual) or ``2026 年第 1 季度至 2027 年第 2 季度``; a single period when equal."""
    if start == end:
        return zh_period(start, freq)
    if freq == "A":
        return f"{start}–{end} 年"
    return f"{zh_period(start, freq)}至 {zh_period(end, freq)}"


def en_range(start: str, end: str, freq: str) -> str:
    """``2026–2028``, ``2026 Q1–2027 Q2``; a single period when equal."""
    if start == end:
        return en_period(start, freq)
    return f"{en_period(start, freq)}–{en_period(end, freq)}"


def fmt(x: float, decimals: int = 4) -> str:
    """A number without exponent or trailing zeros, with thousands separators: ``1``, ``0.25``, ``150,000``."""
    if not math.isfinite(x):
        return str(x)
    text = f"{x:,.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def finite(value: object, field: str, low: float | None = None, high: float | None = None) -> float:
    """A finite real number (not a bool) within ``(low, high]``-style bounds, as ``float``.

    ``low`` is exclusive and ``high`` inclusive, which is what the bounds here need (a level may not fall by 100%).
    """
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ScenarioError(f"{field}: expected a finite number; got {value!r}")
    x = float(value)
    if (low is not None and x <= low) or (high is not None and x > high):
        bounds = [f"greater than {fmt(low)}"] if low is not None else []
        bounds += [f"at most {fmt(high)}"] if high is not None else []
        raise ScenarioError(f"{field}: expected a number {' and '.join(bounds)}; got {fmt(x)}")
    return x


def text(value: object, field: str, max_length: int = 200) -> str:
    """A non-empty string without surrounding blanks, at most ``max_length`` characters."""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{field}: expected a non-empty string; got {value!r}")
    if value != value.strip() or len(value) > max_length:
        raise ScenarioError(
            f"{field}: expected at most {max_length} characters without leading or trailing blanks; got {value!r}"
        )
    return value


def window(start: str, end: str | None, periods: pd.PeriodIndex, freq: str, where: str) -> tuple[int, int]:
    """Positions ``(first, last)`` (inclusive) of ``start``…``end`` in the forecast ``periods``; ``end=None`` → last.

    Raises:
        ScenarioError: the window is not inside the horizon.
    """
    first, last = periods[0], periods[-1]
    span = f"the horizon {en_range(str(first), str(last), freq)}"
    i0 = (to_period(start, freq, f"{where}.start") - first).n
    i1 = len(periods) - 1 if end is None else (to_period(end, freq, f"{where}.end") - first).n
    if not 0 <= i0 < len(periods):
        raise ScenarioError(f"{where}: start {start} is outside {span}")
    if not i0 <= i1 < len(periods):
        raise ScenarioError(f"{where}: end {end} is outside {span}")
    return i0, i1
