"""Vintage precedence: the portal vintage wins; older years join only where the series does not break at the join."""

from __future__ import annotations

import pandas as pd
import pytest
from frames import annual as frame

from data.breaks import vintage_breaks
from data.loaders import load_cn_prov_panel
from data.nbs_portal import load_cn_prov_nbs
from data.observations import OBSERVATION_LOADERS
from data.vintage import JoinRule, join_decisions, join_rule, precedence

PAIR = ["indicator_id", "region_code"]


@pytest.fixture(scope="module")
def shipped():
    """(portal, old panel, old rows kept, decisions) for the shipped provincial data."""
    new, old = load_cn_prov_nbs(), load_cn_prov_panel()
    kept, decisions = precedence(new, old)
    return new, old, kept, decisions


def test_the_rule_is_the_configured_one():
    assert join_rule() == JoinRule(tolerance=0.02, overlap_years=2, max_gap=2, history=10)


# --- the join test, decided per indicator × region ------------------------------------------------------------


def test_the_join_test_decides_per_indicator_and_region_from_the_overlap_ratio(shipped):
    new, old, _, decisions = shipped
    rule = join_rule()
    overlap = decisions[decisions["test"] == "overlap"]
    assert len(overlap) > 100
    for rec in overlap.itertuples():
        n = new[(new["indicator_id"] == rec.indicator_id) & (new["region_code"] == rec.region_code)]
        o = old[(old["indicator_id"] == rec.indicator_id) & (old["region_code"] == rec.region_code)]
        n, o = n.set_index(n["period"].dt.year)["value"], o.set_index(o["period"].dt.year)["value"].dropna()
        years = sorted(set(n.index) & set(o.index))[: rule.overlap_years]
        assert rec.compared == years and years[0] == n.index.min()
        ratios = [n[y] / o[y] for y in years]
        assert rec.joined == all(abs(r - 1) <= rule.tolerance for r in ratios), (rec.indicator_id, rec.region_code)


@pytest.mark.parametrize(
    ("region", "joined"),
    [
        ("440000", True),  # Guangdong: new/old 0.993 (2006), 1.017 (2007)
        ("410000", True),  # Henan: 1.000, 0.997
        ("370000", False),  # Shandong: 1.036, 0.886 — the sources disagree at the join
        ("110000", False),  # Beijing: 1.028, 1.029 — the census raised Beijing's history by 3 %
    ],
)
def test_gdp_joins_where_the_sources_agree(shipped, region, joined):
    decisions = shipped[3].set_index(PAIR)
    assert bool(decisions.loc[("gdp", region), "joined"]) is joined


def test_older_gdp_years_come_from_the_panel_only_where_joined(shipped):
    new, old, kept, decisions = shipped
    gdp = kept[kept["indicator_id"] == "gdp"]
    assert gdp["period"].max() < pd.Timestamp("2006-01-01")  # the portal covers 2006–2024
    joined = set(decisions.loc[(decisions["indicator_id"] == "gdp") & decisions["joined"], "region_code"])
    assert set(gdp["region_code"]) == joined
    assert 20 <= len(joined) < 31


def test_the_mixed_vintage_figures_of_the_issue_are_gone(shipped):
    new, _, kept, _ = shipped
    stored = pd.concat([kept, new])
    gdp = stored[stored["indicator_id"] == "gdp"]
    gdp = gdp.set_index(["region_code", gdp["period"].dt.year])["value"]
    assert gdp[("210000", 2013)] == 19534.3 and gdp[("210000", 2014)] == 20381.5  # not 27,078 → 20,026
    assert gdp[("150000", 2013)] == 11584.9  # not 16,832
    assert gdp[("120000", 2018)] == 13411.1  # not 18,810


def test_population_joins_across_the_2023_gap_by_continuity(shipped):
    decisions = shipped[3]
    population = decisions[decisions["indicator_id"] == "population"]
    assert set(population["test"]) == {"continuity"} and population["joined"].all()
    assert all(list(years) == [2022, 2024] for years in population["compared"])


def test_every_joined_series_is_free_of_probable_revisions(shipped):
    new, _, kept, decisions = shipped
    pairs = decisions[PAIR]
    joined_series = pd.concat([new, kept]).merge(pairs, on=PAIR)
    assert vintage_breaks(joined_series) == []


