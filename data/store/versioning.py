"""Pure frame operations behind dataset versions: checking the canonical shape, merging an upload, diffing.

Keys are ``indicator_id, region_code, period``. Two missing values are equal (a gap that stays a gap is no
change); a value that becomes missing, or a missing value that gets a number, is a change.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from data.errors import DataFormatError
from data.loaders import COLUMNS, FLAG, PRELIMINARY

KEY = ["indicator_id", "region_code", "period"]
FREQS = {"A", "Q", "M"}
FLAGS = {None, PRELIMINARY}  # a figure's flag: final (None) or preliminary


@dataclass(frozen=True)
class DiffSummary:
    """Rows added, changed and removed going from one version to another."""

    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def empty_frame() -> pd.DataFrame:
    """A canonical frame with no rows and the right dtypes."""
    return pd.DataFrame(
        {
            "indicator_id": pd.Series(dtype=object),
            "region_code": pd.Series(dtype=object),
            "period": pd.Series(dtype="datetime64[ns]"),
            "freq": pd.Series(dtype=object),
            "value": pd.Series(dtype="float64"),
            FLAG: pd.Series(dtype=object),
        }
    )


def sort_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY, ignore_index=True)


def with_flag(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a flag column (missing = final), for frames made without one (an upload, a test)."""
    return frame if FLAG in frame.columns else frame.assign(**{FLAG: None})


def check_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """A sorted copy of `frame` in the canonical dtypes, with its flag column (added, all final, if absent).

    Raises:
        DataFormatError: columns missing, a key missing, an unknown frequency or flag, a non-numeric value or
            a duplicate key; the message names the first offending row.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataFormatError(code="frame_columns_missing", missing=missing, found=[str(c) for c in frame.columns])
    out = with_flag(frame)[[*COLUMNS, FLAG]].copy()
    out[FLAG] = out[FLAG].astype(object).where(out[FLAG].notna(), None)
    bad_flag = ~out[FLAG].isin(FLAGS)
    if bad_flag.any():
        i = int(bad_flag.idxmax())
        raise DataFormatError(code="frame_bad_flag", row=i, value=out[FLAG][i])
    for col in ("indicator_id", "region_code", "freq"):
        out[col] = out[col].astype(object)
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ns]")
    try:
        out["value"] = pd.to_numeric(out["value"]).astype("float64")
    except (ValueError, TypeError) as exc:
        raise DataFormatError(code="frame_value_not_numeric", detail=str(exc)) from None
    null_keys = out[[*KEY, "freq"]].isna().any(axis=1)
    if null_keys.any():
        raise DataFormatError(code="frame_empty_key", row=int(null_keys.idxmax()))
    bad_freq = ~out["freq"].isin(FREQS)
    if bad_freq.any():
        i = int(bad_freq.idxmax())
        raise DataFormatError(code="frame_bad_freq", row=i, value=out["freq"][i])
    dup = out.duplicated(KEY)
    if dup.any():
        i = int(dup.idxmax())
        key = ", ".join(str(out[c][i]) for c in KEY)
        raise DataFormatError(code="frame_duplicate_key", key=key)
    return sort_frame(out)


def _aligned(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    return with_flag(old).merge(with_flag(new), on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)


def _differs(joined: pd.DataFrame) -> pd.Series:
    """A row changed when its value, frequency or flag did (a preliminary figure confirmed as final is a change)."""
    a, b = joined["value_old"], joined["value_new"]
    same_value = (a == b) | (a.isna() & b.isna())
    s, t = joined[f"{FLAG}_old"], joined[f"{FLAG}_new"]
    same_flag = (s == t) | (s.isna() & t.isna())
    return ~same_value | (joined["freq_old"] != joined["freq_new"]) | ~same_flag


def diff_frames(old: pd.DataFrame, new: pd.DataFrame) -> DiffSummary:
    """Counts of rows added, changed and removed from `old` to `new`."""
    joined = _aligned(old, new)
    both = joined["_merge"] == "both"
    return DiffSummary(
        added=int((joined["_merge"] == "right_only").sum()),
        changed=int((both & _differs(joined)).sum()),
        removed=int((joined["_merge"] == "left_only").sum()),
    )


def diff_rows(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The rows that differ: key, ``status`` (added / changed / removed), ``value_old``, ``value_new``."""
    joined = _aligned(old, new)
    status = np.select(
        [joined["_merge"] == "right_only", joined["_merge"] == "left_only"], ["added", "removed"], default="changed"
    )
    joined["status"] = status
    keep = (joined["_merge"] != "both") | _differs(joined)
    return joined.loc[keep, [*KEY, "status", "value_old", "value_new"]].reset_index(drop=True)


