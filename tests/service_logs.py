"""Synthetic case logs for the service-signal tests: a canonical case table built from counts per day."""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.cases import CASE_COLUMNS


def log_from_counts(counts: dict[tuple[str, str], pd.Series], *, due_days: float = 5.0, seed: int = 0) -> pd.DataFrame:
    """A case table with ``counts[(topic, area)][day]`` cases opened on each day (at spread hours), due
    ``due_days`` later and closed a day after opening (still open when the count series says so elsewhere)."""
    rng = np.random.default_rng(seed)
    rows = []
    for (topic, area), series in counts.items():
        days = np.repeat(pd.DatetimeIndex(series.index).to_numpy(), series.to_numpy(dtype="int64"))
        hours = rng.integers(0, 24 * 60, len(days)).astype("timedelta64[m]")
        opened = days + hours
        rows.append(pd.DataFrame({"topic": topic, "area": area, "opened": opened}))
    frame = pd.concat(rows, ignore_index=True).sort_values("opened", kind="stable").reset_index(drop=True)
    n = len(frame)
    frame["case_id"] = [f"C{i:07d}" for i in range(n)]
    frame["due"] = frame["opened"] + pd.Timedelta(days=due_days)
    frame["closed"] = frame["opened"] + pd.Timedelta(days=1)
    frame["status"] = "closed"
    frame["topic_path"] = pd.NA
    frame["unit"] = "unit"
    frame["area_code"] = pd.NA
    frame["channel"] = "12345"
    frame["rating"] = pd.NA
    frame["followed_up"] = pd.NA
    return frame[list(CASE_COLUMNS)].astype(CASE_COLUMNS)


def daily_counts(
    days: int, mean: float, *, seed: int, weekly: float = 0.0, start: str = "2024-01-01", surge_at: int | None = None,
    surge_factor: float = 3.0,
) -> pd.Series:  # fmt: skip
    """Poisson counts per day, with a weekday/weekend pattern of relative size ``weekly`` and optionally a surge
    (``surge_factor`` times the mean) on day ``surge_at``, or from it on when weekly blocks are wanted."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=days, freq="D")
    lam = mean * (1 + weekly * np.where(index.dayofweek < 5, 0.4, -1.0))
    if surge_at is not None:
        lam = lam.copy()
        lam[surge_at] *= surge_factor
    return pd.Series(rng.poisson(lam), index=index)


def weekly_counts(weeks: int, mean: float, *, seed: int, season: float = 0.0, surge_at: int | None = None,
                  surge_factor: float = 3.0, start: str = "2022-01-03") -> pd.Series:  # fmt: skip
    """Counts per day whose weekly totals are Poisson around ``mean`` with a yearly cycle of relative size
    ``season`` (weeks start on Monday ``start``); week ``surge_at`` is ``surge_factor`` times the mean."""
    rng = np.random.default_rng(seed)
    weeks_index = np.arange(weeks)
    lam = mean * (1 + season * np.sin(2 * np.pi * weeks_index / 52))
    if surge_at is not None:
        lam[surge_at] *= surge_factor
    totals = rng.poisson(lam)
    index = pd.date_range(start, periods=weeks * 7, freq="D")
    per_day = np.zeros(len(index), dtype="int64")
    for w, total in enumerate(totals):
        per_day[w * 7 : w * 7 + 7] = rng.multinomial(total, [1 / 7] * 7)
    return pd.Series(per_day, index=index)
