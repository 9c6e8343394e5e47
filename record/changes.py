"""What changed since the last published briefing: new data versions, published forecasts whose outturns missed
their 80% interval since then, and warnings that appeared or cleared.

Facts only: the caller (the Briefing page) words them. As far as the product records them: a warning is compared by
its key (indicator, region, kind, rule and period) between the snapshot kept with the last pack and now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd


@dataclass(frozen=True)
class Missed:
    """A published forecast whose outturn fell outside its 80% interval."""

    published_id: int
    indicator_id: str
    region_code: str
    freq: str
    period: str
    actual: float
    forecast: float


@dataclass(frozen=True)
class Changes:
    """Everything that changed since `since` (None: no briefing was built before)."""

    since: datetime | None
    new_data: list[tuple[str, int | None, int]] = field(default_factory=list)  # dataset, then, now
    missed: list[Missed] = field(default_factory=list)
    appeared: list[Mapping[str, str]] = field(default_factory=list)  # each warning in words {zh, en}
    cleared: list[Mapping[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new_data or self.missed or self.appeared or self.cleared)


def changes_since(
    last,
    versions: Mapping[str, int | None],
    warnings: Mapping[str, Mapping[str, str]],
    published: Sequence,
    scores: pd.DataFrame,
) -> Changes:
    """Compare now with the last pack's snapshot (`data.store.track.BriefingSnapshot`, or None).

    Args:
        versions: the current version of every stored dataset.
        warnings: the warnings standing now, by key, in words.
        published: every publication (for the series of a missed forecast).
        scores: every score with ``scored_at``.
    """
    if last is None:
        return Changes(None)
    new_data = [
        (d, last.data_versions.get(d), v)
        for d, v in sorted(versions.items())
        if v is not None and last.data_versions.get(d) != v
    ]
    by_id = {p.id: p for p in published}
    missed = []
    if len(scores):
        late = scores[(scores["scored_at"] > last.at) & ~scores["in80"].astype(bool)]
        for row in late.itertuples(index=False):
            p = by_id.get(row.published_id)
            if p is not None:
                missed.append(Missed(p.id, p.indicator_id, p.region_code, p.freq, row.period, row.actual, row.forecast))
    appeared = [warnings[k] for k in sorted(set(warnings) - set(last.warnings))]
    cleared = [last.warnings[k] for k in sorted(set(last.warnings) - set(warnings))]
    return Changes(last.at, new_data, missed, appeared, cleared)
