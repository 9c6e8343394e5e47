"""Vintage precedence: one consistent vintage per provincial series, extended backwards only where it joins cleanly.

The NBS portal exports (`cn_prov_nbs`, after the fifth economic census) take precedence for the years they cover.
An older source (the yearbook panel `cn_prov_panel`, which mixes vintages) may extend a series to earlier years
only where the two can be shown not to break at the join, decided per indicator and region:

- **overlap**: where both sources have the first `overlap_years` years of the new series, new / old must be
  within `tolerance` of 1 in each of them;
- **continuity**: where the new series starts after the old one ends (at most `max_gap` years later), the average
  yearly change across the gap must be within `tolerance` of the old series' median yearly change over its last
  `history` years.

Otherwise the series starts where the consistent vintage starts. The tolerance (data/vintage.yaml) is well below
the smallest jump the vintage-break check counts (data/breaks.py), so a joined series cannot break at the join by
the product's own measure. Everything here returns facts; nothing is filled or adjusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from common import yamlio
from data.breaks import BreakRules, vintage_breaks
from data.loaders import _concat, load_cn_prov_panel
from data.nbs_portal import load_cn_prov_nbs

CONFIG_FILE = Path(__file__).resolve().parent / "vintage.yaml"
PAIR = ["indicator_id", "region_code"]
MAX_CUTS = 5  # rounds of cutting at probable revisions (one or two suffice on the shipped data)
NEW_DATASET, OLD_DATASET = "cn_prov_nbs", "cn_prov_panel"
DECISION_COLUMNS = [
    "indicator_id", "region_code", "test", "new_first", "old_first", "old_last", "compared", "deviation", "joined",
]  # fmt: skip


@dataclass(frozen=True)
class JoinRule:
    """When an older source may extend a series of the consistent vintage (see the module docstring)."""

    tolerance: float = 0.02
    overlap_years: int = 2
    max_gap: int = 2
    history: int = 10


@lru_cache(maxsize=1)
def join_rule() -> JoinRule:
    """The rule of data/vintage.yaml (`join:`)."""
    return JoinRule(**yamlio.read(CONFIG_FILE)["join"])


def _reported(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame["value"].notna(), [*PAIR, "period", "value"]]


def _decide(new: pd.Series, old: pd.Series, rule: JoinRule) -> tuple[str, list[int], float, bool]:
    """(test, years compared, deviation, joined) for one series: `new` and `old` are values indexed by year."""
    first = int(new.index.min())
    overlap = [y for y in sorted(new.index) if y in old.index][: rule.overlap_years]
    if overlap and overlap[0] == first:
        if len(overlap) < rule.overlap_years:
            return "overlap", overlap, float("nan"), False
        deviation = float(max(abs(new[y] / old[y] - 1) for y in overlap))
        return "overlap", overlap, deviation, deviation <= rule.tolerance
    before = old[old.index < first]
    if overlap or before.empty:
        return "none", [], float("nan"), False  # the sources overlap, but not at the start of the new series
    last = int(before.index.max())
    gap = first - last
    recent = np.log(before[before.index > last - rule.history - 1]).diff().dropna()
    consecutive = recent[np.diff(before[before.index > last - rule.history - 1].index) == 1]
    if gap > rule.max_gap or len(consecutive) < 3 or before[last] <= 0 or new[first] <= 0:
        return "continuity", [last, first], float("nan"), False
    across = float(np.expm1(np.log(new[first] / before[last]) / gap))
    usual = float(np.expm1(np.median(consecutive)))
    deviation = abs(across - usual)
    return "continuity", [last, first], deviation, deviation <= rule.tolerance


def join_decisions(new: pd.DataFrame, old: pd.DataFrame, rule: JoinRule | None = None) -> pd.DataFrame:
    """For every indicator and region both sources report: may the old source extend the new series backwards?

    Returns one row per (indicator, region) with the test used ("overlap", "continuity" or "none"), the new
    series' first period, the old series' first and last period, the years compared, the deviation (largest
    |new/old − 1| over the overlap years, or |change across the gap − usual change|) and `joined`.
    """
    rule = rule or join_rule()
    new_rows, old_rows = _reported(new), _reported(old)
    shared = new_rows[PAIR].drop_duplicates().merge(old_rows[PAIR].drop_duplicates(), on=PAIR)
    old_by_pair = {k: g for k, g in old_rows.groupby(PAIR)}
    rows = []
    for key, group in new_rows.merge(shared, on=PAIR).groupby(PAIR):
        series_new = group.set_index(group["period"].dt.year)["value"]
        older = old_by_pair[key]
        series_old = older.set_index(older["period"].dt.year)["value"]
        test, compared, deviation, joined = _decide(series_new, series_old, rule)
        spans = (group["period"].min(), older["period"].min(), older["period"].max())
        rows.append((*key, test, *spans, compared, deviation, joined))
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def _allowed(new: pd.DataFrame, old: pd.DataFrame, decisions: pd.DataFrame) -> pd.Series:
    """Which rows of `old` the join decisions leave standing (a mask on `old`)."""
    starts = _reported(new).groupby(PAIR)["period"].min().rename("new_first").reset_index()
    marked = old.merge(starts, on=PAIR, how="left").merge(decisions[[*PAIR, "joined"]], on=PAIR, how="left")
    keep = marked["new_first"].isna() | ((marked["period"] < marked["new_first"]) & marked["joined"].eq(True))
    return pd.Series(keep.to_numpy(), index=old.index)


def precedence(
    new: pd.DataFrame, old: pd.DataFrame, rule: JoinRule | None = None, rules: BreakRules | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of `old` the consistent vintage `new` leaves standing, and the decision for every shared series.

    A series `new` does not report is kept whole. A series `new` reports keeps only its years before the new
    series starts, only where the join test passes, and only back to the latest probable revision the
    vintage-break check finds in the joined series (a break at the join itself leaves no older year): the older
    source can mix vintages before the join too. The decisions frame gains `cut_at` (that revision's period, or
    missing) and `kept_from` (the first older year kept, or missing when none is).
    """
    decisions = join_decisions(new, old, rule)
    keep = _allowed(new, old, decisions)
    joined = decisions.loc[decisions["joined"], PAIR]
    cut_at: dict[tuple[str, str], pd.Timestamp] = {}
    for _ in range(MAX_CUTS):
        candidate = pd.concat([_reported(new), old.loc[keep, [*PAIR, "period", "value"]]], ignore_index=True)
        candidate = candidate.merge(joined, on=PAIR).assign(freq="A")
        cuts = {
            (b.indicator_id, region): b.period
            for b in vintage_breaks(candidate, rules=rules)
            for region in b.regions
            if b.period > cut_at.get((b.indicator_id, region), pd.Timestamp.min)
        }
        if not cuts:
            break
        cut_at.update(cuts)
        pairs = zip(old["indicator_id"], old["region_code"], strict=True)
        pair_cut = pd.Series([cut_at.get(k, pd.NaT) for k in pairs], index=old.index, dtype="datetime64[ns]")
        keep &= ~(pair_cut.notna() & (old["period"] < pair_cut))
    kept = old[keep]
    first_kept = kept.loc[kept["value"].notna()].groupby(PAIR)["period"].min()
    keys = list(zip(decisions["indicator_id"], decisions["region_code"], strict=True))
    decisions["cut_at"] = pd.to_datetime([cut_at.get(k, pd.NaT) for k in keys])
    firsts = [first_kept.get(k, pd.NaT) if j else pd.NaT for k, j in zip(keys, decisions["joined"], strict=True)]
    decisions["kept_from"] = pd.to_datetime(firsts)
    return kept.reset_index(drop=True), decisions


def older_years(new: pd.DataFrame, old: pd.DataFrame, rule: JoinRule | None = None) -> pd.DataFrame:
    """The rows of `old` the consistent vintage `new` leaves standing (see `precedence`)."""
    return precedence(new, old, rule)[0]


def load_cn_prov_panel_kept(root: Path | None = None) -> pd.DataFrame:
    """The yearbook panel as the app stores it: what the portal vintage does not supersede (see `older_years`)."""
    return _concat([older_years(load_cn_prov_nbs(root), load_cn_prov_panel(root))])


def shipped_join_decisions(root: Path | None = None) -> pd.DataFrame:
    """The join decisions of the shipped provincial data (portal exports over the yearbook panel)."""
    return precedence(load_cn_prov_nbs(root), load_cn_prov_panel(root))[1]
