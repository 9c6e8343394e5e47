"""The shipped case log's monthly indicators (volume, backlog, overdue, on-time rate, handling times), written by
`services.indicators` from the Boston 311 log and read here like any shipped dataset's observations."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data.datasets import dataset
from data.errors import DataFileMissing, DataFormatError

DATASET_ID = "boston_311_2015"
FILE = "indicators_monthly.csv"
BOSTON_CODE = "US-BOS"  # the log's jurisdiction, a region of the registry (data/regions.yaml: jurisdictions)
COLUMNS = ["indicator_id", "region_code", "period", "freq", "value"]
# The catalogue source of the indicators only an office's imported logs report (满意率, 差评率, 差评整改率: no shipped
# log is rated); a citation of it names the imported logs, and each figure cites its own log.
IMPORTED_LOGS = "case_logs_imported"


def load_boston_311_indicators(root: Path | None = None) -> pd.DataFrame:
    """Monthly indicators of the Boston 311 log (2015; partial: five large request types absent)."""
    path = dataset(DATASET_ID).path(FILE, root=root)
    if not path.is_file():
        raise DataFileMissing(code="file_missing", path=path)
    frame = pd.read_csv(path, dtype={"indicator_id": str, "region_code": str, "freq": str})
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataFormatError(code="columns_missing", path=path, missing=missing, found=list(frame.columns))
    frame["period"] = pd.to_datetime(frame["period"], format="%Y-%m-%d")
    return frame[COLUMNS]
