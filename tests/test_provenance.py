"""An indicator's provenance as facts: years by dataset, the join summary, level revisions, preliminary figures."""

from __future__ import annotations

import pandas as pd
import pytest

from data import FLAG, PRELIMINARY
from data.store import Store
from data.vintage import NEW_DATASET, OLD_DATASET, join_rule, shipped_join_decisions
from indicators.provenance import (
    coverage_by_dataset,
    join_summary,
    level_revisions,
    preliminary_points,
    source_spans,
)


@pytest.fixture(scope="module")
def stored(seeded_dir):
    """The shipped datasets in a store of their own (the seeded one, only read), with the dataset of every row."""
    store = Store.open(data_dir=str(seeded_dir))
    yield store.observations(with_dataset=True)
    store.close()


def test_gdp_years_come_from_the_portal_and_the_panel_before_it(stored):
    spans = source_spans(coverage_by_dataset(stored), "gdp", primary="cn_prov_nbs")
    assert [s.dataset_id for s in spans] == ["cn_prov_nbs", "cn_prov_panel"]
    portal, panel = spans
    assert (portal.first, portal.last, portal.regions) == (pd.Timestamp("2006-01-01"), pd.Timestamp("2024-01-01"), 31)
    assert panel.last == pd.Timestamp("2005-01-01") and panel.first == pd.Timestamp("1949-01-01")
    assert panel.regions == int(shipped_join_decisions().query("indicator_id == 'gdp'")["kept_from"].notna().sum())


def test_a_yearbook_only_indicator_has_one_source(stored):
    spans = source_spans(coverage_by_dataset(stored), "trade_total", primary="cn_prov_panel")
    assert [s.dataset_id for s in spans] == ["cn_prov_panel"] and spans[0].last == pd.Timestamp("2022-01-01")


def test_the_join_summary_counts_what_the_decisions_say():
    decisions = shipped_join_decisions()
    summary = join_summary(decisions, "va_primary", join_rule(), NEW_DATASET, OLD_DATASET)
    rows = decisions[decisions["indicator_id"] == "va_primary"]
    assert summary.series == 31 and summary.test == "overlap"
    assert summary.joined == rows["kept_from"].notna().sum() == 20  # 27 pass the ratio test, 7 break at the join
    assert summary.new_first == pd.Timestamp("2019-01-01")
    assert (summary.tolerance, summary.overlap_years) == (0.02, 2)
    assert join_summary(decisions, "trade_total", join_rule(), NEW_DATASET, OLD_DATASET) is None


def test_level_revisions_leave_rates_out(obs, cat):
    found = level_revisions(obs, cat)
    kinds = {cat.get(b.indicator_id).kind for b in found}
    assert kinds == {"level"}
    assert level_revisions(obs, cat, ["gdp_real_growth"]) == []


def test_preliminary_points(obs):
    points = preliminary_points(obs, "gdp_per_capita")
    assert len(points) == 31 and set(points["period"]) == {pd.Timestamp("2025-01-01")}
    assert preliminary_points(obs, "gdp").empty
    assert preliminary_points(obs.drop(columns=FLAG)).empty
    assert set(obs.loc[obs[FLAG] == PRELIMINARY, "indicator_id"]) == {"gdp_per_capita"}
