"""Joins of shipped data to the maps, and what the page lists: indicators, years, the values table."""

from __future__ import annotations

import pandas as pd
import pytest

from data import load_observations, region_registry
from indicators.metadata import catalogue
from maps.boundaries import region_shapes
from maps.errors import MapError, UnknownLevel
from maps.values import (
    available_years,
    join_report,
    mappable_indicators,
    rank,
    region_name,
    values_table,
    year_values,
)


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    """Every shipped observation, loaded once for this module."""
    return load_observations()


def tiny(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """A long frame from (indicator, region, year, value) rows."""
    return pd.DataFrame(
        {
            "indicator_id": [r[0] for r in rows],
            "region_code": [r[1] for r in rows],
            "period": pd.to_datetime([f"{r[2]}-01-01" for r in rows]),
            "freq": "A",
            "value": [r[3] for r in rows],
        }
    )


def test_every_province_code_in_the_shipped_panels_joins_to_a_geometry(obs):
    china = set(region_shapes("china").index)
    sources = {"cn_prov_panel", "cn_prov_budget_expenditure"}
    ids = [ind.id for ind in catalogue() if ind.source in sources]
    kinds = obs["region_code"].map(lambda c: region_registry().get(c).kind)
    codes = set(obs.loc[obs["indicator_id"].isin(ids) & (kinds == "province"), "region_code"])
    assert len(codes) == 31
    assert codes <= china


def test_every_egdi_country_in_every_survey_year_joins_to_the_world_map(obs):
    years = available_years(obs, "egdi", "world")
    assert years == [2010, 2012, 2014, 2016, 2018, 2022, 2024]
    for year in years:
        report = join_report(year_values(obs, "egdi", "world", year), "world")
        assert report.unmatched == (), year
        assert set(report.matched) == set(year_values(obs, "egdi", "world", year).dropna().index)
        assert len(report.matched) >= 192  # 2010 lacks South Sudan; 193 UN members since


@pytest.mark.parametrize("indicator_id", ["wb_gdp_usd", "wb_population"])
def test_world_bank_codes_are_matched_borrowed_or_reported_never_dropped(obs, indicator_id):
    values = year_values(obs, indicator_id, "world", 2020)
    report = join_report(values, "world")
    reported = set(values.dropna().index)
    assert set(report.matched) | set(report.unmatched) == reported
    assert not set(report.matched) & set(report.unmatched)
    # Channel Islands and Kosovo have no ISO-coded outline in the boundary file: listed, not drawn.
    assert {"CHI", "XKX"} <= set(report.unmatched)
    # Hong Kong and Macao are drawn from the province layer.
    assert report.borrowed == {"HKG": "810000", "MAC": "820000"}
    assert {"HKG", "MAC"} <= set(report.matched)
    assert "WLD" not in reported  # the world aggregate is not a place


def test_every_world_indicator_joins_without_silent_losses(obs):
    for indicator_id in mappable_indicators(obs, "world"):
        year = available_years(obs, indicator_id, "world")[-1]
        values = year_values(obs, indicator_id, "world", year)
        report = join_report(values, "world")
        assert set(report.matched) | set(report.unmatched) == set(values.dropna().index), indicator_id
        assert set(report.unmatched) <= {"CHI", "GIB", "XKX"}, indicator_id


def test_world_report_names_the_uncoded_features(obs):
    report = join_report(year_values(obs, "egdi", "world", 2024), "world")
    assert "Somaliland" in report.uncoded and report.dropped == ()


def test_china_report_lists_taiwan_hong_kong_macao_as_no_data_and_ignores_the_national_total(obs):
    values = year_values(obs, "budget_exp_total", "china", 2022)
    assert "100000" not in values.index
    report = join_report(values, "china")
    assert report.no_data == ("710000", "810000", "820000")
    assert len(report.matched) == 31


def test_mappable_indicators_per_level(obs):
    china, world = mappable_indicators(obs, "china"), mappable_indicators(obs, "world")
    assert {"gdp", "population", "budget_exp_education"} <= set(china)
    assert {"egdi", "egdi_rank", "wb_gdp_usd"} <= set(world)
    assert "cpi_yoy" not in china and "gdp" not in world and "egdi" not in china
    assert china == [i for i in catalogue().ids if i in set(china)]  # catalogue order


def test_values_table_ranks_best_first_and_keeps_gaps(obs):
    table = values_table(obs, catalogue().get("gdp"), "china", 2022, lang="zh")
    assert list(table.columns) == ["region_code", "name", "value", "rank"]
    assert len(table) == 34
    assert table.loc[0, "region_code"] == "440000" and table.loc[0, "name"] == "广东" and table.loc[0, "rank"] == 1
    assert table["value"].iloc[:31].is_monotonic_decreasing
    assert table["value"].iloc[31:].isna().all() and table["rank"].iloc[31:].isna().all()
    assert str(table["rank"].dtype) == "Int64"


def test_values_table_lists_unmatched_regions_too(obs):
    table = values_table(obs, catalogue().get("wb_population"), "world", 2020, lang="en")
    assert {"CHI", "XKX", "HKG"} <= set(table["region_code"])
    assert table.set_index("region_code").loc["CHN", "name"] == "China"


def test_rank_follows_polarity():
    values = pd.Series([3.0, 1.0, None, 2.0], index=list("abcd"))
    assert rank(values, "higher_is_better").tolist() == [1, 3, pd.NA, 2]
    assert rank(values, "lower_is_better").tolist() == [3, 1, pd.NA, 2]
    assert rank(values, "neutral").tolist() == [1, 3, pd.NA, 2]


def test_year_values_keeps_only_the_level_the_indicator_and_the_year():
    frame = tiny(
        [
            ("gdp", "110000", 2020, 1.0),
            ("gdp", "100000", 2020, 9.0),  # national total
            ("gdp", "110000", 2021, 2.0),
            ("gdp", "USA", 2020, 3.0),
            ("population", "120000", 2020, 4.0),
            ("gdp", "120000", 2020, float("nan")),
        ]
    )
    values = year_values(frame, "gdp", "china", 2020)
    assert values.to_dict() == pytest.approx({"110000": 1.0, "120000": float("nan")}, nan_ok=True)


def test_two_values_for_one_region_and_year_are_refused():
    frame = tiny([("gdp", "110000", 2020, 1.0), ("gdp", "110000", 2020, 2.0)])
    with pytest.raises(MapError, match="gdp 2020: more than one value for region\\(s\\) 110000"):
        year_values(frame, "gdp", "china", 2020)


def test_region_names_cover_territories_outside_the_registry():
    assert region_name("110000", "zh") == "北京" and region_name("110000", "en") == "Beijing"
    assert "ALA" not in region_registry()
    assert region_name("ALA", "en") == "Åland Islands"
    assert region_name("ALA", "zh") not in ("ALA", "Åland Islands")
    assert region_name("uncoded-1", "zh", fallback="Somaliland") == "Somaliland"


def test_unknown_level_is_named(obs):
    with pytest.raises(UnknownLevel, match="'asia'"):
        mappable_indicators(obs, "asia")
