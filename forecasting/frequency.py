"""Frequencies: inference from dates, season lengths, grid positions and future dates.

Dates are first (or last) days of their period, as in the data layer. Inference works on calendar months rather than
on ``pd.infer_freq`` so that a series with gaps (2001, 2002, 2005, …) is still recognised as annual: the step is the
greatest common divisor of the month differences.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
from pandas.tseries import offsets
from pandas.tseries.frequencies import to_offset

from forecasting.errors import ForecastInputError

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# Period codes of the data layer (annual, quarterly, monthly); pandas reads "A"/"Q"/"M" as period *ends*, so they are
# resolved against the dates instead of being passed to pandas.
SHORT_CODES = {"A": "Y", "Y": "Y", "Q": "Q", "M": "M"}


def _gcd(values: np.ndarray) -> int:
    return int(np.gcd.reduce(values.astype(np.int64))) if len(values) else 0


def _calendar(dates: pd.DatetimeIndex) -> tuple[bool, bool, bool, np.ndarray]:
    """Whether all dates are midnights, month starts, month ends; and their month numbers (NumPy: this runs per
    series in a batch)."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    days = values.astype("datetime64[D]")
    months = values.astype("datetime64[M]")
    midnight = bool((values == days).all())
    starts = bool((days == months).all())
    ends = bool(((days + 1).astype("datetime64[M]") != months).all())
    return midnight, starts, ends, months.astype(np.int64)


def infer_freq(dates: pd.DatetimeIndex) -> str:
    """Infer a pandas offset alias from sorted, unique dates that may have gaps.

    Args:
        dates: sorted unique timestamps of one series.

    Returns:
        An alias such as ``"YS-JAN"``, ``"QS-JAN"``, ``"MS"``, ``"YE-DEC"``, ``"W-SUN"`` or ``"D"``.

    Raises:
        ForecastInputError: fewer than two dates, or dates on no regular calendar grid.
    """
    if len(dates) < 2:
        raise ForecastInputError(
            f"cannot infer the frequency from {len(dates)} date(s); expected at least 2 dates or an explicit freq "
            "such as 'YS', 'QS' or 'MS'"
        )
    midnight, starts, ends, months = _calendar(dates)
    first = dates[0]
    if midnight and (starts or ends):
        return _month_alias(_gcd(np.diff(months)), first.month, start=starts)
    days = np.asarray((dates - first).days)
    step = _gcd(np.diff(days))
    if midnight and step % 7 == 0:
        return f"{step // 7}W-{_WEEKDAYS[first.weekday()]}" if step > 7 else f"W-{_WEEKDAYS[first.weekday()]}"
    if midnight and step >= 1:
        return "D" if step == 1 else f"{step}D"
    inferred = pd.infer_freq(dates) if len(dates) >= 3 else None
    if inferred is None:
        raise ForecastInputError(
            f"cannot infer the frequency of dates starting {first.date()}, {dates[1]}; expected a regular "
            "annual, quarterly, monthly, weekly or daily grid, or pass freq explicitly"
        )
    return inferred