def test_older_years_are_cut_at_a_probable_revision(shipped):
    _, old, kept, decisions = shipped
    # va_primary: seven provinces' 2018 panel figures fall by ~70 % and recover in 2019: the join itself breaks.
    cut = decisions[(decisions["indicator_id"] == "va_primary") & decisions["cut_at"].notna()]
    assert len(cut) == 7 and set(cut["cut_at"]) == {pd.Timestamp("2019-01-01")} and cut["kept_from"].isna().all()
    assert kept.merge(cut[PAIR], on=PAIR).empty
    # fiscal_revenue: the 1994 tax-sharing reform; the joined series keep 1994 onwards.
    revenue = decisions[(decisions["indicator_id"] == "fiscal_revenue") & decisions["cut_at"].notna()]
    assert set(revenue["cut_at"]) == {pd.Timestamp("1994-01-01")}
    first = kept.merge(revenue[PAIR], on=PAIR).dropna(subset=["value"]).groupby(PAIR)["period"].min()
    assert (first == pd.Timestamp("1994-01-01")).all()


def test_series_the_portal_does_not_report_are_kept_whole(shipped):
    _, old, kept, _ = shipped
    for indicator in ("trade_total", "fixed_asset_investment", "consumption_rural"):
        assert len(kept[kept["indicator_id"] == indicator]) == len(old[old["indicator_id"] == indicator])
    national_cpi = kept[(kept["indicator_id"] == "cpi_annual") & (kept["region_code"] == "100000")]
    assert len(national_cpi) == len(old[(old["indicator_id"] == "cpi_annual") & (old["region_code"] == "100000")])


def test_the_stored_provincial_datasets_never_hold_the_same_key():
    nbs, panel = OBSERVATION_LOADERS["cn_prov_nbs"](), OBSERVATION_LOADERS["cn_prov_panel"]()
    both = pd.concat([nbs, panel])
    assert not both.duplicated(["indicator_id", "region_code", "period"]).any()


# --- the rule on small frames ----------------------------------------------------------------------------------


def test_overlap_within_tolerance_joins_and_outside_does_not():
    new = frame([("x", "A", 2006, 101.5), ("x", "A", 2007, 110.0), ("x", "B", 2006, 103.0), ("x", "B", 2007, 111.0)])
    old = frame([("x", "A", 2005, 90.0), ("x", "A", 2006, 100.0), ("x", "A", 2007, 108.5)])
    old = pd.concat([old, frame([("x", "B", 2005, 90.0), ("x", "B", 2006, 100.0), ("x", "B", 2007, 108.5)])])
    decisions = join_decisions(new, old, JoinRule(tolerance=0.02)).set_index("region_code")
    assert decisions.loc["A", "joined"] and decisions.loc["A", "deviation"] == pytest.approx(0.015)
    assert not decisions.loc["B", "joined"]  # 103 / 100: 3 %


def test_an_overlap_that_misses_the_start_of_the_new_series_is_no_join():
    new = frame([("x", "A", 2006, 100.0), ("x", "A", 2007, 110.0)])
    old = frame([("x", "A", 2004, 80.0), ("x", "A", 2005, 90.0), ("x", "A", 2007, 110.0)])
    rec = join_decisions(new, old).iloc[0]
    assert (rec["test"], bool(rec["joined"])) == ("none", False)


def test_continuity_across_a_gap():
    history = [("x", "A", y, 100.0 * 1.01 ** (y - 2010)) for y in range(2010, 2023)]
    steady = frame([*history])
    on_trend = frame([("x", "A", 2024, 100.0 * 1.01**14)])
    jump = frame([("x", "A", 2024, 100.0 * 1.01**14 * 1.10)])
    assert bool(join_decisions(on_trend, steady).iloc[0]["joined"])
    assert not bool(join_decisions(jump, steady).iloc[0]["joined"])
    far = frame([("x", "A", 2026, 100.0 * 1.01**16)])
    assert not bool(join_decisions(far, steady).iloc[0]["joined"])  # three years apart: more than max_gap
