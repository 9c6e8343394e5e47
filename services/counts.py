"""Counts from the canonical case table: cases opened per period × topic × area, and open-past-due cases at each
period end — the series the signals (surges, hot topics, volume forecasts) read.

Periods are days (``"D"``, named by the day) or weeks (``"W"``, Monday to Sunday, named by their Monday: the grid
the forecasting library infers as ``W-MON``). Only complete periods count: a log whose last case was opened on a
Thursday has no last week yet, so a half week never reads as a fall (or, for a log cut at noon, a half day).
Every series is on the full grid from the log's first to its last complete period, with zeros where nothing was
opened — a quiet week is a zero, not a missing value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

FREQS = ("D", "W")
ALL = "__all__"  # the key of a total over a dimension (all areas), never a name in a log


class CountsError(ValueError):
    """A frequency or grouping the counts do not know, named with what was expected."""


def period_start(times: pd.Series, freq: str) -> pd.Series:
    """The period each timestamp falls in, named by its first day (a Monday for weeks)."""
    days = times.dt.normalize()
    if freq == "D":
        return days
    if freq == "W":
        return days - pd.to_timedelta(days.dt.dayofweek, unit="D")
    raise CountsError(f"unknown frequency {freq!r}; expected one of {', '.join(FREQS)}")


def step(freq: str) -> pd.Timedelta:
    """The length of one period."""
    if freq not in FREQS:
        raise CountsError(f"unknown frequency {freq!r}; expected one of {', '.join(FREQS)}")
    return pd.Timedelta(days=1 if freq == "D" else 7)


def complete_periods(cases: pd.DataFrame, freq: str) -> pd.DatetimeIndex:
    """The complete periods the log covers: from the period of its first case to the last period that ended by its
    last case's opening time (empty when the log has no complete period)."""
    opened = cases["opened"].dropna()
    if opened.empty:
        return pd.DatetimeIndex([])
    first = period_start(pd.Series([opened.min()]), freq).iloc[0]
    last_start = period_start(pd.Series([opened.max()]), freq).iloc[0]
    # The period holding the newest case is complete only if that case came in its very last instant; otherwise the
    # log may still be filling it.
    end = last_start if opened.max() >= last_start + step(freq) - pd.Timedelta(seconds=1) else last_start - step(freq)
    if end < first:
        return pd.DatetimeIndex([])
    return pd.date_range(first, end, freq=step(freq))


def case_counts(cases: pd.DataFrame, freq: str = "W", by: Sequence[str] = ("topic",)) -> pd.DataFrame:
    """Cases opened per complete period and group, zero-filled on the full grid.

    Args:
        cases: a canonical case table (``services.cases.CASE_COLUMNS``).
        freq: ``"D"`` or ``"W"``.
        by: grouping columns of the case table (e.g. ``("topic",)`` or ``("topic", "area")``); a missing value is
            its own group (``<NA>``), never dropped.

    Returns:
        ``<by…>, period, count`` sorted by group and period; only groups with at least one case in the covered
        periods.
    """
    by = tuple(by)
    unknown = [c for c in by if c not in cases.columns]
    if unknown:
        raise CountsError(f"cannot group by {unknown}; expected columns of the case table such as topic, area, unit")
    periods = complete_periods(cases, freq)
    columns = [*by, "period", "count"]
    if periods.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else object) for c in columns})
    frame = cases.loc[cases["opened"].notna(), list(by)].copy()
    frame["period"] = period_start(cases.loc[frame.index, "opened"], freq)
    frame = frame[frame["period"].between(periods[0], periods[-1])]
    grouped = frame.groupby([*by, "period"], dropna=False, observed=True).size()
    if grouped.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else object) for c in columns})
    wide = grouped.unstack("period", fill_value=0).reindex(columns=periods, fill_value=0)
    long = wide.stack().rename("count").reset_index()
    long.columns = columns
    return long.astype({"count": "int64"}).sort_values([*by, "period"], kind="stable").reset_index(drop=True)


