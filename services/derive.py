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
    last_opened: pd.Timestamp | None = None  # the latest opening time of the log: periods after it are incomplete

    def complete(self, period: pd.Timestamp) -> bool:
        """Whether the log covers the whole period starting at `period` (its last day is not after the day of the
        log's last opening). A window's period is judged as the window."""
        if self.last_opened is None or self.grain not in GRAINS:
            return True
        step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}
        return pd.Timestamp(period) + step[self.grain] <= self.last_opened.normalize() + pd.Timedelta(days=1)


@dataclass(frozen=True)
class Prepared:
    """A case table made ready for measuring, once per log: plain arrays over all its rows, the group columns as
    codes, the problem masks and which rows are measured (`kept`: first row of an id, with an opening time).
    `narrow` takes a subset without going back to the text columns."""

    ids: np.ndarray
    opened: np.ndarray
    closed: np.ndarray
    due: np.ndarray
    closed_status: np.ndarray  # the log says closed
    rating: np.ndarray  # float, NaN when not rated
    followed: np.ndarray  # bad rating followed up (False also when unknown)
    codes: dict[str, np.ndarray]
    labels: dict[str, list[str]]
    masks: dict[str, np.ndarray]  # problem code → rows

    @property
    def kept(self) -> np.ndarray:
        return ~self.masks["duplicate_id"] & ~self.masks["no_opened"]

    @property
    def has_ratings(self) -> bool:
        return bool((~np.isnan(self.rating[self.kept])).any())

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray) -> Prepared:
        """The rows selected by a boolean mask."""
        pick = {
            "codes": {k: v[rows] for k, v in self.codes.items()},
            "masks": {k: v[rows] for k, v in self.masks.items()},
        }
        arrays = {
            k: getattr(self, k)[rows] for k in ("ids", "opened", "closed", "due", "closed_status", "rating", "followed")
        }
        return Prepared(**arrays, **pick, labels=self.labels)

    def narrow(self, **chosen) -> Prepared:
        """The cases whose topic, unit, area or channel is among the chosen values (an empty choice keeps all)."""
        rows = np.ones(len(self), dtype=bool)
        for column, values in chosen.items():
            if values:
                wanted = [i for i, label in enumerate(self.labels[column]) if label in set(values)]
                rows &= np.isin(self.codes[column], wanted)
        return self if rows.all() else self.take(rows)

    def problems(self, examples: int = 3) -> Problems:
        return Problems(
            {k: int(m.sum()) for k, m in self.masks.items()},
            {k: [str(i) for i in self.ids[m][:examples]] for k, m in self.masks.items() if m.any()},
        )


def _text(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=object, na_value="")


def prepare(cases: pd.DataFrame) -> Prepared:
    """Arrays, codes and problem masks of a canonical case table (every row kept; see `Prepared`)."""
    ids = _text(cases["case_id"])
    opened, closed, due = (cases[c].to_numpy("datetime64[ns]") for c in ("opened", "closed", "due"))
    status = _text(cases["status"])
    codes, labels = {}, {}
    for column in GROUPS:
        found, uniques = pd.factorize(_text(cases[column]), sort=True)
        codes[column], labels[column] = found.astype(np.int64), [str(u) for u in uniques]
    follow = cases["followed_up"].to_numpy(dtype=object, na_value=False)
    masks = {
        "duplicate_id": pd.Series(ids).duplicated(keep="first").to_numpy(),
        "no_opened": np.isnat(opened),
        "closed_before_opened": closed < opened,
        "closed_without_time": (status == "closed") & np.isnat(closed),
        "no_due": np.isnat(due),
        "open_with_closed": (status == "open") & ~np.isnat(closed),
    }
    return Prepared(
        ids=ids,
        opened=opened,
        closed=closed,
        due=due,
        closed_status=status == "closed",
        rating=cases["rating"].to_numpy(dtype=np.float64, na_value=np.nan),
        followed=follow.astype(bool),
        codes=codes,
        labels=labels,
        masks=masks,
    )


