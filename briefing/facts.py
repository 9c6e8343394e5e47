"""Narrative facts of one region's series, computed from the canonical long frame (the caller may also build
`Facts` by hand; the narrative only templates what it is given)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from briefing.narrative import Facts
from data.regions import RegionRegistry
from indicators.derived import ranking_table
from indicators.metadata import Indicator


def series_facts(
    rows: pd.DataFrame,
    ind: Indicator,
    region_code: str,
    regions: RegionRegistry,
    target: Mapping[str, Any] | None = None,
    forecast: Mapping[str, Any] | None = None,
) -> Facts:
    """Latest value, previous and year-earlier values, rank among the regions in `rows`, target and forecast.

    Args:
        rows: observations of `ind` (long frame: region_code, period, freq, value), all regions to rank among.
        ind: the indicator's metadata (name, unit, decimals, polarity).
        region_code: the region the sentences are about.
        regions: for the region's names in both languages.
        target: optional ``year, comparator, value`` (a row of `data.load_cn_targets()`).
        forecast: optional ``period, value, lo, hi, level, model, mase`` of the first forecast step.
    """
    own = rows[(rows["region_code"] == region_code) & rows["value"].notna()].sort_values("period")
    freq = str(rows["freq"].iloc[0]) if len(rows) else {"annual": "A", "quarterly": "Q"}.get(ind.frequency, "M")
    base: dict[str, Any] = {
        "name": ind.name,
        "unit": ind.unit,
        "decimals": ind.decimals,
        "freq": freq,
        "polarity": ind.polarity,
        "region": {lang: regions.name(region_code, lang) for lang in ("zh", "en")},
    }
    if own.empty:
        return Facts.from_dict(base)
    period = pd.Timestamp(own["period"].iloc[-1])
    base.update(latest=float(own["value"].iloc[-1]), period=period)
    if len(own) > 1:
        base.update(previous=float(own["value"].iloc[-2]), previous_period=pd.Timestamp(own["period"].iloc[-2]))
    year_ago = period - pd.DateOffset(years=1)
    match = own[own["period"] == year_ago]
    if len(match):
        base.update(year_ago=float(match["value"].iloc[0]), year_ago_period=year_ago)
    base.update(_rank(rows, period, region_code, ind.polarity))
    if target is not None:
        base.update(target=float(target["value"]), target_comparator=target["comparator"], target_year=target["year"])
    if forecast is not None:
        base.update({f"forecast_{k}" if k != "value" else "forecast": v for k, v in forecast.items()})
    return Facts.from_dict(base)


def _rank(rows: pd.DataFrame, period: pd.Timestamp, region_code: str, polarity: str) -> dict[str, Any]:
    table = ranking_table(rows, period, polarity).dropna(subset=["rank"])
    mine = table[table["region_code"] == region_code]
    if len(table) < 2 or mine.empty:
        return {}
    return {"rank": int(mine["rank"].iloc[0]), "rank_of": int(len(table))}
