"""The output frames of a run, built column-wise from per-series results (a batch has thousands of series)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.engine import SeriesResult
from forecasting.intervals import Calibrated
from forecasting.metrics import SCALE_COLUMN
from forecasting.validation import level_key

BACKTEST_KEYS = ("unique_id", "cutoff", "ds", "y", SCALE_COLUMN)


def _interval_keys(levels: tuple[float, ...]) -> list[str]:
    return ["mean"] + [f"{side}-{level_key(lv)}" for lv in levels for side in ("lo", "hi")]


def _stacked(arrays: list[np.ndarray], dtype: str) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.array([], dtype=dtype)


def forecast_frame(
    results: list[SeriesResult],
    calibrated: list[Calibrated],
    column: str,
    levels: tuple[float, ...],
    *,
    raw: bool = False,
) -> pd.DataFrame:
    """Rows of ``forecast``'s output (see :func:`forecasting.forecast`).

    With ``raw``: only ``unique_id, ds`` and the model's own intervals before calibration.
    """
    keys = _interval_keys(levels)
    names = [column] + [f"{column}-{key}" for key in keys[1:]]
    steps = [len(r.dates) for r in results]

    def per_series(values: list, dtype: object = None) -> np.ndarray:
        return np.repeat(np.array(values, dtype=dtype), steps)

    frame: dict[str, object] = {
        "unique_id": per_series([r.unique_id for r in results], object),
        "ds": _stacked([r.dates.to_numpy() for r in results], "datetime64[ns]"),
    }
    bands = [r.raw_forecast for r in results] if raw else [c.forecast for c in calibrated]
    for name, key in zip(names, keys, strict=True):
        frame[name] = _stacked([b[key] for b in bands], "float64")
    if raw:
        return pd.DataFrame(frame)
    frame |= {
        "model": per_series([r.model for r in results], object),
        "spec": per_series([r.spec for r in results], object),
        "fit_start": per_series([r.fit_start.to_datetime64() for r in results], "datetime64[ns]"),
        "backtest_points": per_series([r.backtest_points for r in results], "int64"),
        "mase": per_series([r.mase for r in results], "float64"),
        "smape": per_series([r.smape for r in results], "float64"),
        "mae": per_series([r.mae for r in results], "float64"),
    }
    frame |= {f"coverage-{level_key(lv)}": per_series([c.coverage[lv] for c in calibrated], "float64") for lv in levels}
    frame |= {f"msis-{level_key(lv)}": per_series([c.msis[lv] for c in calibrated], "float64") for lv in levels}
    frame["calibration"] = per_series([c.group for c in calibrated], object)
    return pd.DataFrame(frame)


def breaks_frame(results: list[SeriesResult]) -> pd.DataFrame:
    """``unique_id, ds, kind, change, fit_from``: the level breaks found, oldest first per series."""
    rows = [{"unique_id": r.unique_id, **b} for r in results for b in r.breaks]
    columns = ["unique_id", "ds", "kind", "change", "fit_from"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"ds": "datetime64[ns]", "change": "float64", "fit_from": "bool"})


def board_frame(results: list[SeriesResult], levels: tuple[float, ...]) -> pd.DataFrame:
    """Leaderboard rows, ranked within each series by the selection score (see :func:`forecasting.leaderboard`)."""
    coverage = [f"coverage_{level_key(lv)}" for lv in levels]
    columns = ["unique_id", "model", "rank", "mase", "smape", "mae", *coverage, "backtest_points", "failed_windows"]
    rows = [row for r in results for row in r.board]
    if not rows:
        return pd.DataFrame(columns=[*columns, "chosen"])
    board = pd.DataFrame(rows)
    board["rank"] = board.groupby("unique_id", sort=False)["score"].rank(method="first").astype("Int64")
    order = pd.Categorical(board["unique_id"], categories=pd.unique(board["unique_id"]))
    board = board.assign(_order=order.codes).sort_values(["_order", "rank"], kind="stable")
    return board[[*columns, "chosen"]].reset_index(drop=True)


def backtest_frame(results: list[SeriesResult], levels: tuple[float, ...]) -> pd.DataFrame:
    """The backtests every leaderboard row is scored from, in :func:`forecasting.cross_validation`'s shape:
    ``unique_id, cutoff, ds, y, mase_scale`` then ``<model>, <model>-lo-<l>, <model>-hi-<l>…`` per model (missing
    where the model was not backtested on that series or failed on that window)."""
    parts = [r for r in results if r.backtests]
    models = dict.fromkeys(k for r in parts for k in r.backtests if k not in BACKTEST_KEYS)
    sizes = [len(r.backtests["y"]) for r in parts]
    frame: dict[str, np.ndarray] = {
        "unique_id": np.repeat(np.array([r.unique_id for r in parts], dtype=object), sizes),
        "cutoff": _stacked([r.backtests["cutoff"] for r in parts], "datetime64[ns]"),
        "ds": _stacked([r.backtests["ds"] for r in parts], "datetime64[ns]"),
    }
    for key in ("y", SCALE_COLUMN, *models):
        frame[key] = _stacked(
            [r.backtests.get(key, np.full(n, np.nan)) for r, n in zip(parts, sizes, strict=True)], "float64"
        )
    return pd.DataFrame(frame)
