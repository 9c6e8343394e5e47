"""Volume forecast by topic: weekly cases of the largest topics (and of all topics together) forecast 4–8 weeks
ahead by the forecasting library's one run, with its calibrated 80/95% bands and backtest accuracy, like every
forecast in the product. The weekly counts are counts (bands never below zero: ``forecasting.run(counts=True)``).
Only the default's own members are backtested (``models=()``): the page shows the forecast and its accuracy, no
leaderboard.
"""

from __future__ import annotations

import pandas as pd

import forecasting
from services.counts import ALL, case_counts

MIN_WEEKS = 8  # complete weeks a topic needs to be forecast
FREQ = "W-MON"  # weeks named by their Monday (services.counts)


def weekly_frame(cases: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """``unique_id, ds, y``: weekly cases of all topics together (``unique_id`` :data:`~services.counts.ALL`) and of
    the ``top`` largest topics of the log, largest first, each on the full grid of complete weeks."""
    counts = case_counts(cases, "W", ("topic",))
    counts = counts[counts["topic"].notna()]
    if counts.empty:
        return pd.DataFrame({"unique_id": [], "ds": pd.Series(dtype="datetime64[ns]"), "y": []})
    totals = counts.groupby("topic")["count"].sum().sort_values(ascending=False, kind="stable")
    rank = {topic: i for i, topic in enumerate(totals.index[:top])}
    largest = counts[counts["topic"].isin(rank)]
    largest = largest.assign(_rank=largest["topic"].map(rank)).sort_values(["_rank", "period"], kind="stable")
    overall = counts.groupby("period", as_index=False)["count"].sum().assign(topic=ALL)
    frame = pd.concat([overall, largest.drop(columns="_rank")], ignore_index=True)
    return pd.DataFrame(
        {"unique_id": frame["topic"].astype(object), "ds": frame["period"], "y": frame["count"].astype("float64")}
    )


def volume_forecast(cases: pd.DataFrame, h: int = 8, top: int = 10, level=(80, 95)) -> forecasting.ForecastRun | None:
    """The forecast run of weekly volume by topic (None when the log has fewer than :data:`MIN_WEEKS` complete
    weeks). Read the fan chart's rows from ``run.forecast``, the accuracy from its ``mase``, ``smape``, ``mae`` and
    ``backtest_points`` columns, the band's measured coverage from ``run.calibration_of(topic)``.

    Args:
        cases: a canonical case table.
        h: weeks ahead (4–8 is what a leader plans with).
        top: the largest topics forecast besides the total.
    """
    frame = weekly_frame(cases, top)
    if frame.empty or frame["ds"].nunique() < MIN_WEEKS:
        return None
    return forecasting.run(frame, h, freq=FREQ, level=level, models=(), counts=True, breaks=False)
