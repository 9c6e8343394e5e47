"""Regional standings: for one indicator and year, every region's rank, the top and bottom, and rank changes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data import FLAG, PRELIMINARY
from indicators import derived
from indicators.metadata import Indicator


@dataclass(frozen=True)
class Standings:
    """Ranks of regions in one period, compared with the previous reported period.

    `table` is `derived.ranking_table` over the given regions (rank 1 = best, or largest for a neutral indicator;
    `rank_change` > 0 = moved up). `top` and `bottom` are its first and last `n` ranked rows, best first.
    """

    indicator_id: str
    period: pd.Timestamp
    previous_period: pd.Timestamp | None
    table: pd.DataFrame
    top: pd.DataFrame
    bottom: pd.DataFrame
    ranked: int
    preliminary: tuple[str, ...] = ()  # regions whose value this period is a preliminary figure

    def position(self, region_code: str) -> pd.Series | None:
        """The row of one region, or None when it has no rank this period."""
        rows = self.table[(self.table["region_code"] == region_code) & self.table["rank"].notna()]
        return None if rows.empty else rows.iloc[0]


def standing_years(obs: pd.DataFrame, indicator_id: str, regions: list[str]) -> list[int]:
    """Years in which at least two of `regions` report the indicator (one region is not a ranking), ascending."""
    rows = obs[(obs["indicator_id"] == indicator_id) & obs["region_code"].isin(regions) & obs["value"].notna()]
    counts = rows.groupby(rows["period"].dt.year)["region_code"].nunique()
    return sorted(int(y) for y in counts[counts >= 2].index)


def standings(obs: pd.DataFrame, ind: Indicator, year: int, regions: list[str], n: int = 5) -> Standings:
    """Rank `regions` on `ind` in the last reported period of `year`.

    Args:
        obs: observations (only `ind` in `regions` is used).
        ind: the indicator; its polarity decides which end is best.
        year: the year to rank.
        regions: the regions to compare (e.g. the 31 provinces; never the national total).
        n: how many regions the top and bottom lists hold.

    Raises:
        ValueError: no region reports the indicator in that year.
    """
    rows = obs[(obs["indicator_id"] == ind.id) & obs["region_code"].isin(regions)]
    in_year = rows.loc[(rows["period"].dt.year == year) & rows["value"].notna(), "period"]
    if in_year.empty:
        raise ValueError(f"no region reports {ind.id} in {year}")
    period = in_year.max()
    table = derived.ranking_table(rows, period, ind.polarity)
    ranked = table.dropna(subset=["rank"])
    previous = table["previous_period"].iloc[0] if len(table) else None
    flagged = rows[(rows["period"] == period) & rows.get(FLAG, pd.Series(index=rows.index)).eq(PRELIMINARY)]
    return Standings(
        indicator_id=ind.id,
        period=period,
        previous_period=None if previous is None or pd.isna(previous) else pd.Timestamp(previous),
        table=table,
        top=ranked.head(n).reset_index(drop=True),
        bottom=ranked.tail(n).reset_index(drop=True),
        ranked=len(ranked),
        preliminary=tuple(sorted(flagged["region_code"])),
    )


def city_standings(obs: pd.DataFrame, indicators: list[Indicator], cities: list[str], n: int = 5) -> list[Standings]:
    """A province's cities ranked on every indicator that has figures for at least two of them, each in its latest
    year with figures (a census indicator in its census year); indicators without city figures are left out.

    Args:
        obs: observations (only the given indicators for `cities` are used).
        indicators: candidates, in the order the results should follow (catalogue order).
        cities: the prefecture-level units to compare (one province's).
        n: how many cities the top and bottom lists hold.
    """
    rows = obs[obs["region_code"].isin(cities) & obs["value"].notna()]
    present = set(rows["indicator_id"].unique())
    results = []
    for ind in indicators:
        if ind.id not in present:
            continue
        years = standing_years(rows, ind.id, cities)
        if years:
            results.append(standings(rows, ind, years[-1], cities, n))
    return results
