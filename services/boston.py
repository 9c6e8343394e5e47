"""The shipped example log: Boston 311 requests opened in 2015, read into the canonical case table.

The log is partial — the five largest request types (parking enforcement, potholes, snow ploughing, street
cleaning, bulk item pickup) are not in the copy — so every total drawn from it is a total of the 158 types shipped,
and `PARTIAL` is what pages and indicators carry to say so. Mapping: subject → reason → type is the topic's path
(the topic is the type), the handling department is the unit, the neighbourhood the area, the source the channel;
the log has no satisfaction rating. Nothing is dropped or repaired: cases closed before they were opened, without a
due time or without a neighbourhood stay as they are, for the derivations to count.

The canonical table is also shipped beside the log as Parquet (`CASES_FILE`, written by ``python -m
services.boston``): reading it takes a third of parsing the CSV, which a cold start of the page would otherwise pay;
a test checks it is exactly what the CSV parses to.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data.datasets import dataset
from data.errors import DataFileMissing, DataFormatError
from services.cases import CASE_COLUMNS, topics

DATASET_ID = "boston_311_2015"


def holidays_of(log_id: str) -> str:
    """Whose public holidays a log's daily counts skip: the shipped Boston log's are American, an office's Chinese."""
    return "US" if log_id == DATASET_ID else "CN"


FILE = "boston_311_2015.csv.gz"
CASES_FILE = "boston_311_2015.cases.parquet"  # the canonical table of FILE, derived (see the module's docstring)
PARTIAL = True  # five large request types absent: every total says so
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SOURCE_COLUMNS = ("case_id", "open_dt", "target_dt", "closed_dt", "case_status", "subject", "reason", "type")
SOURCE_COLUMNS += ("department", "source", "neighborhood")


def _times(column: pd.Series) -> pd.Series:
    """The reader parses a clean timestamp column itself; a column with a malformed cell comes as text."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.astype("datetime64[ns]")
    return pd.to_datetime(column, format=TIME_FORMAT, errors="coerce")


def read_boston(path: Path | None = None) -> pd.DataFrame:
    """The shipped Boston 311 log as a canonical case table, one row per request, in opening order: the shipped
    Parquet of it, or (given a `path`, or without the Parquet) the CSV parsed.

    Raises:
        DataFileMissing, DataFormatError: see `parse_boston`.
    """
    cases = dataset(DATASET_ID).path(CASES_FILE)
    if path is None and cases.is_file():
        # Text columns of few values read as categories: one Python string per value, not per row (3x faster).
        repeated = [c for c, dtype in CASE_COLUMNS.items() if dtype == "string" and c != "case_id"]
        return pd.read_parquet(cases, read_dictionary=repeated).astype(CASE_COLUMNS)
    return parse_boston(path)


def write_cases(path: Path | None = None) -> Path:
    """Write the canonical table the CSV parses to as the shipped Parquet."""
    path = path or dataset(DATASET_ID).path(CASES_FILE)
    parse_boston().to_parquet(path, index=False, compression="zstd")
    return path


def parse_boston(path: Path | None = None) -> pd.DataFrame:
    """The shipped CSV (or another export of the same columns at `path`) parsed into the canonical case table.

    Raises:
        DataFileMissing: the file is not there.
        DataFormatError: a column the reader needs is missing.
    """
    path = path or dataset(DATASET_ID).path(FILE)
    if not path.is_file():
        raise DataFileMissing(code="file_missing", path=path, dataset=DATASET_ID)
    header = pd.read_csv(path, nrows=0).columns
    missing = [c for c in SOURCE_COLUMNS if c not in header]
    if missing:
        raise DataFormatError(code="columns_missing", path=path, missing=missing, found=list(header))
    # pyarrow reads text as objects and parses the timestamps itself; the "string" dtype comes after (5x faster).
    raw = pd.read_csv(path, dtype={"case_id": str}, usecols=list(SOURCE_COLUMNS), engine="pyarrow")
    raw = raw.astype({c: "string" for c in SOURCE_COLUMNS if not c.endswith("_dt")})
    _, topic_path = topics([raw["subject"], raw["reason"], raw["type"]])  # as an import reads a hierarchy
    status = raw["case_status"].str.lower()
    cases = pd.DataFrame(
        {
            "case_id": raw["case_id"],
            "opened": _times(raw["open_dt"]),
            "due": _times(raw["target_dt"]),
            "closed": _times(raw["closed_dt"]),
            "status": status.where(status.isin(("open", "closed"))),
            "topic": raw["type"],
            "topic_path": topic_path,
            "unit": raw["department"],
            "area": raw["neighborhood"],
            "area_code": pd.Series(pd.NA, index=raw.index, dtype="string"),
            "channel": raw["source"],
            "rating": pd.Series(pd.NA, index=raw.index, dtype="Int64"),
            "followed_up": pd.Series(pd.NA, index=raw.index, dtype="boolean"),
        }
    )
    return cases.astype(CASE_COLUMNS)


if __name__ == "__main__":
    print(write_cases())
