"""The canonical case table: one row per work order (工单), whatever system exported it.

Every reader (the shipped Boston 311 log, an office's 12345 or 一网通办 export) produces exactly these columns, and
every derivation reads only these. Personal data (names, phone numbers, addresses, free text) has no column here.
"""

from __future__ import annotations

import io

import pandas as pd

# column → pandas dtype. Times are naive local timestamps; a missing time is NaT, a missing text is <NA>.
CASE_COLUMNS: dict[str, str] = {
    "case_id": "string",  # 工单编号, unique within a log
    "opened": "datetime64[ns]",  # 受理时间
    "due": "datetime64[ns]",  # 办理时限 / 承诺办结时间; NaT when the case has no due time
    "closed": "datetime64[ns]",  # 办结时间; NaT while the case is open
    "status": "string",  # "open" or "closed"
    "topic": "string",  # the finest topic the log has (诉求类型 / 问题分类)
    "topic_path": "string",  # the topic's hierarchy, outermost first, joined by " / "; <NA> when unknown
    "unit": "string",  # 承办单位, the handling unit
    "area": "string",  # 所属区县 / 街道, or a district name
    "area_code": "string",  # GB/T 2260 code of the area when it is a region of the registry, else <NA>
    "channel": "string",  # 来源渠道
    "rating": "Int64",  # satisfaction 1 (非常不满意) … 5 (非常满意); <NA> when not rated
    "followed_up": "boolean",  # whether a bad rating (1–2) was followed up (差评整改); <NA> when not applicable
}
STATUSES = ("open", "closed")


def empty_cases() -> pd.DataFrame:
    """A case table with no rows and every canonical column in its dtype."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in CASE_COLUMNS.items()})


def topics(parts: list[pd.Series]) -> tuple[pd.Series, pd.Series]:
    """The finest topic each case has, and its path (outermost first, a level repeating the one above it once);
    column by column, never row by row. A single level has no path."""
    topic, path, last = parts[0], parts[0], parts[0]
    for part in parts[1:]:
        topic = part.where(part.notna(), topic)
        new = part.notna() & (last.isna() | (part != last).fillna(True))
        path = ((path + " / " + part).where(path.notna(), part)).where(new, path)
        last = part.where(part.notna(), last)
    return topic, path if len(parts) > 1 else pd.Series(pd.NA, index=topic.index, dtype="string")


def canonical(cases: pd.DataFrame) -> pd.DataFrame:
    """`cases` with every canonical column (missing ones empty), in order and of its type."""
    for name, dtype in CASE_COLUMNS.items():
        if name not in cases:
            cases[name] = pd.Series(pd.NA if dtype != "datetime64[ns]" else pd.NaT, index=cases.index)
    return cases[list(CASE_COLUMNS)].astype(CASE_COLUMNS).reset_index(drop=True)


# Stored versions keep Parquet bytes; reading them needs none of the importer's upload readers (openpyxl …), so the
# pages and the precompute job read an imported log without them.


def to_bytes(cases: pd.DataFrame) -> bytes:
    """A case table as Parquet bytes, the form a stored version keeps."""
    buffer = io.BytesIO()
    cases[list(CASE_COLUMNS)].to_parquet(buffer, index=False, compression="zstd")
    return buffer.getvalue()


def from_bytes(payload: bytes) -> pd.DataFrame:
    """The case table a stored version keeps."""
    return canonical(pd.read_parquet(io.BytesIO(payload)))