def overdue_counts(cases: pd.DataFrame, freq: str = "W", by: Sequence[str] = ("topic",)) -> pd.DataFrame:
    """Open-past-due cases at the end of every complete period: due before the period's end and not closed by then
    (a case closed before its due time is never overdue; a case without a due time cannot be).

    Returns:
        ``<by…>, period, overdue`` (``period`` names the period whose end is measured), zero-filled; only groups
        that were ever overdue.
    """
    by = tuple(by)
    periods = complete_periods(cases, freq)
    columns = [*by, "period", "overdue"]
    frame = cases.loc[cases["due"].notna(), [*by, "due", "closed"]]
    closed = frame["closed"].fillna(pd.Timestamp.max)
    frame = frame[closed > frame["due"]]
    if periods.empty or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "overdue" else object) for c in columns})
    ends = (periods + step(freq)).to_numpy(dtype="datetime64[ns]")
    rows = []
    for key, group in frame.groupby(list(by), dropna=False, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        due = np.sort(group["due"].to_numpy(dtype="datetime64[ns]"))
        done = np.sort(group["closed"].dropna().to_numpy(dtype="datetime64[ns]"))
        # overdue at t: due < t and not (closed <= t); closed > due for every case here, so closed <= t implies due < t
        counts = np.searchsorted(due, ends, side="left") - np.searchsorted(done, ends, side="right")
        if counts.any():
            rows.append(pd.DataFrame({**dict(zip(by, key, strict=True)), "period": periods, "overdue": counts}))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "overdue" else object) for c in columns})
    return pd.concat(rows, ignore_index=True).astype({"overdue": "int64"})


def count_matrix(
    cases: pd.DataFrame, freq: str = "W", by: Sequence[str] = ("topic",)
) -> tuple[list[tuple], pd.DatetimeIndex, np.ndarray]:
    """Cases opened per group and complete period as one matrix (the fast path of :func:`case_counts` for code that
    walks thousands of series): the groups' keys (tuples of their ``by`` values; groups with a missing value are
    left out), the periods, and counts ``(groups, periods)``."""
    by = tuple(by)
    periods = complete_periods(cases, freq)
    if periods.empty:
        return [], periods, np.zeros((0, 0), dtype="int64")
    position = _positions(cases["opened"], periods[0], freq)
    keep = (position >= 0) & (position < len(periods))
    for column in by:
        keep &= cases[column].notna().to_numpy()
    group_codes, levels = [], []
    for column in by:
        codes, uniques = pd.factorize(cases.loc[keep, column])
        group_codes.append(codes)
        levels.append(uniques)
    if not by or not keep.any():
        return [], periods, np.zeros((0, len(periods)), dtype="int64")
    sizes = [len(level) for level in levels]
    flat = np.ravel_multi_index(group_codes, sizes)  # one integer per combination of the groups' codes
    combined, uniques = pd.factorize(flat, sort=True)
    matrix = np.zeros((len(uniques), len(periods)), dtype="int64")
    np.add.at(matrix, (combined, position[keep]), 1)
    parts = np.unravel_index(uniques, sizes)
    names = [np.asarray(level, dtype=object)[part] for level, part in zip(levels, parts, strict=True)]
    return list(zip(*names, strict=True)), periods, matrix


def _positions(opened: pd.Series, first: pd.Timestamp, freq: str) -> np.ndarray:
    """Each case's period as a position from ``first`` (-1 for a case without an opening time)."""
    days = opened.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    offset = (days - np.datetime64(first.date(), "D")).astype("int64")
    position = offset if freq == "D" else offset // 7  # ``first`` is a Monday for weeks
    return np.where(np.isnat(days), -1, position)


def to_series(counts: pd.DataFrame, by: Sequence[str], value: str = "count") -> dict[tuple, pd.Series]:
    """Each group's series (indexed by period), keyed by the tuple of its ``by`` values."""
    out = {}
    for key, group in counts.groupby(list(by), dropna=False, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        out[key] = pd.Series(group[value].to_numpy(), index=pd.DatetimeIndex(group["period"]))
    return out