def _month_alias(step: int, first_month: int, *, start: bool) -> str:
    suffix = "S" if start else "E"
    if step % 12 == 0:
        anchor = _MONTHS[first_month - 1]
        prefix = "" if step == 12 else str(step // 12)
        return f"{prefix}Y{suffix}-{anchor}"
    if step % 3 == 0:
        # A quarterly grid is named after its first month in the calendar year (JAN, FEB or MAR for starts).
        anchor = _MONTHS[(first_month - 1) % 3] if start else _MONTHS[(first_month - 1) % 3 + 9]
        prefix = "" if step == 3 else str(step // 3)
        return f"{prefix}Q{suffix}-{anchor}"
    return f"M{suffix}" if step == 1 else f"{step}M{suffix}"


def resolve_freq(freq: str | None, dates: pd.DatetimeIndex) -> str:
    """Return the offset alias to use for one series.

    Args:
        freq: ``None`` to infer; a data-layer code ``"A"``, ``"Q"``, ``"M"`` (resolved to period starts or ends to
            match the dates); or any pandas offset alias.
        dates: sorted unique timestamps of the series.

    Raises:
        ForecastInputError: an unknown alias, or a code that contradicts the dates.
    """
    if freq is None:
        return infer_freq(dates)
    if not isinstance(freq, str):
        raise ForecastInputError(f"freq must be None or a string such as 'YS', 'QS', 'MS'; got {freq!r}")
    family = SHORT_CODES.get(freq.upper())
    if family is None:
        _offset(freq)  # validates the alias
        return freq
    if len(dates) < 2:
        return f"{family}S" if family != "M" else "MS"
    inferred = infer_freq(dates)
    if _family(inferred) != family:
        raise ForecastInputError(f"freq {freq!r} does not match the dates, which look like {inferred!r}")
    return inferred


def _family(alias: str) -> str:
    offset = _offset(alias)
    if isinstance(offset, offsets.YearBegin | offsets.YearEnd):
        return "Y"
    if isinstance(offset, offsets.QuarterBegin | offsets.QuarterEnd):
        return "Q"
    if isinstance(offset, offsets.MonthBegin | offsets.MonthEnd):
        return "M"
    return alias


def data_code(freq: str) -> str | None:
    """The data layer's code of an alias whose periods are one year, quarter or month (``"A"``, ``"Q"``, ``"M"``);
    ``None`` for any other frequency (weeks, days, two-year steps…).

    Raises:
        ForecastInputError: an unknown alias.
    """
    if _offset(freq).n != 1:
        return None
    return {"Y": "A", "Q": "Q", "M": "M"}.get(_family(freq))


@lru_cache(maxsize=64)
def _offset(freq: str) -> offsets.BaseOffset:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return to_offset(freq)
    except (ValueError, TypeError) as err:
        raise ForecastInputError(
            f"unknown frequency {freq!r}; expected a pandas offset alias such as 'YS', 'QS', 'MS', 'W' or 'D'"
        ) from err


@lru_cache(maxsize=64)
def season_length(freq: str) -> int:
    """Number of periods in a seasonal cycle: 1 for annual, 4 quarterly, 12 monthly, 52 weekly, 7 daily."""
    offset = _offset(freq)
    n = offset.n
    if isinstance(offset, offsets.QuarterBegin | offsets.QuarterEnd):
        return 4 if n == 1 else 1
    if isinstance(offset, offsets.MonthBegin | offsets.MonthEnd):
        return 12 // n if 12 % n == 0 and n < 12 else 1
    if isinstance(offset, offsets.Week):
        return 52 if n == 1 else 1
    if isinstance(offset, offsets.Day):
        return 7 if n == 1 else 1
    if isinstance(offset, offsets.Hour):
        return 24 if n == 1 else 1
    return 1


def counts_grid(freq: str) -> bool:
    """Whether ``freq`` is a grid of single days or weeks, where a series of whole numbers is read as a count."""
    offset = _offset(freq)
    return offset.n == 1 and isinstance(offset, offsets.Day | offsets.Week)


def _months_per_step(offset: offsets.BaseOffset) -> tuple[int, bool] | None:
    """Calendar months per period and whether periods are named by their first day; None if not month-based."""
    for kinds, months in (
        ((offsets.YearBegin, offsets.YearEnd), 12),
        ((offsets.QuarterBegin, offsets.QuarterEnd), 3),
        ((offsets.MonthBegin, offsets.MonthEnd), 1),
    ):
        if isinstance(offset, kinds):
            return months * offset.n, isinstance(offset, offsets.YearBegin | offsets.QuarterBegin | offsets.MonthBegin)
    return None


def grid(dates: pd.DatetimeIndex, freq: str) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Regular grid from the first to the last date, and each date's position on it.

    Raises:
        ForecastInputError: a date that is not on the grid of ``freq`` (e.g. a mid-month date in a monthly series).
    """
    offset = _offset(freq)
    monthly = _months_per_step(offset)
    if monthly is None:
        full = pd.date_range(dates[0], dates[-1], freq=offset)
        positions = full.get_indexer(dates)
        if len(full) and (positions >= 0).all():
            return full, positions
    else:
        # Month-based grids in NumPy: pd.date_range costs more than the models on a short series.
        step, named_by_start = monthly
        midnight, starts, ends, months = _calendar(dates)
        relative = months - months[0]
        aligned = midnight and (starts if named_by_start else ends) and offset.is_on_offset(dates[0])
        if aligned and (relative % step == 0).all():
            grid_months = (months[0] + step * np.arange(relative[-1] // step + 1)).astype("datetime64[M]")
            full = grid_months if named_by_start else (grid_months + 1).astype("datetime64[D]") - 1
            return pd.DatetimeIndex(full.astype("datetime64[ns]")), relative // step
    raise ForecastInputError(
        f"dates are not on a regular {freq!r} grid; expected every date to be a {freq!r} period, "
        f"got dates from {dates[0].date()} to {dates[-1].date()}"
    )


def future_dates(last: pd.Timestamp, h: int, freq: str) -> pd.DatetimeIndex:
    """The ``h`` period dates that follow ``last``."""
    return pd.date_range(last, periods=h + 1, freq=_offset(freq))[1:]


__all__ = [
    "SHORT_CODES",
    "counts_grid",
    "data_code",
    "future_dates",
    "grid",
    "infer_freq",
    "resolve_freq",
    "season_length",
]
