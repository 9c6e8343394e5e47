"""Derived figures as pure functions over the canonical long frame.

Every function takes observations (``indicator_id, region_code, period, freq, value``) and returns a frame of the
same shape, so derived numbers flow through the same charts and tables as observed ones. A derived value is
missing whenever one of its inputs is missing or the operation is undefined (growth from zero, base period absent,
incomplete national total): nothing is filled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.errors import DerivationError

KEYS = ["region_code", "period"]


def _one_freq(obs: pd.DataFrame) -> str:
    freqs = obs["freq"].unique()
    if len(freqs) != 1:
        raise DerivationError(f"expected observations of one frequency, got {sorted(freqs)}")
    return str(freqs[0])


def _with_value(obs: pd.DataFrame, values, indicator_id: str | None = None) -> pd.DataFrame:
    out = obs[["indicator_id", "region_code", "period", "freq"]].copy()
    out["value"] = np.asarray(values, dtype="float64")
    if indicator_id is not None:
        out["indicator_id"] = indicator_id
    return out.reset_index(drop=True)


def yoy_growth(obs: pd.DataFrame) -> pd.DataFrame:
    """Growth on the same period one year earlier, in %.

    Periods are matched by date (period − 1 year), not by position, so a gap never pairs the wrong periods.
    Undefined (missing) where the earlier value is missing or not positive.
    """
    if obs.empty:
        return _with_value(obs, [])
    _one_freq(obs)
    prev = obs[["indicator_id", "region_code", "period", "value"]].copy()
    prev["period"] = prev["period"] + pd.DateOffset(years=1)
    merged = obs.merge(prev, on=["indicator_id", *KEYS], how="left", suffixes=("", "_prev"))
    base = merged["value_prev"].where(merged["value_prev"] > 0)
    return _with_value(merged, (merged["value"] / base - 1.0) * 100.0)


def per_capita(obs: pd.DataFrame, population: pd.DataFrame, factor: float) -> pd.DataFrame:
    """Value divided by population of the same region and period, times `factor` (unit conversion).

    Example: GDP in 亿元 over population in 万人 times 10 000 gives 元 per person.
    """
    pop = population[KEYS + ["value"]].rename(columns={"value": "population"})
    merged = obs.merge(pop, on=KEYS, how="left")
    denominator = merged["population"].where(merged["population"] > 0)
    return _with_value(merged, merged["value"] / denominator * factor)


def share_of_total(obs: pd.DataFrame, total: str, expected_regions: list[str] | None = None) -> pd.DataFrame:
    """Each region's share of the national total for the period, in %.

    Args:
        obs: observations of one indicator, including the total's region when `total` is a region code.
        total: ``"sum_of_regions"`` (sum over `expected_regions`, only in periods where every one of them reports)
            or the region code of a reported total (e.g. ``"100000"`` for 全国, ``"WLD"`` for the world).
        expected_regions: regions that must all report for a sum to count as the total.

    Returns:
        Shares for every region except the total itself; missing where the total is unavailable.
    """
    if total == "sum_of_regions":
        if not expected_regions:
            raise DerivationError("share of a sum of regions needs the list of regions that make up the total")
        members = obs[obs["region_code"].isin(expected_regions)]
        complete = members.groupby("period")["value"].agg(lambda v: v.notna().sum() == len(expected_regions))
        sums = members.groupby("period")["value"].sum(min_count=1).where(complete)
        totals = sums.rename("total").reset_index()
        parts = members
    else:
        totals = obs.loc[obs["region_code"] == total, ["period", "value"]].rename(columns={"value": "total"})
        parts = obs[obs["region_code"] != total]
    merged = parts.merge(totals, on="period", how="left")
    denominator = merged["total"].where(merged["total"] != 0)
    return _with_value(merged, merged["value"] / denominator * 100.0)


def index_to_base(obs: pd.DataFrame, base_period: pd.Timestamp) -> pd.DataFrame:
    """Value relative to the same region's value in `base_period`, with the base = 100."""
    base = obs.loc[obs["period"] == pd.Timestamp(base_period), ["region_code", "value"]]
    merged = obs.merge(base.rename(columns={"value": "base"}), on="region_code", how="left")
    denominator = merged["base"].where(merged["base"] != 0)
    return _with_value(merged, merged["value"] / denominator * 100.0)


def cagr(obs: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Compound annual growth rate between two periods for each region, in % per year.

    Returns:
        One row per region: ``region_code, start_value, end_value, years, cagr`` (missing when either end is
        missing or not positive).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end <= start:
        raise DerivationError(f"CAGR needs an end period after the start; got {start.date()} → {end.date()}")
    years = (end.year - start.year) + (end.month - start.month) / 12.0
    first = obs.loc[obs["period"] == start].set_index("region_code")["value"]
    last = obs.loc[obs["period"] == end].set_index("region_code")["value"]
    regions = sorted(set(obs["region_code"]))
    out = pd.DataFrame({"region_code": regions})
    out["start_value"] = out["region_code"].map(first)
    out["end_value"] = out["region_code"].map(last)
    out["years"] = years
    valid = (out["start_value"] > 0) & (out["end_value"] > 0)
    ratio = (out["end_value"] / out["start_value"]).where(valid)
    out["cagr"] = (ratio ** (1.0 / years) - 1.0) * 100.0
    return out


def rank(obs: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """Rank of each region within its period: 1 = best (highest unless lower is better). Missing values unranked."""
    ascending = polarity == "lower_is_better"
    ranks = obs.groupby("period")["value"].rank(method="min", ascending=ascending)
    return _with_value(obs, ranks)


def ranking_table(obs: pd.DataFrame, period: pd.Timestamp, polarity: str) -> pd.DataFrame:
    """Standings for one period with change on the previous period and rank change.

    Returns:
        ``region_code, value, rank, previous_period, previous_value, change, change_pct, previous_rank,
        rank_change`` sorted by rank (regions without a value last). A positive rank_change means the region moved
        up (e.g. from 5th to 3rd is +2).
    """
    period = pd.Timestamp(period)
    reported = obs.loc[obs["value"].notna(), "period"]
    earlier = reported[reported < period]  # vectorised: iterating the periods one by one cost a page view 9 ms
    previous = pd.Timestamp(earlier.max()) if len(earlier) else None
    ranked = rank(obs[obs["period"].isin([period, previous])], polarity)
    now = obs[obs["period"] == period][["region_code", "value"]].copy()
    now["rank"] = ranked.loc[ranked["period"] == period, "value"].to_numpy()
    if previous is not None:
        before = obs.loc[obs["period"] == previous, ["region_code", "value"]].rename(
            columns={"value": "previous_value"}
        )
        before["previous_rank"] = ranked.loc[ranked["period"] == previous, "value"].to_numpy()
        now = now.merge(before, on="region_code", how="left")
    else:
        now["previous_value"] = np.nan
        now["previous_rank"] = np.nan
    now["previous_period"] = previous
    now["change"] = now["value"] - now["previous_value"]
    base = now["previous_value"].where(now["previous_value"] != 0)
    now["change_pct"] = (now["value"] - base) / base.abs() * 100.0
    now["rank_change"] = now["previous_rank"] - now["rank"]
    columns = ["region_code", "value", "rank", "previous_period", "previous_value", "change", "change_pct"]
    now = now[columns + ["previous_rank", "rank_change"]]
    return now.sort_values(["rank", "region_code"], na_position="last", ignore_index=True)
