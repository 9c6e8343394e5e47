"""Checked input of scenarios: period labels and frequencies (raising `ScenarioError`), numbers, names, windows.

Adjustments name periods by their canonical label (``"2026"``, ``"2026Q3"``, ``"2026-03"``, see `common.periods`)
so a scenario reads the same in JSON, in a link and on screen. Labels are checked strictly: ``"2026-01"`` is not an
annual label. Periods are put into words by `common.periods.display`.
"""

from __future__ import annotations

import math
from numbers import Real

import pandas as pd

from common import periods
from forecasting.scenarios.errors import ScenarioError

FREQS = periods.FREQS


def check_freq(freq: object) -> str:
    """Return a frequency code ``"A"``, ``"Q"`` or ``"M"``, or raise :class:`ScenarioError`."""
    try:
        return periods.check_freq(freq)
    except periods.PeriodError as err:
        raise ScenarioError(str(err)) from None


def to_period(label: object, freq: str, field: str = "period") -> pd.Period:
    """Parse a canonical period label of frequency ``freq`` (`common.periods.parse_label`).

    Raises:
        ScenarioError: not a string, not a period, or not in canonical form (e.g. ``"2026-1"`` for ``"2026-01"``).
    """
    try:
        return periods.parse_label(label, freq)
    except periods.PeriodError as err:
        raise ScenarioError(f"{field}: {err}") from None


def period_label(ds: object, freq: str) -> str:
    """Canonical label of the period containing date ``ds`` (first or last day of the period both work)."""
    return periods.label(ds, check_freq(freq))


to_periods = periods.to_periods


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


def window(start: str, end: str | None, horizon: pd.PeriodIndex, freq: str, where: str) -> tuple[int, int]:
    """Positions ``(first, last)`` (inclusive) of ``start``…``end`` in the forecast ``horizon``; ``end=None`` → last.

    Raises:
        ScenarioError: the window is not inside the horizon.
    """
    first, last = horizon[0], horizon[-1]
    span = f"the horizon {periods.display_range(first, last, freq, 'en')}"
    i0 = (to_period(start, freq, f"{where}.start") - first).n
    i1 = len(horizon) - 1 if end is None else (to_period(end, freq, f"{where}.end") - first).n
    if not 0 <= i0 < len(horizon):
        raise ScenarioError(f"{where}: start {start} is outside {span}")
    if not i0 <= i1 < len(horizon):
        raise ScenarioError(f"{where}: end {end} is outside {span}")
    return i0, i1
