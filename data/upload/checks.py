"""Warnings that compare an upload with what is stored: revisions, outliers, missing periods, probable vintage breaks.

None of these blocks a commit — a revision can be genuine, a jump can be real — but each is shown with its row
and column (or, for a break many regions share, its indicator and period) so a person checks it before committing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from common import periods
from common.text import Text
from data.breaks import vintage_breaks
from data.regions import region_registry
from data.store.versioning import KEY, merge_upload
from data.upload.validation import ProblemLog, Thresholds

SERIES = ["indicator_id", "region_code", "freq"]
MAD_TO_SD = 1.4826  # median absolute deviation → standard deviation, for normal data
MAX_LISTED_PERIODS = 12


def _ordinal(period: pd.Series, freq: pd.Series) -> np.ndarray:
    """Consecutive integers for consecutive periods of each frequency."""
    year, month = period.dt.year.to_numpy(), period.dt.month.to_numpy() - 1
    f = freq.to_numpy()
    return np.where(f == "A", year, np.where(f == "Q", year * 4 + month // 3, year * 12 + month))


def _region(code: str) -> Text:
    registry = region_registry()
    return Text(registry.name(code, "zh"), registry.name(code, "en"))


def _fmt(x: float) -> str:
    return f"{x:,.6g}"


def check_against_history(
    frame: pd.DataFrame,
    sources: pd.DataFrame,
    history: pd.DataFrame,
    log: ProblemLog,
    thresholds: Thresholds,
    mode: str = "merge",
    levels: frozenset[str] = frozenset(),
) -> None:
    """Add revision, gap, outlier, missing-period and probable-break warnings for `frame` (the upload) against
    `history`; the break check examines the indicators in `levels` (amounts, not rates)."""
    if frame.empty:
        return
    located = frame.join(sources)
    if not history.empty:
        _revisions(located, history, log, thresholds, mode)
        _outliers(located, history, log, thresholds)
    _missing_periods(frame, history, log)
    _probable_breaks(frame, history, log, levels, mode)


def _revisions(located: pd.DataFrame, history: pd.DataFrame, log: ProblemLog, t: Thresholds, mode: str) -> None:
    stored = history[[*KEY, "value"]].rename(columns={"value": "old"})
    both = located.merge(stored, on=KEY, how="inner")
    gaps = both[both["value"].isna() & both["old"].notna()]
    for rec in gaps.itertuples():
        # In merge mode the stored number stays; in replace mode the upload turns it into a gap: a revision.
        code, extra = ("gap_kept", {}) if mode == "merge" else ("large_revision", {"change": "—"})
        log.add(code, row=rec.row, column=rec.column, header=rec.header, value="—", old=_fmt(rec.old), **extra)
    new, old = both["value"], both["old"]
    rel = (new - old).abs() / old.abs().where(old != 0)
    flagged = both[new.notna() & old.notna() & ((rel > t.revision) | ((old == 0) & (new != 0)))]
    for rec in flagged.itertuples():
        change = f"{(rec.value - rec.old) / abs(rec.old) * 100:+.1f}%" if rec.old else f"{rec.value - rec.old:+,.6g}"
        log.add(
            "large_revision",
            row=rec.row,
            column=rec.column,
            header=rec.header,
            value=_fmt(rec.value),
            old=_fmt(rec.old),
            change=change,
        )


def _outliers(located: pd.DataFrame, history: pd.DataFrame, log: ProblemLog, t: Thresholds) -> None:
    new = located[located["value"].notna()].assign(is_new=True)
    keys = pd.MultiIndex.from_frame(located[KEY])
    old = history[history["value"].notna() & ~pd.MultiIndex.from_frame(history[KEY]).isin(keys)]
    combined = pd.concat([old.assign(is_new=False), new], ignore_index=True)
    combined = combined[combined.set_index(SERIES).index.isin(new.set_index(SERIES).index)]
    combined = combined.assign(ord=_ordinal(combined["period"], combined["freq"])).sort_values([*SERIES, "ord"])
    for _, series in combined.groupby(SERIES, sort=False):
        if series["is_new"].all():
            continue
        ords, vals, is_new = series["ord"].to_numpy(), series["value"].to_numpy(), series["is_new"].to_numpy()
        relative = bool((vals[~is_new] > 0).all())
        adjacent = np.diff(ords) == 1
        changes = vals[1:] / vals[:-1] - 1 if relative else np.diff(vals)
        usual = changes[adjacent & ~is_new[1:] & ~is_new[:-1]][-t.outlier_window :]
        if len(usual) < t.outlier_min_history:
            continue
        median = float(np.median(usual))
        spread = MAD_TO_SD * float(np.median(np.abs(usual - median)))
        if spread == 0:
            continue  # a perfectly regular history gives no scale to judge by
        low, high = median - t.outlier_sd * spread, median + t.outlier_sd * spread
        for i in np.flatnonzero(adjacent & is_new[1:] & ((changes < low) | (changes > high))) + 1:
            rec = series.iloc[i]
            show = (lambda c: f"{c * 100:+.1f}%") if relative else (lambda c: f"{c:+,.6g}")
            log.add(
                "outlier",
                row=int(rec["row"]),
                column=rec["column"],
                header=rec["header"],
                value=_fmt(vals[i]),
                previous_period=periods.label(series["period"].iloc[i - 1], rec["freq"]),
                previous=_fmt(vals[i - 1]),
                change=show(changes[i - 1]),
                low=show(low),
                high=show(high),
            )


def _missing_periods(frame: pd.DataFrame, history: pd.DataFrame, log: ProblemLog) -> None:
    """Periods absent from both the upload and the store, inside the span the upload extends the series to."""
    up = frame.assign(ord=_ordinal(frame["period"], frame["freq"]))
    stored = history.assign(ord=_ordinal(history["period"], history["freq"])) if not history.empty else None
    stored_sets = {k: set(g["ord"]) for k, g in stored.groupby(SERIES)} if stored is not None else {}
    for key, series in up.groupby(SERIES):
        present = set(series["ord"])
        known = stored_sets.get(key, set())
        lo, hi = min(present), max(present)
        before = [o for o in known if o < lo]
        if before:
            lo = max(before) + 1
        missing = [o for o in range(lo, hi + 1) if o not in present and o not in known]
        if not missing:
            continue
        indicator, region, freq = key
        listed = [_ord_label(o, freq) for o in missing[:MAX_LISTED_PERIODS]]
        if len(missing) > MAX_LISTED_PERIODS:
            listed.append(f"… (+{len(missing) - MAX_LISTED_PERIODS})")
        log.add("missing_period", indicator=indicator, region=_region(region), periods=listed)


def _ord_label(o: int, freq: str) -> str:
    if freq == "A":
        return str(o)
    if freq == "Q":
        return f"{o // 4}Q{o % 4 + 1}"
    return f"{o // 12}-{o % 12 + 1:02d}"


MAX_LISTED_REGIONS = 8
STEP = {"A": pd.DateOffset(years=1), "Q": pd.DateOffset(months=3), "M": pd.DateOffset(months=1)}


def _probable_breaks(frame: pd.DataFrame, history: pd.DataFrame, log: ProblemLog, levels, mode: str) -> None:
    """A jump the upload makes (into or out of one of its periods) that many regions share, far outside their
    history: probably a revision or another vintage, reported once per indicator and period."""
    mine = frame[frame["indicator_id"].isin(levels) & frame["value"].notna()]
    if mine.empty:
        return
    base = history[history["indicator_id"].isin(set(mine["indicator_id"]))]
    merged = merge_upload(base, mine)[0] if mode == "merge" and not base.empty else mine
    touched = set(zip(mine["indicator_id"], mine["period"], strict=True))
    registry = region_registry()
    for brk in vintage_breaks(merged, set(mine["indicator_id"])):
        if (brk.indicator_id, brk.period) not in touched and (
            brk.indicator_id,
            brk.period - STEP[brk.freq],
        ) not in touched:
            continue
        listed = [
            Text(f"{registry.name(r, 'zh')} {c:+.1f}%", f"{registry.name(r, 'en')} {c:+.1f}%")
            for r, c in zip(brk.regions, brk.changes, strict=True)
        ][:MAX_LISTED_REGIONS]
        if len(brk.regions) > MAX_LISTED_REGIONS:
            listed.append(f"… (+{len(brk.regions) - MAX_LISTED_REGIONS})")
        log.add(
            "probable_revision",
            indicator=brk.indicator_id,
            period=periods.label(brk.period, brk.freq),
            count=len(brk.regions),
            reporting=brk.reporting,
            changes=listed,
        )
