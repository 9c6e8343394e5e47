"""The shipped Boston 311 log (services/boston.py) read into the canonical case table, checked against its
SOURCE.md: counts, gaps kept as gaps, the partial coverage stated in its citation."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from data.datasets import dataset
from data.errors import DataFileMissing, DataFormatError
from services.boston import CASES_FILE, DATASET_ID, parse_boston, read_boston
from services.cases import CASE_COLUMNS


@pytest.fixture(scope="module")
def boston() -> pd.DataFrame:
    """The shipped log, read once."""
    return read_boston()


def test_every_request_in_the_canonical_table(boston):
    assert len(boston) == 121_145 and boston["case_id"].is_unique
    expected = {c: str(pd.Series(dtype=t).dtype) for c, t in CASE_COLUMNS.items()}
    assert {c: str(t) for c, t in boston.dtypes.items()} == expected
    assert boston["opened"].min() >= pd.Timestamp("2015-01-01") and boston["opened"].max() < pd.Timestamp("2016-01-01")
    assert set(boston["status"]) == {"open", "closed"}


def test_gaps_and_problems_are_kept_as_they_are(boston):
    assert boston["closed"].isna().mean() == pytest.approx(0.164, abs=0.001)  # SOURCE.md: 16.4% still open
    assert boston["due"].isna().mean() == pytest.approx(0.223, abs=0.001)  # 22.3% without an SLA
    assert (boston["closed"] < boston["opened"]).sum() == 197
    assert boston["rating"].isna().all() and boston["followed_up"].isna().all()


def test_topic_path_subject_reason_type_and_the_unit_is_the_department(boston):
    first = boston.iloc[1]  # a street light outage reported through the app
    assert first["topic"] == "Street Light Outages"
    assert first["topic_path"] == "Public Works Department / Street Lights / Street Light Outages"
    assert first["unit"] == "PWDx" and first["channel"] == "Citizens Connect App"
    assert boston.iloc[0]["topic_path"] == "Mayor's 24 Hour Hotline / Notification"  # a level repeated once
    assert first["area"] == "Fenway / Kenmore / Audubon Circle / Longwood"
    assert boston["topic"].nunique() == 158 and boston["area"].nunique() == 23


def test_the_citation_says_the_log_is_partial():
    ds = dataset(DATASET_ID)
    assert "部分" in ds.citation["zh"] and "partial" in ds.citation["en"]
    assert "five largest" in ds.source_text()


def test_a_missing_file_or_column_is_named(tmp_path):
    with pytest.raises(DataFileMissing):
        read_boston(tmp_path / "none.csv.gz")
    bad = tmp_path / "bad.csv.gz"
    with gzip.open(bad, "wt") as out:
        out.write("case_id,open_dt\n1,2015-01-01 00:00:00\n")
    with pytest.raises(DataFormatError) as err:
        read_boston(bad)
    assert "target_dt" in err.value.message("en")


def test_the_shipped_parquet_is_what_the_csv_parses_to(boston):
    assert dataset(DATASET_ID).path(CASES_FILE).is_file()  # read_boston() read it, not the CSV
    pd.testing.assert_frame_equal(boston, parse_boston())
