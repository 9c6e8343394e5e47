"""What the Public services page shows, as facts: KPI cards with change on the previous period, league tables of
units and areas for 督办, the topic mix, and the filters that narrow a log. Words are the page's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.derive import NO_GROUP, Derived, Prepared, prepare, window

CARD_MEASURES = ("volume", "on_time_rate", "median_hours", "satisfied_rate")
LEAGUE_COLUMNS = ("volume", "on_time_rate", "median_hours", "overdue", "backlog", "satisfied_rate")
# How a card's change is expressed: relative for counts and times, in percentage points for rates.
CHANGE_KIND = {"volume": "pct", "on_time_rate": "pp", "median_hours": "pct", "satisfied_rate": "pp"}
# Which way is better: more cases are neither good nor bad; shorter handling is better.
POLARITY = {"volume": "neutral", "on_time_rate": "higher", "median_hours": "lower", "satisfied_rate": "higher"}
OTHER = "__other__"


@dataclass(frozen=True)
class Card:
    """One KPI card: the measure in a period and in the period before (None: no figure)."""

    measure: str
    period: pd.Timestamp
    value: float | None
    previous_period: pd.Timestamp | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Per cent change for counts and times, percentage points for rates (None when either side is missing)."""
        if self.value is None or self.previous is None:
            return None
        if CHANGE_KIND[self.measure] == "pp":
            return (self.value - self.previous) * 100
        return None if self.previous == 0 else (self.value / self.previous - 1) * 100


def _figure(row: pd.Series | None, measure: str) -> float | None:
    if row is None:
        return None
    value = row[measure]
    return None if pd.isna(value) else float(value)


def cards(derived: Derived, at: pd.Timestamp | None = None) -> list[Card]:
    """The KPI cards of the period `at` (default the last) of an ungrouped `measure(...)` result; 满意率 only when
    the log has ratings."""
    table = derived.table[derived.table["group"] == NO_GROUP].set_index("period").sort_index()
    if table.empty:
        return []
    at = table.index[-1] if at is None else pd.Timestamp(at)
    position = table.index.get_loc(at)
    row = table.iloc[position]
    before = table.iloc[position - 1] if position > 0 else None
    wanted = [m for m in CARD_MEASURES if m != "satisfied_rate" or derived.has_ratings]
    previous = table.index[position - 1] if position > 0 else None
    return [Card(m, at, _figure(row, m), previous, _figure(before, m)) for m in wanted]


def last_complete(derived: Derived) -> pd.Timestamp | None:
    """The latest period the log covers whole (the default for cards: a log ending on a Thursday has no full last
    week), else the latest period."""
    periods = sorted(derived.table["period"].drop_duplicates())
    complete = [p for p in periods if derived.complete(p)]
    return complete[-1] if complete else (periods[-1] if periods else None)


def league(cases: pd.DataFrame | Prepared, first: pd.Timestamp, last: pd.Timestamp, by: str) -> pd.DataFrame:
    """One row per unit (or area …) over the window: volume, on-time rate, median hours, overdue and backlog at
    the window's end, 满意率 when the log has ratings; largest volume first. A case without a unit is in the row
    with an empty name."""
    derived = window(cases, first, last, by)
    columns = [c for c in LEAGUE_COLUMNS if c != "satisfied_rate" or derived.has_ratings]
    table = derived.table[["group", *columns]].rename(columns={"group": by})
    active = (table["volume"] > 0) | (table["backlog"] > 0)
    return table[active].sort_values(["volume", by], ascending=[False, True]).reset_index(drop=True)


def topic_mix(cases: pd.DataFrame | Prepared, first: pd.Timestamp, last: pd.Timestamp, top: int = 10) -> pd.DataFrame:
    """The topics opened in the window with their share of volume: the `top` largest, the rest as OTHER (a count
    of codes: no other measure is needed)."""
    log = cases if isinstance(cases, Prepared) else prepare(cases)
    begin = pd.Timestamp(first).normalize().to_datetime64()
    end = (pd.Timestamp(last).normalize() + pd.Timedelta(days=1)).to_datetime64()
    inside = log.kept & (log.opened >= begin) & (log.opened < end)
    labels = log.labels["topic"]
    counts = pd.Series(np.bincount(log.codes["topic"][inside], minlength=len(labels)), index=labels)
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    head, rest = counts.iloc[:top], counts.iloc[top:]
    if len(rest):
        head = pd.concat([head, pd.Series({OTHER: int(rest.sum())})])
    total = int(counts.sum())
    share = head / total if total else head.astype(float)
    return pd.DataFrame({"topic": head.index.astype(str), "volume": head.to_numpy(np.int64), "share": share.to_numpy()})


def options(log: Prepared, column: str) -> list[str]:
    """The values a column takes in the measured rows, most frequent first (an empty value left out)."""
    codes = log.codes[column][log.kept]
    counts = np.bincount(codes, minlength=len(log.labels[column]))
    order = np.argsort(-counts, kind="stable")
    return [log.labels[column][i] for i in order if counts[i] and log.labels[column][i]]
