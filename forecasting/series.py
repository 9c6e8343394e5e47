"""One series on its regular grid, and the strategy for gaps.

Leading and trailing missing values are dropped: the forecast starts after the last observation. Interior gaps are
never filled. The strategy, recorded in ``Series.strategy``:

* ``complete`` — no interior gap: every model can fit.
* ``recent-segment`` — there are gaps, but the newest stretch without gaps is long enough (``min_segment``: 10
  periods, or two seasonal cycles plus two): models fit on that stretch only, and ``fit_start`` tells the reader
  that older history was left out.
* ``with-gaps`` — the newest stretch is too short: the full span is kept with its gaps as missing values, and only
  models that handle gaps honestly can fit it (naive, seasonal naive and drift treat the gap as unobserved periods;
  Prophet fits the observed dates). Other models fall back to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.frequency import grid, resolve_freq, season_length
from forecasting.validation import check_series, validate_frame


def min_segment(season: int) -> int:
    """Shortest gap-free stretch that richer models (ETS, Theta) are fitted on."""
    return max(10, 2 * season + 2)


@dataclass(frozen=True)
class Series:
    """A series ready for the models: values on a regular grid (NaN only for the ``with-gaps`` strategy)."""

    unique_id: object
    y: np.ndarray
    dates: pd.DatetimeIndex
    freq: str
    season_length: int
    strategy: str

    def values(self, end: int | None = None, *, dated: bool = False) -> np.ndarray | pd.Series:
        """The first ``end`` values (all by default), as a dated ``pd.Series`` for models that need dates."""
        y = self.y[:end]
        return pd.Series(y, index=self.dates[: len(y)]) if dated else y


def prepare_series(unique_id: object, ds: pd.DatetimeIndex, y: np.ndarray, freq: str | None) -> Series:
    """Place one validated series on its grid and apply the gap strategy (see the module docstring).

    Args:
        unique_id: the series' id.
        ds: sorted, unique dates (rows with a missing ``y`` included: they help infer the grid).
        y: values aligned with ``ds``; at least one is observed.
        freq: ``None`` to infer, or an alias (see :func:`forecasting.frequency.resolve_freq`).
    """
    alias = resolve_freq(freq, ds)
    observed = ~np.isnan(y)
    dates, values = ds[observed], y[observed]
    full, positions = grid(dates, alias)
    on_grid = np.full(len(full), np.nan)
    on_grid[positions] = values
    season = season_length(alias)
    gaps = np.flatnonzero(np.isnan(on_grid))
    if len(gaps) == 0:
        return Series(unique_id, on_grid, full, alias, season, "complete")
    start = int(gaps[-1]) + 1
    if len(on_grid) - start >= min_segment(season):
        return Series(unique_id, on_grid[start:], full[start:], alias, season, "recent-segment")
    return Series(unique_id, on_grid, full, alias, season, "with-gaps")


def split_frame(frame: pd.DataFrame) -> Iterator[tuple[object, pd.DatetimeIndex, np.ndarray]]:
    """Yield ``(unique_id, ds, y)`` per series of a validated frame (sorted by series, then date)."""
    ids = frame["unique_id"].to_numpy()
    ds = frame["ds"].to_numpy()
    y = frame["y"].to_numpy(dtype="float64")
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    for start, end in zip(starts, ends, strict=True):
        yield ids[start], pd.DatetimeIndex(ds[start:end]), y[start:end]


def prepared(df: object, freq: str | None) -> Iterator[Series]:
    """Validate a long frame and yield its series on their grids (gap strategy applied).

    Raises:
        ForecastInputError: bad frame (see :func:`~forecasting.validation.validate_frame`), or a series with a single
            observation.
    """
    for uid, ds, y in split_frame(validate_frame(df)):
        check_series(uid, ds, y)
        yield prepare_series(uid, ds, y, freq)
