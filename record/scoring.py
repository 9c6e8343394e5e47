"""Scores of frozen forecasts against what happened: per period, and summed up per series, model and horizon.

The error is ``actual − forecast`` (positive: the outturn came in above the forecast), in the indicator's unit. The
scaled error divides it by the forecast's own in-sample naive error (`record.frozen.naive_scale`), so errors of
different series can be pooled: the mean of its absolute values is a MASE — below 1, better than "same as last
period" was in sample. An outturn is a hit when it lies inside the published 80% interval (95% likewise). Bias is
the mean signed error; over time it is read per target period.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

SCORE_COLUMNS = ("period", "step", "actual", "forecast", "error", "scaled_error", "in80", "in95")
CARD_COLUMNS = ("group", "forecasts", "outturns", "hit80", "hit95", "mase", "bias_scaled")


def score_points(payload: Mapping, actuals: Mapping[str, float]) -> list[dict]:
    """A score per frozen point whose period now has an actual (`actuals`: period label → value; gaps left out)."""
    scale = payload.get("scale")
    rows = []
    for step, point in enumerate(payload["points"], start=1):
        actual = actuals.get(point["period"])
        if actual is None or math.isnan(actual) or point["mean"] is None:
            continue
        error = float(actual) - point["mean"]
        rows.append(
            {
                "period": point["period"],
                "step": step,
                "actual": float(actual),
                "forecast": point["mean"],
                "error": error,
                "scaled_error": error / scale if scale else None,
                "in80": _inside(actual, point.get("lo-80"), point.get("hi-80")),
                "in95": _inside(actual, point.get("lo-95"), point.get("hi-95")),
            }
        )
    return rows


def _inside(value: float, lo: float | None, hi: float | None) -> bool:
    return lo is not None and hi is not None and lo <= value <= hi


def summary(scores: pd.DataFrame) -> dict:
    """Outturns scored, hit rates (share inside the 80% / 95% interval), mean error (bias) and mean absolute error
    in the unit, and the MASE of the scaled errors; NaN where there is nothing to average."""
    if scores.empty:
        nan = float("nan")
        return {"outturns": 0, "hit80": nan, "hit95": nan, "mean_error": nan, "mae": nan, "mase": nan}
    scaled = pd.to_numeric(scores["scaled_error"], errors="coerce")
    return {
        "outturns": len(scores),
        "hit80": float(scores["in80"].mean()),
        "hit95": float(scores["in95"].mean()),
        "mean_error": float(scores["error"].mean()),
        "mae": float(scores["error"].abs().mean()),
        "mase": float(scaled.abs().mean()) if scaled.notna().any() else float("nan"),
    }


def scorecard(published: pd.DataFrame, scores: pd.DataFrame, by: str) -> pd.DataFrame:
    """Hit rates, MASE and scaled bias pooled by ``model`` or ``step`` (the horizon), over every published forecast.

    Args:
        published: one row per publication, ``published_id`` and ``model``.
        scores: `SCORE_COLUMNS` with ``published_id``.
        by: "model" or "step".

    Returns:
        `CARD_COLUMNS`: the group, how many forecasts and outturns it holds, the hit rates (shares), the MASE and
        the mean scaled error (positive: outturns above the forecasts).
    """
    if by not in ("model", "step"):
        raise ValueError(f"by must be 'model' or 'step'; got {by!r}")
    if scores.empty:
        return pd.DataFrame(columns=list(CARD_COLUMNS))
    rows = scores.merge(published[["published_id", "model"]], on="published_id", how="inner")
    rows = rows.assign(scaled=pd.to_numeric(rows["scaled_error"], errors="coerce"))
    out = rows.groupby(by, sort=True).agg(
        forecasts=("published_id", "nunique"),
        outturns=("period", "size"),
        hit80=("in80", "mean"),
        hit95=("in95", "mean"),
        mase=("scaled", lambda s: float(np.abs(s).mean()) if s.notna().any() else float("nan")),
        bias_scaled=("scaled", "mean"),
    )
    return out.reset_index().rename(columns={by: "group"})[list(CARD_COLUMNS)]


def bias_over_time(scores: pd.DataFrame) -> pd.DataFrame:
    """Per target period: outturns, mean error and mean scaled error, oldest first (is the bias drifting?)."""
    if scores.empty:
        return pd.DataFrame(columns=["period", "outturns", "mean_error", "mean_scaled"])
    rows = scores.assign(scaled=pd.to_numeric(scores["scaled_error"], errors="coerce"))
    out = rows.groupby("period", sort=True).agg(
        outturns=("error", "size"), mean_error=("error", "mean"), mean_scaled=("scaled", "mean")
    )
    return out.reset_index()