def problems(cases: pd.DataFrame | Prepared, examples: int = 3) -> Problems:
    """Count the data problems of a case table (every row kept), with the first few ids of each."""
    return (cases if isinstance(cases, Prepared) else prepare(cases)).problems(examples)


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
    s, e, g = start[live], stop[live], group[live]
    size = n_groups * (n + 1)  # bincount over flat cells: far faster than np.add.at on a 2-d array
    opened = np.bincount(g[s < n] * (n + 1) + s[s < n], minlength=size)
    within = e < n
    closed = np.bincount(g[within] * (n + 1) + e[within], minlength=size)
    return np.cumsum((opened - closed).reshape(n_groups, n + 1), axis=1)[:, :n]


def _per_period(values: np.ndarray, index: np.ndarray, group: np.ndarray, n: int, n_groups: int) -> np.ndarray:
    keep = (index >= 0) & (index < n)
    flat = group[keep] * n + index[keep]
    return np.bincount(flat, weights=values[keep], minlength=n_groups * n).astype(np.float64).reshape(n_groups, n)


def _rate(top: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base > 0, top / np.where(base > 0, base, 1), np.nan)


def _ready(cases: pd.DataFrame | Prepared, by: str | None) -> tuple[Prepared, Prepared]:
    """The prepared log and its measured rows."""
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {GROUPS} or None; got {by!r}")
    log = cases if isinstance(cases, Prepared) else prepare(cases)
    return log, log.take(log.kept)


def _groups(kept: Prepared, by: str | None) -> tuple[list[str], np.ndarray]:
    if by is None:
        return [NO_GROUP], np.zeros(len(kept), dtype=np.int64)
    used = np.unique(kept.codes[by])  # only the values the measured rows have, in label order
    return [kept.labels[by][i] for i in used], np.searchsorted(used, kept.codes[by]).astype(np.int64)


