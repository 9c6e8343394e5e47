"""Checks at the edge of the library: the long frame, the horizon, interval levels and window counts.

Each check raises :class:`~forecasting.errors.ForecastInputError` with what was expected and what was received, and
returns a clean value so the rest of the library never re-checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Real

import numpy as np
import pandas as pd

from forecasting.errors import ForecastInputError

REQUIRED_COLUMNS = ("unique_id", "ds", "y")


def validate_frame(df: object, *, per_series: bool = True) -> pd.DataFrame:
    """Check a long frame and return a clean copy sorted by series (in order of appearance) and date.

    Args:
        df: a frame with columns ``unique_id`` (any hashable), ``ds`` (dates) and ``y`` (numbers; missing allowed).
        per_series: also reject duplicate dates within a series and series without an observed value (a run that
            is not strict turns those into per-series errors instead, with :func:`check_series`).

    Returns:
        A new frame with exactly ``unique_id, ds`` (``datetime64[ns]``) and ``y`` (``float64``).

    Raises:
        ForecastInputError: not a frame, missing columns, no rows, bad dates, non-numeric or infinite values,
            duplicate dates within a series, or a series without a single observed value.
    """
    if not isinstance(df, pd.DataFrame):
        raise ForecastInputError(f"expected a pandas DataFrame with columns unique_id, ds, y; got {type(df).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ForecastInputError(
            f"the frame lacks column(s) {', '.join(missing)}; expected unique_id, ds, y; "
            f"got {list(map(str, df.columns))}"
        )
    if df.empty:
        raise ForecastInputError("the frame is empty; expected at least one row with unique_id, ds, y")
    if df["unique_id"].isna().any():
        raise ForecastInputError(f"unique_id is missing in {int(df['unique_id'].isna().sum())} row(s)")
    out = pd.DataFrame({"unique_id": df["unique_id"].to_numpy(), "ds": _dates(df["ds"]), "y": _numbers(df["y"])})
    if per_series:
        _check_duplicates(out)
        _check_observed(out)
    order = pd.Categorical(out["unique_id"], categories=pd.unique(out["unique_id"]))
    out = out.assign(_order=order.codes).sort_values(["_order", "ds"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def _check_duplicates(frame: pd.DataFrame) -> None:
    duplicated = frame.duplicated(["unique_id", "ds"], keep=False)
    if duplicated.any():
        examples = frame.loc[duplicated, ["unique_id", "ds"]].drop_duplicates().head(3)
        shown = "; ".join(f"{u!r} {d.date()}" for u, d in examples.itertuples(index=False))
        raise ForecastInputError(
            f"duplicate dates within a series: {int(duplicated.sum())} rows share a (unique_id, ds) pair, "
            f"e.g. {shown}; expected one row per series and date"
        )


def _check_observed(frame: pd.DataFrame) -> None:
    observed = frame["y"].notna().groupby(frame["unique_id"], sort=False).any()
    if not observed.all():
        empty = list(observed.index[~observed.to_numpy()][:3])
        raise ForecastInputError(
            f"{int((~observed).sum())} series have no observed value (every y missing), e.g. {empty}; "
            "expected at least one number per series"
        )


def check_series(unique_id: object, ds: pd.DatetimeIndex, y: np.ndarray, minimum: int = 2) -> None:
    """Per-series checks: unique dates and at least ``minimum`` observed values.

    Raises:
        ForecastInputError: naming the series, what was expected and what it has.
    """
    if ds.has_duplicates:
        shown = ", ".join(str(d.date()) for d in ds[ds.duplicated()][:3])
        raise ForecastInputError(f"series {unique_id!r} has duplicate dates ({shown}); expected one row per date")
    observed = int(np.count_nonzero(~np.isnan(y)))
    if observed < minimum:
        raise ForecastInputError(
            f"series {unique_id!r} has {observed} observed value(s); at least {minimum} are needed to forecast it"
        )


def _dates(ds: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(ds) or pd.api.types.is_numeric_dtype(ds):
        raise ForecastInputError(
            f"ds must hold dates; got {ds.dtype} values such as {ds.tolist()[0]!r}. Convert years with "
            "pd.to_datetime(df['ds'].astype(str), format='%Y')"
        )
    if isinstance(ds.dtype, pd.DatetimeTZDtype):
        ds = ds.dt.tz_localize(None)
    parsed = pd.to_datetime(ds, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        examples = list(ds[bad].head(3))
        raise ForecastInputError(f"ds has {int(bad.sum())} missing or unreadable date(s), e.g. {examples}")
    return parsed.astype("datetime64[ns]")


def _numbers(y: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(y):
        raise ForecastInputError(f"y must be numeric; got booleans ({y.dtype})")
    if pd.api.types.is_numeric_dtype(y):
        values = y.astype("float64")
    else:
        values = pd.to_numeric(y, errors="coerce").astype("float64")
        bad = values.isna() & y.notna()
        if bad.any():
            raise ForecastInputError(
                f"y must be numeric; got {int(bad.sum())} non-numeric value(s) in a {y.dtype} column, "
                f"e.g. {list(y[bad].head(3))}"
            )
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        raise ForecastInputError(f"y must be finite or missing; got {int(infinite.sum())} infinite value(s)")
    return values


def validate_horizon(h: object) -> int:
    """Return ``h`` as an int, or raise if it is not a positive whole number of periods."""
    if isinstance(h, bool) or not isinstance(h, int | np.integer):
        raise ForecastInputError(f"h must be a positive integer number of periods; got {h!r} ({type(h).__name__})")
    if h <= 0:
        raise ForecastInputError(f"h must be a positive integer number of periods; got {h}")
    return int(h)


def validate_level(level: object) -> tuple[float, ...]:
    """Return interval levels sorted ascending, as ints where whole (so column names read ``lo-80``, not ``lo-80.0``).

    Raises:
        ForecastInputError: a level that is not a number strictly between 0 and 100.
    """
    values = [level] if isinstance(level, Real) else level
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ForecastInputError(f"level must be numbers between 0 and 100 (exclusive), e.g. (80, 95); got {level!r}")
    out: set[float] = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, Real) or not 0 < float(value) < 100:
            raise ForecastInputError(
                f"every value in level must be a number between 0 and 100 (exclusive); got {value!r} in {level!r}"
            )
        out.add(int(value) if float(value).is_integer() else float(value))
    return tuple(sorted(out))


def validate_count(value: object, name: str, minimum: int = 1) -> int:
    """Return a whole-number setting such as ``n_windows`` or ``step_size``, or raise."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ForecastInputError(f"{name} must be an integer of at least {minimum}; got {value!r}")
    return int(value)


def level_key(level: float) -> str:
    """Column suffix of a level: ``80`` for 80, ``97.5`` for 97.5."""
    return str(int(level)) if float(level).is_integer() else str(level)
