"""Public entry points over long frames: ``forecast`` and ``leaderboard`` (``cross_validation`` and ``evaluate``
live in their own modules; ``batch_forecast`` adds processes, caching and progress).

Input: a frame with ``unique_id, ds, y`` — many series at once, any of annual, quarterly or monthly (the frequency
is inferred per series unless ``freq`` is given), with gaps and non-positive values allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from forecasting.engine import SeriesResult, forecast_series
from forecasting.errors import ForecastInputError
from forecasting.registry import AUTO, DEFAULT_CANDIDATES, check_model_name
from forecasting.series import Series, prepare_series, split_frame
from forecasting.validation import (
    check_series,
    level_key,
    validate_count,
    validate_frame,
    validate_horizon,
    validate_level,
)

BOARD_COLUMNS = ["unique_id", "model", "mase", "smape", "score"]


def prepared(df: object, freq: str | None) -> Iterator[Series]:
    """Validate a long frame and yield its series on their grids (gap strategy applied).

    Raises:
        ForecastInputError: bad frame (see :func:`validate_frame`), or a series with a single observation.
    """
    for uid, ds, y in split_frame(validate_frame(df)):
        check_series(uid, ds, y)
        yield prepare_series(uid, ds, y, freq)


def check_models(models: Iterable[str] | None) -> tuple[str, ...]:
    """Candidate model names (defaults when ``None``), each checked against the registry."""
    if models is None:
        return DEFAULT_CANDIDATES
    names = (models,) if isinstance(models, str) else tuple(models)
    if not names:
        raise ForecastInputError("models must name at least one model; got an empty list")
    return tuple(check_model_name(name, allow_auto=False) for name in names)


def forecast(df: pd.DataFrame, h: int, freq: str | None = None, level=(80, 95), model: str = "auto") -> pd.DataFrame:
    """Forecast every series of a long frame ``h`` periods ahead, with calibrated intervals.

    Args:
        df: long frame ``unique_id, ds, y``.
        h: periods ahead (positive integer).
        freq: pandas alias (``"YS"``, ``"QS"``, ``"MS"``…) or data-layer code (``"A"``, ``"Q"``, ``"M"``); inferred
            per series when ``None``.
        level: interval levels in percent.
        model: ``"auto"`` (chosen per series by backtest), ``"ensemble"``, or a registered name (``naive``,
            ``seasonal_naive``, ``drift``, ``ets``, ``arima``, ``theta``, ``prophet``).

    Returns:
        One row per series and step: ``unique_id, ds, <model>, <model>-lo-<l>, <model>-hi-<l>…`` (``<model>`` is
        the argument, e.g. ``auto``), then per-series facts: ``model`` (the model actually used: the choice of
        ``auto``, or ``naive`` when a named model had to fall back), ``spec`` (fitted form, e.g. ``ETS(A,Ad,N)``),
        ``fit_start`` (first date the model saw; later than the data's first date when a gap cut older history),
        ``backtest_points``, ``mase`` and ``smape`` of that model in the backtest, and ``coverage-<l>``: the measured
        backtest coverage (%) of the intervals exactly as delivered (calibrated, cross-validated by window; NaN when
        the series is too short to backtest).

    Raises:
        ForecastInputError: bad frame, horizon, level or frequency. UnknownModelError: unknown ``model``.
    """
    h, levels = validate_horizon(h), validate_level(level)
    model = check_model_name(model)
    results = [forecast_series(series, h, levels, model) for series in prepared(df, freq)]
    return forecast_frame(results, model, levels)


def leaderboard(
    df: pd.DataFrame,
    h: int,
    freq: str | None = None,
    level=(80, 95),
    models: Iterable[str] | None = None,
    n_windows: int = 3,
) -> pd.DataFrame:
    """Backtest leaderboard per series: every candidate model's accuracy and interval coverage, the choice marked.

    Args:
        df, h, freq, level: as in :func:`forecast`.
        models: names to compare (default: the candidates of ``model="auto"``); the ensemble of the best three is
            always added when at least two models could be scored.
        n_windows: backtest windows (fewer on short series).

    Returns:
        One row per series and model, best first: ``unique_id, model, rank, mase, smape, coverage_<l>`` (the
        model's own intervals), ``calibrated_coverage_<l>`` (after calibration, cross-validated by window: what the
        delivered intervals achieve), ``backtest_points``, ``failed_windows`` (windows where the model could not
        fit) and ``chosen`` (True for the model ``forecast(model="auto")`` uses with the same candidates).
    """
    h, levels = validate_horizon(h), validate_level(level)
    names, windows = check_models(models), validate_count(n_windows, "n_windows")
    results = [forecast_series(s, h, levels, AUTO, names, windows) for s in prepared(df, freq)]
    return board_frame(results, levels)


def forecast_frame(results: list[SeriesResult], column: str, levels: tuple[float, ...]) -> pd.DataFrame:
    """Rows of ``forecast``'s output from per-series results (built column-wise: thousands of series in a batch)."""
    keys = ["mean"] + [f"{side}-{level_key(lv)}" for lv in levels for side in ("lo", "hi")]
    names = [column] + [f"{column}-{key}" for key in keys[1:]]
    steps = [len(r.dates) for r in results]

    def per_series(values: list, dtype: object = None) -> np.ndarray:
        return np.repeat(np.array(values, dtype=dtype), steps)

    def stacked(arrays: list[np.ndarray], dtype: str) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.array([], dtype=dtype)

    frame: dict[str, object] = {
        "unique_id": per_series([r.unique_id for r in results], object),
        "ds": stacked([r.dates.to_numpy() for r in results], "datetime64[ns]"),
    }
    for name, key in zip(names, keys, strict=True):
        frame[name] = stacked([r.forecast[key] for r in results], "float64")
    frame |= {
        "model": per_series([r.model for r in results], object),
        "spec": per_series([r.spec for r in results], object),
        "fit_start": per_series([r.fit_start.to_datetime64() for r in results], "datetime64[ns]"),
        "backtest_points": per_series([r.backtest_points for r in results], "int64"),
        "mase": per_series([r.mase for r in results], "float64"),
        "smape": per_series([r.smape for r in results], "float64"),
    }
    frame |= {f"coverage-{level_key(lv)}": per_series([r.coverage[lv] for r in results], "float64") for lv in levels}
    return pd.DataFrame(frame)


def board_frame(results: list[SeriesResult], levels: tuple[float, ...]) -> pd.DataFrame:
    """Leaderboard rows, ranked within each series by the selection score."""
    coverage = [f"{kind}coverage_{level_key(lv)}" for kind in ("", "calibrated_") for lv in levels]
    columns = ["unique_id", "model", "rank", "mase", "smape", *coverage, "backtest_points", "failed_windows"]
    rows = [row for r in results for row in r.board]
    if not rows:
        return pd.DataFrame(columns=[*columns, "chosen"])
    board = pd.DataFrame(rows)
    board["rank"] = board.groupby("unique_id", sort=False)["score"].rank(method="first").astype("Int64")
    order = pd.Categorical(board["unique_id"], categories=pd.unique(board["unique_id"]))
    board = board.assign(_order=order.codes).sort_values(["_order", "rank"], kind="stable")
    return board[[*columns, "chosen"]].reset_index(drop=True)