def measure(
    cases: pd.DataFrame | Prepared,
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
    log, kept = _ready(cases, by)
    if (first is None or last is None) and not len(kept):
        return Derived(grain, by, pd.DataFrame(columns=["group", "period", *MEASURES]), log.problems(), False)
    o_open = ordinals(kept.opened, grain)
    lo = ordinals([first], grain)[0] if first is not None else int(o_open.min())
    hi = ordinals([last], grain)[0] if last is not None else int(o_open.max())
    labels, group = _groups(kept, by)
    out = _compute(kept, lambda times: ordinals(times, grain) - lo, int(hi - lo + 1), group, len(labels))
    starts = period_start(np.arange(lo, hi + 1), grain)
    last_opened = pd.Timestamp(kept.opened.max())
    return Derived(grain, by, _frame_from(out, labels, starts), log.problems(), log.has_ratings, last_opened)


def window(cases: pd.DataFrame | Prepared, first: pd.Timestamp, last: pd.Timestamp, by: str | None = None) -> Derived:
    """Every measure over one window of days, `first` to `last` inclusive, per value of `by` — what a league table
    shows: volume opened in the window, backlog and overdue at its end, closing measures of cases closed in it.
    `table.period` is `first`."""
    log, kept = _ready(cases, by)
    begin, end = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize() + pd.Timedelta(days=1)

    def index(times) -> np.ndarray:
        values = np.asarray(times, dtype="datetime64[ns]")
        out = np.where(values < begin.to_datetime64(), -1, np.where(values < end.to_datetime64(), 0, 1))
        out[np.isnat(values)] = _FAR
        return out.astype(np.int64)

    labels, group = _groups(kept, by)
    out = _compute(kept, index, 1, group, len(labels))
    return Derived("window", by, _frame_from(out, labels, pd.DatetimeIndex([begin])), log.problems(), log.has_ratings)


def _compute(kept: Prepared, index, n: int, group: np.ndarray, G: int) -> dict[str, np.ndarray]:
    """The measures of the kept cases over n periods; `index(times)` gives each time's period (0 … n-1; below 0
    before the first, n or more after the last, a far future for a missing time)."""
    opened, closed, due = kept.opened, kept.closed, kept.due
    i_open, i_close = index(opened), index(closed)  # far future when open
    has_close, has_due = ~np.isnat(closed), ~np.isnat(due)
    valid_close = has_close & (closed >= opened)
    counted = ~(kept.closed_status & ~has_close)  # a closed case without closing time is in no backlog
    out: dict[str, np.ndarray] = {}
    ones = np.ones(len(kept))
    out["volume"] = _per_period(ones, i_open, group, n, G)
    out["backlog"] = _spans(i_open[counted], i_close[counted], group[counted], n, G).astype(np.float64)
    out["closed"] = _per_period(ones[has_close], i_close[has_close], group[has_close], n, G)
    timely = valid_close & has_due
    on_time, late = timely & (closed <= due), timely & (closed > due)
    out["on_time_rate"] = _rate(
        _per_period(ones[on_time], i_close[on_time], group[on_time], n, G),
        _per_period(ones[timely], i_close[timely], group[timely], n, G),
    )
    # Past due at a period's end: from the period of max(opened, due) until the period it was closed in.
    watch = has_due & ~(has_close & (closed < opened)) & counted
    i_due = index(np.maximum(opened, due))
    overdue_open = _spans(i_due[watch], i_close[watch], group[watch], n, G)
    out["closed_late"] = _per_period(ones[late], i_close[late], group[late], n, G)
    out["overdue"] = overdue_open + out["closed_late"]
    hours = (closed - opened).astype("timedelta64[s]").astype(np.float64) / 3600.0
    out["median_hours"], out["p90_hours"] = _quantiles(hours[valid_close], i_close[valid_close], group[valid_close], n)
    return out | _ratings(kept, i_open, i_close, group, n, G)


def _quantiles(hours: np.ndarray, index: np.ndarray, group: np.ndarray, n: int) -> tuple[pd.Series, pd.Series]:
    """Median and 90th percentile of `hours` per (group, period), linear interpolation as pandas does: one sort of
    all values by cell and value, then each cell's order statistics by position (no per-cell Python)."""
    keep = (index >= 0) & (index < n)
    cell, values = group[keep] * n + index[keep], hours[keep]
    order = np.lexsort((values, cell))
    cell, values = cell[order], values[order]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if len(cell) else np.array([], dtype=np.int64)
    counts = np.diff(np.r_[starts, len(cell)])
    cells = pd.MultiIndex.from_arrays([cell[starts] // n, cell[starts] % n]) if len(cell) else None

    def quantile(q: float) -> pd.Series:
        if cells is None:
            return pd.Series(dtype="float64")
        position = (counts - 1) * q
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, counts - 1)
        a, b = values[starts + low], values[starts + high]
        return pd.Series(a + (b - a) * (position - low), index=cells)

    return quantile(0.5), quantile(0.9)


def _ratings(kept: Prepared, i_open, i_close, group, n, G) -> dict[str, np.ndarray]:
    rating = kept.rating
    rated = ~np.isnan(rating)
    index = np.where(i_close < _FAR // 2, i_close, i_open)  # the closing period, or the opening one while open
    bad = rated & (rating <= 2)
    followed = bad & kept.followed
    base = _per_period(rated.astype(float), index, group, n, G)
    bad_n = _per_period(bad.astype(float), index, group, n, G)
    return {
        "rated": base,
        "satisfied_rate": _rate(_per_period((rated & (rating >= 4)).astype(float), index, group, n, G), base),
        "bad_rate": _rate(bad_n, base),
        "followup_rate": _rate(_per_period(followed.astype(float), index, group, n, G), bad_n),
    }


def _frame_from(out: dict, labels: list[str], starts: pd.DatetimeIndex) -> pd.DataFrame:
    n, G = len(starts), len(labels)
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
