"""Measures of a case table at any grain (day / week / month) and by topic, unit or area — vectorised pandas/numpy.

Which period a case counts in, per measure:

* volume — the period it was opened in;
* backlog — open at the period's end: opened before the end and not closed before it;
* closed, on-time rate (closed by the due time), median and P90 handling time (closed − opened, hours), closed
  late — the period it was closed in;
* overdue — open past its due time at the period's end, plus closed late in the period;
* 满意率 (rating 4–5), 差评率 (rating 1–2), 差评整改率 (bad ratings followed up) — the period it was closed in
  (opened, while it is not closed).

Data problems are counted, never dropped silently; `EXCLUDES` says which measures leave out which problem cases.
A repeated case id keeps its first row only (the repeats are counted as `duplicate_id` and excluded everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

GRAINS = ("day", "week", "month")
GROUPS = ("topic", "unit", "area", "channel")
NO_GROUP = "__all__"
PROBLEMS = ("duplicate_id", "no_opened", "closed_before_opened", "closed_without_time", "no_due", "open_with_closed")
# measure → the problem cases it leaves out (every measure leaves out duplicate ids and cases without opening time).
EXCLUDES: dict[str, tuple[str, ...]] = {
    "volume": (),
    "backlog": ("closed_without_time",),
    "on_time_rate": ("closed_before_opened", "no_due"),
    "handling_time": ("closed_before_opened",),
    "overdue": ("closed_before_opened", "no_due", "closed_without_time"),
}
MEASURES = (
    "volume",
    "backlog",
    "closed",
    "on_time_rate",
    "median_hours",
    "p90_hours",
    "overdue",
    "closed_late",
    "rated",
    "satisfied_rate",
    "bad_rate",
    "followup_rate",
)
_WEEK_SHIFT = 3  # 1970-01-01 was a Thursday: day + 3 counts weeks from Mondays
_FAR = np.iinfo(np.int64).max // 4  # "never": the period of a time that is missing


@dataclass(frozen=True)
class Problems:
    """Data problems of a case table: counts by code (see PROBLEMS) and the rows affected (first few ids)."""

    counts: dict[str, int]
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Derived:
    """Measures per period (and group): `table` has `period` (the period's first day), `group` (NO_GROUP when not
    grouped) and the MEASURES columns; rates are shares 0–1 (NaN where nothing to rate), hours are floats."""

    grain: str
    by: str | None
    table: pd.DataFrame
    problems: Problems
    has_ratings: bool


def problems(cases: pd.DataFrame, examples: int = 3) -> Problems:
    """Count the data problems of a case table (every row kept)."""
    dup = cases["case_id"].duplicated(keep="first").to_numpy()
    opened, closed, due = (cases[c] for c in ("opened", "closed", "due"))
    status = cases["status"].fillna("")
    masks = {
        "duplicate_id": dup,
        "no_opened": opened.isna().to_numpy(),
        "closed_before_opened": (closed < opened).to_numpy(),
        "closed_without_time": ((status == "closed") & closed.isna()).to_numpy(),
        "no_due": due.isna().to_numpy(),
        "open_with_closed": ((status == "open") & closed.notna()).to_numpy(),
    }
    ids = cases["case_id"].astype(object).to_numpy()
    return Problems(
        {k: int(m.sum()) for k, m in masks.items()},
        {k: [str(i) for i in ids[m][:examples]] for k, m in masks.items() if m.any()},
    )


def ordinals(times: pd.Series | np.ndarray, grain: str) -> np.ndarray:
    """The period of each time as a whole number (days, Monday-weeks or months since 1970); NaT → a far future."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}; got {grain!r}")
    values = np.asarray(times, dtype="datetime64[ns]")
    missing = np.isnat(values)
    if grain == "month":
        out = values.astype("datetime64[M]").astype(np.int64)
    else:
        out = values.astype("datetime64[D]").astype(np.int64)
        if grain == "week":
            out = (out + _WEEK_SHIFT) // 7
    out[missing] = _FAR
    return out


def period_start(ordinal: np.ndarray, grain: str) -> pd.DatetimeIndex:
    """The first day of each period ordinal."""
    ordinal = np.asarray(ordinal, dtype=np.int64)
    if grain == "month":
        return pd.DatetimeIndex(ordinal.astype("datetime64[M]").astype("datetime64[ns]"))
    days = ordinal * 7 - _WEEK_SHIFT if grain == "week" else ordinal
    return pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))


def _spans(start: np.ndarray, stop: np.ndarray, group: np.ndarray, n: int, n_groups: int) -> np.ndarray:
    """How many cases are "in" at the end of each of n periods: each from period `start` (inclusive, clipped to 0)
    to period `stop` (exclusive); a stop at or before the start never counts."""
    start = np.clip(start, 0, None)
    live = stop > start
    counts = np.zeros((n_groups, n + 1), dtype=np.int64)
    s, e, g = start[live], stop[live], group[live]
    np.add.at(counts, (g[s < n], s[s < n]), 1)
    within = e < n
    np.add.at(counts, (g[within], e[within]), -1)
    return np.cumsum(counts, axis=1)[:, :n]


def _per_period(values: np.ndarray, index: np.ndarray, group: np.ndarray, n: int, n_groups: int) -> np.ndarray:
    keep = (index >= 0) & (index < n)
    out = np.zeros((n_groups, n), dtype=np.float64)
    np.add.at(out, (group[keep], index[keep]), values[keep])
    return out


def _rate(top: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base > 0, top / np.where(base > 0, base, 1), np.nan)


