"""An indicator's vintage as facts: which dataset its figures come from year by year, how an older source was joined,
its probable revisions, and its preliminary figures. Pages word these; nothing here changes a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from data import FLAG, PRELIMINARY
from data.breaks import Break, vintage_breaks
from data.citation import Citation, Upload, citations
from data.vintage import JoinRule
from indicators.metadata import Catalogue


@dataclass(frozen=True)
class SourceSpan:
    """The part of an indicator's current figures one dataset supplies."""

    dataset_id: str
    first: pd.Timestamp
    last: pd.Timestamp
    regions: int
    values: int


@dataclass(frozen=True)
class JoinSummary:
    """How the older source extends an indicator's series of the consistent vintage (see data/vintage.py)."""

    newer: str
    older: str
    test: str  # "overlap" or "continuity"
    series: int  # regions both sources report
    joined: int  # regions whose older years are kept
    cut: int  # of those, regions cut back at a probable revision
    new_first: pd.Timestamp  # where the consistent vintage starts (earliest region)
    tolerance: float
    overlap_years: int


def coverage_by_dataset(obs_with_dataset: pd.DataFrame) -> pd.DataFrame:
    """Per dataset and indicator: first and last reported period, regions and values (from a frame with a
    `dataset_id` column, as `Store.observations(with_dataset=True)` gives)."""
    reported = obs_with_dataset[obs_with_dataset["value"].notna()]
    grouped = reported.groupby(["dataset_id", "indicator_id"])
    return grouped.agg(
        first=("period", "min"), last=("period", "max"), regions=("region_code", "nunique"), values=("value", "size")
    ).reset_index()


def source_spans(coverage: pd.DataFrame, indicator_id: str, primary: str | None = None) -> list[SourceSpan]:
    """The datasets an indicator's current figures come from: the primary source first, then the latest first."""
    rows = coverage[coverage["indicator_id"] == indicator_id]
    rows = rows.assign(primary=rows["dataset_id"] != primary).sort_values(["primary", "last"], ascending=[True, False])
    return [
        SourceSpan(r.dataset_id, pd.Timestamp(r.first), pd.Timestamp(r.last), int(r.regions), int(r.values))
        for r in rows.itertuples()
    ]


def span_citations(
    spans: list[SourceSpan], source: str, freq: str, uploads: Mapping[str, Upload] | None = None
) -> list[Citation]:
    """The citations of an indicator's figures: each dataset of `spans` with the periods it supplies (or its
    catalogue `source` when no figure is stored), naming the uploaded version a dataset reads (`uploads`)."""
    ids = [s.dataset_id for s in spans] or [source]
    return citations(ids, freq, spans={s.dataset_id: (s.first, s.last) for s in spans}, uploads=uploads)


def join_summary(
    decisions: pd.DataFrame, indicator_id: str, rule: JoinRule, newer: str, older: str
) -> JoinSummary | None:
    """How `older` extends `indicator_id` back from `newer`, or None when the two never report the same series."""
    rows = decisions[decisions["indicator_id"] == indicator_id]
    if rows.empty:
        return None
    kept = rows["kept_from"].notna()
    return JoinSummary(
        newer=newer,
        older=older,
        test=str(rows["test"].mode().iloc[0]),
        series=len(rows),
        joined=int(kept.sum()),
        cut=int((kept & rows["cut_at"].notna()).sum()),
        new_first=pd.Timestamp(rows["new_first"].min()),
        tolerance=rule.tolerance,
        overlap_years=rule.overlap_years,
    )


def level_revisions(obs: pd.DataFrame, cat: Catalogue, indicator_ids: list[str] | None = None) -> list[Break]:
    """Probable revisions (data/breaks.py) in the catalogue's level indicators, or in those of `indicator_ids`.

    Rates, indices and ranks are left out: a shift in them that many regions share is usually the economy.
    """
    levels = [i.id for i in cat if i.kind == "level" and (indicator_ids is None or i.id in indicator_ids)]
    return vintage_breaks(obs, levels) if levels else []


def preliminary_points(obs: pd.DataFrame, indicator_id: str | None = None) -> pd.DataFrame:
    """The (indicator_id, region_code, period) of every preliminary figure (of one indicator)."""
    if FLAG not in obs.columns:
        return pd.DataFrame(columns=["indicator_id", "region_code", "period"])
    rows = obs[(obs[FLAG] == PRELIMINARY) & obs["value"].notna()]
    if indicator_id is not None:
        rows = rows[rows["indicator_id"] == indicator_id]
    return rows[["indicator_id", "region_code", "period"]].reset_index(drop=True)
