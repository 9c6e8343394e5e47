"""Plain numbered periods (``ds`` = 1, 2, 3… or 2001, 2002…), as statsforecast's long format allows.

Inside the library every series lives on a calendar grid, so numbered periods are mapped onto consecutive days from
an origin and back: period ``k`` is day ``(k − first) / step`` after 1970-01-01, where ``step`` is the ``freq`` given as
an integer, or else the greatest common divisor of the differences between a series' periods, over all series (so
2000, 2005, 2010 is a series of consecutive periods). Such series have no season: a number says nothing about
quarters or months. Every date the run returns (forecast, backtest and break dates, ``fit_start``) is mapped back to
the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.errors import ForecastInputError

EPOCH = np.datetime64("1970-01-01", "ns")
DAY = np.timedelta64(1, "D")
MAX_PERIODS = 100_000  # days from 1970 that datetime64[ns] can hold comfortably (±292 years)
ALIAS = "D"  # the grid numbered periods are placed on


@dataclass(frozen=True)
class Numbering:
    """How numbered periods map to grid dates: ``k ↔ EPOCH + (k − first) / step`` days."""

    first: int
    step: int

    def to_dates(self, ds: pd.Series) -> pd.Series:
        offsets = (ds.to_numpy(dtype="int64") - self.first) // self.step
        return pd.Series(EPOCH + offsets * DAY, index=ds.index)

    def to_numbers(self, dates: object) -> np.ndarray:
        values = np.asarray(dates, dtype="datetime64[ns]")
        return self.first + self.step * ((values - EPOCH) // DAY).astype("int64")


def is_numbered(ds: pd.Series) -> bool:
    """Whether ``ds`` holds plain numbers (integers, or floats that are whole) rather than dates."""
    return not pd.api.types.is_bool_dtype(ds) and pd.api.types.is_numeric_dtype(ds)


def numbering(df: pd.DataFrame, freq: object) -> Numbering:
    """The numbering of a frame whose ``ds`` holds numbers (see the module docstring).

    Raises:
        ForecastInputError: missing or fractional periods, a ``freq`` that is not a positive integer step, periods
            off that step, or too long a span.
    """
    ds = df["ds"]
    if ds.isna().any():
        raise ForecastInputError(f"ds has {int(ds.isna().sum())} missing period number(s)")
    values = ds.to_numpy(dtype="float64")
    if not np.isfinite(values).all() or (values != np.round(values)).any():
        shown = values[(values != np.round(values)) | ~np.isfinite(values)][:3].tolist()
        raise ForecastInputError(f"numbered periods must be whole numbers; got {shown}")
    numbers = values.astype("int64")
    if freq is None:
        frame = pd.DataFrame({"u": df["unique_id"].to_numpy(), "k": numbers}).sort_values(["u", "k"], kind="stable")
        same = frame["u"].to_numpy()[1:] == frame["u"].to_numpy()[:-1]
        gaps = np.diff(frame["k"].to_numpy())[same]
        gaps = gaps[gaps > 0]
        step = int(np.gcd.reduce(gaps)) if len(gaps) else 1
    elif isinstance(freq, int | np.integer) and not isinstance(freq, bool) and freq > 0:
        step = int(freq)
    else:
        raise ForecastInputError(
            f"with numbered periods freq must be None or a positive integer step (as in statsforecast); got {freq!r}"
        )
    first = int(numbers.min())
    off = (numbers - first) % step != 0
    if off.any():
        raise ForecastInputError(f"period numbers {numbers[off][:3].tolist()} are not on the step {step} from {first}")
    if (numbers.max() - first) // step > MAX_PERIODS:
        raise ForecastInputError(f"numbered periods span more than {MAX_PERIODS} steps; got {first}..{numbers.max()}")
    return Numbering(first, step)