def measure(
    cases: pd.DataFrame,
    grain: str = "month",
    by: str | None = None,
    *,
    first: pd.Timestamp | None = None,
    last: pd.Timestamp | None = None,
) -> Derived:
    """Every measure of MEASURES per period of `grain` (from the period of `first`, default the first opening, to
    that of `last`, default the last opening), per value of column `by` (one of GROUPS) or for all cases.

    Cases opened before `first` still count in the backlog and overdue figures of the periods shown.
    """
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {GROUPS} or None; got {by!r}")
    found = problems(cases)
    ok = ~cases["case_id"].duplicated(keep="first") & cases["opened"].notna()
    kept = cases[ok.to_numpy()]
    o_open = ordinals(kept["opened"], grain)
    if first is None and last is None and not len(kept):
        return Derived(grain, by, pd.DataFrame(columns=["group", "period", *MEASURES]), found, False)
    lo = ordinals([first], grain)[0] if first is not None else int(o_open.min())
    hi = ordinals([last], grain)[0] if last is not None else int(o_open.max())
    n = int(hi - lo + 1)
    if by is None:
        labels, group = [NO_GROUP], np.zeros(len(kept), dtype=np.int64)
    else:
        codes, uniques = pd.factorize(kept[by].fillna(""), sort=True)
        labels, group = [str(u) for u in uniques], codes.astype(np.int64)
    G = len(labels)
    opened = kept["opened"].to_numpy("datetime64[ns]")
    closed = kept["closed"].to_numpy("datetime64[ns]")
    due = kept["due"].to_numpy("datetime64[ns]")
    status = kept["status"].fillna("").to_numpy(dtype=object)
    i_open = o_open - lo
    i_close = ordinals(closed, grain) - lo  # far future when open
    has_close = ~np.isnat(closed)
    has_due = ~np.isnat(due)
    valid_close = has_close & (closed >= opened)
    closed_no_time = (status == "closed") & ~has_close
    out: dict[str, np.ndarray] = {}
    ones = np.ones(len(kept))
    out["volume"] = _per_period(ones, i_open, group, n, G)
    counted = ~closed_no_time
    out["backlog"] = _spans(i_open[counted], i_close[counted], group[counted], n, G).astype(np.float64)
    out["closed"] = _per_period(ones[has_close], i_close[has_close], group[has_close], n, G)
    timely = valid_close & has_due
    on_time = timely & (closed <= due)
    late = timely & (closed > due)
    out["on_time_rate"] = _rate(
        _per_period(ones[on_time], i_close[on_time], group[on_time], n, G),
        _per_period(ones[timely], i_close[timely], group[timely], n, G),
    )
    # Past due at a period's end: from the period of max(opened, due) until the period it was closed in.
    watch = has_due & ~(has_close & (closed < opened)) & counted
    i_due = ordinals(np.maximum(opened, due), grain) - lo
    overdue_open = _spans(i_due[watch], i_close[watch], group[watch], n, G)
    closed_late = _per_period(ones[late], i_close[late], group[late], n, G)
    out["closed_late"] = closed_late
    out["overdue"] = overdue_open + closed_late
    hours = (closed - opened).astype("timedelta64[s]").astype(np.float64) / 3600.0
    out["median_hours"], out["p90_hours"] = _quantiles(hours[valid_close], i_close[valid_close], group[valid_close], n)
    out |= _ratings(kept, i_open, i_close, group, n, G)
    has_ratings = bool(kept["rating"].notna().any())
    starts = period_start(np.arange(lo, hi + 1), grain)
    return Derived(grain, by, _frame_from(out, labels, starts, n, G), found, has_ratings)


def _quantiles(hours: np.ndarray, index: np.ndarray, group: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    keep = (index >= 0) & (index < n)
    frame = pd.DataFrame({"g": group[keep], "i": index[keep], "h": hours[keep]})
    grouped = frame.groupby(["g", "i"])["h"]
    med, p90 = grouped.median(), grouped.quantile(0.9)
    return med, p90


def _ratings(kept: pd.DataFrame, i_open, i_close, group, n, G) -> dict[str, np.ndarray]:
    rating = kept["rating"].to_numpy(dtype=np.float64, na_value=np.nan)
    rated = ~np.isnan(rating)
    index = np.where(i_close < _FAR // 2, i_close, i_open)  # the closing period, or the opening one while open
    follow = kept["followed_up"].to_numpy(dtype=object, na_value=None)
    bad = rated & (rating <= 2)
    followed = bad & np.array([f is True for f in follow], dtype=bool)
    base = _per_period(rated.astype(float), index, group, n, G)
    bad_n = _per_period(bad.astype(float), index, group, n, G)
    return {
        "rated": base,
        "satisfied_rate": _rate(_per_period((rated & (rating >= 4)).astype(float), index, group, n, G), base),
        "bad_rate": _rate(bad_n, base),
        "followup_rate": _rate(_per_period(followed.astype(float), index, group, n, G), bad_n),
    }


def _frame_from(out: dict, labels: list[str], starts: pd.DatetimeIndex, n: int, G: int) -> pd.DataFrame:
    table = pd.DataFrame(
        {"group": np.repeat(np.array(labels, dtype=object), n), "period": np.tile(starts.to_numpy(), G)}
    )
    flat_index = pd.MultiIndex.from_arrays([np.repeat(np.arange(G), n), np.tile(np.arange(n), G)])
    for name in MEASURES:
        value = out[name]
        if isinstance(value, pd.Series):  # quantiles: only where cases closed
            table[name] = value.reindex(flat_index).to_numpy()
        else:
            table[name] = value.reshape(-1)
    for name in ("volume", "backlog", "closed", "overdue", "closed_late", "rated"):
        table[name] = table[name].astype(np.int64)
    return table