def merge_upload(base: pd.DataFrame, upload: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The next version when `upload` is laid over `base`, and the uploaded gaps that did not overwrite a value.

    A missing value in the upload never erases a stored number: release tables mark "not yet published" with
    "—", and reading that as a retraction would silently delete data. The kept rows are returned for a warning.
    A missing value for a key the base lacks adds nothing, so it adds no row either.
    """
    joined = _aligned(base, upload)
    keep_old = (joined["_merge"] == "both") & joined["value_new"].isna() & joined["value_old"].notna()
    joined = joined[~((joined["_merge"] == "right_only") & joined["value_new"].isna())]
    keep_old = keep_old[joined.index]
    take_new = (joined["_merge"] != "left_only") & ~keep_old
    value = np.where(take_new, joined["value_new"], joined["value_old"])
    freq = np.where(take_new, joined["freq_new"], joined["freq_old"])
    # A figure takes the flag of the file it comes from: an upload of the final figure ends "preliminary".
    flag = pd.Series(np.where(take_new, joined[f"{FLAG}_new"], joined[f"{FLAG}_old"]), index=joined.index)
    flag = flag.astype(object).where(flag.notna(), None)
    merged = joined[KEY].assign(freq=freq, value=value.astype("float64"), **{FLAG: flag})[[*COLUMNS, FLAG]]
    kept = joined.loc[keep_old, [*KEY, "value_old"]].reset_index(drop=True)
    return sort_frame(merged), kept


def frame_checksum(frame: pd.DataFrame) -> str:
    """sha256 of the frame's content (order-independent after sorting), for versions that have no file.

    The flag column counts only where a figure is not final, so a frame without preliminary figures keeps the
    checksum it had before the column existed.
    """
    ordered = sort_frame(with_flag(frame))
    digest = hashlib.sha256(pd.util.hash_pandas_object(ordered[COLUMNS], index=False).to_numpy().tobytes())
    flagged = ordered[ordered[FLAG].notna()]
    if len(flagged):
        digest.update(pd.util.hash_pandas_object(flagged[[*KEY, FLAG]], index=False).to_numpy().tobytes())
    return "sha256:" + digest.hexdigest()


def release_version(current: pd.DataFrame, release: pd.DataFrame, shipped: pd.DataFrame | None) -> pd.DataFrame:
    """The next version when a release's shipped data arrive: `release` laid over `current`, minus the rows the
    release withdrew (in the last shipped data `shipped`, not in `release`) that no upload has changed since.

    A release withdraws rows when a better source supersedes them (the yearbook panel's years that the portal
    vintage now covers); an office's own revision of such a row stays.
    """
    merged = merge_upload(current, release)[0]
    if shipped is None:
        return merged
    gone = shipped.merge(release[KEY], on=KEY, how="left", indicator=True)
    gone = gone.loc[gone["_merge"] == "left_only", [*KEY, "value"]].rename(columns={"value": "shipped"})
    now = current.merge(gone, on=KEY)
    untouched = (now["value"] == now["shipped"]) | (now["value"].isna() & now["shipped"].isna())
    withdrawn = pd.MultiIndex.from_frame(now.loc[untouched, KEY])
    return merged[~pd.MultiIndex.from_frame(merged[KEY]).isin(withdrawn)].reset_index(drop=True)


def prefer_first(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """`frame` (with a `dataset_id` column) with one row per key: where datasets share a key, the row of the dataset
    earliest in `order` (datasets not in it come last)."""
    rank = frame["dataset_id"].map({dataset_id: i for i, dataset_id in enumerate(order)}).fillna(len(order))
    duplicated = frame.assign(rank=rank).sort_values([*KEY, "rank"]).duplicated(KEY)
    return frame.loc[~duplicated.reindex(frame.index)].reset_index(drop=True) if duplicated.any() else frame
