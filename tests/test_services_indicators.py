"""Case measures as catalogue indicators (services/indicators.py, data/case_indicators.py): the shipped monthly file
is exactly what the measures give on the shipped log, every figure is in the catalogue, and the log's jurisdiction
is a region of the registry."""

from __future__ import annotations

import pandas as pd
import pytest

from data.case_indicators import BOSTON_CODE, load_boston_311_indicators
from data.datasets import dataset
from data.regions import region_registry
from indicators.metadata import catalogue
from services.boston import read_boston
from services.derive import measure
from services.indicators import INDICATORS, monthly_observations, write_shipped


def test_the_shipped_file_is_what_the_measures_give(tmp_path):
    shipped = load_boston_311_indicators()
    fresh = monthly_observations(read_boston(), BOSTON_CODE)
    pd.testing.assert_frame_equal(shipped.reset_index(drop=True), fresh.astype({"period": "datetime64[ns]"}))
    shipped_bytes = dataset("boston_311_2015").path("indicators_monthly.csv").read_bytes()
    assert write_shipped(tmp_path / "again.csv").read_bytes() == shipped_bytes  # regenerating changes nothing


def test_figures_match_the_derivation_and_are_in_the_catalogue():
    shipped = load_boston_311_indicators().set_index(["indicator_id", "period"])["value"]
    table = measure(read_boston(), "month").table.set_index("period")
    december = pd.Timestamp("2015-12-01")
    assert shipped["svc_volume", december] == table.loc[december, "volume"] == 8162
    assert shipped["svc_on_time_rate", december] == pytest.approx(table.loc[december, "on_time_rate"] * 100)
    cat = catalogue()
    for indicator_id in INDICATORS:
        ind = cat.get(indicator_id)
        assert ind.category == "service" and ind.frequency == "monthly"
        # the Boston log has no ratings: the rated indicators come only from imported logs, and say so
        assert ind.source == ("case_logs_imported" if ind.imported else "boston_311_2015")
        assert (
            ind.imported == (indicator_id in RATED) and not shipped[shipped.index.get_level_values(0) == RATED[0]].size
        )
    # The names serve every log (an office's own imports are the same indicators); the shipped log's partiality is
    # said by its citation, which every figure of it carries.
    boston = dataset("boston_311_2015").citation
    assert "部分" in boston["zh"] and "partial" in boston["en"]


RATED = ("svc_satisfied_rate", "svc_bad_rate", "svc_followup_rate")


def test_the_jurisdiction_is_a_region():
    boston = region_registry().get(BOSTON_CODE)
    assert boston.kind == "jurisdiction" and boston.name("zh") == "波士顿" and boston.name("en") == "Boston (MA, USA)"
    assert region_registry().resolve("Boston").code == BOSTON_CODE
