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
from data.loaders import COLUMNS

KEY = ["indicator_id", "region_code", "period"]
FREQS = {"A", "Q", "M"}


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
        }
    )


def sort_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY, ignore_index=True)


def check_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """A sorted copy of `frame` in the canonical dtypes.

    Raises:
        DataFormatError: columns missing, a key missing, an unknown frequency, a non-numeric value or a
            duplicate key; the message names the first offending row.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataFormatError(code="frame_columns_missing", missing=missing, found=[str(c) for c in frame.columns])
    out = frame[COLUMNS].copy()
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
    return old.merge(new, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)


def _differs(joined: pd.DataFrame) -> pd.Series:
    a, b = joined["value_old"], joined["value_new"]
    same_value = (a == b) | (a.isna() & b.isna())
    return ~same_value | (joined["freq_old"] != joined["freq_new"])


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
    joined = base.merge(upload, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    keep_old = (joined["_merge"] == "both") & joined["value_new"].isna() & joined["value_old"].notna()
    joined = joined[~((joined["_merge"] == "right_only") & joined["value_new"].isna())]
    keep_old = keep_old[joined.index]
    take_new = joined["_merge"] != "left_only"
    value = np.where(take_new & ~keep_old, joined["value_new"], joined["value_old"])
    freq = np.where(take_new & ~keep_old, joined["freq_new"], joined["freq_old"])
    merged = joined[KEY].assign(freq=freq, value=value.astype("float64"))[COLUMNS]
    kept = joined.loc[keep_old, [*KEY, "value_old"]].reset_index(drop=True)
    return sort_frame(merged), kept


def frame_checksum(frame: pd.DataFrame) -> str:
    """sha256 of the frame's content (order-independent after sorting), for versions that have no file."""
    hashed = pd.util.hash_pandas_object(sort_frame(frame[COLUMNS]), index=False).to_numpy()
    return "sha256:" + hashlib.sha256(hashed.tobytes()).hexdigest()
