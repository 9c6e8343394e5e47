"""Regional standings: top and bottom provinces, rank change, years that can be ranked."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import derived
from indicators.standings import standing_years, standings


@pytest.fixture(scope="module")
def provinces(registry):
    """Codes of the provincial-level units."""
    return [r.code for r in registry.provinces()]


def test_gdp_2022_top_and_bottom(obs, cat, provinces):
    result = standings(obs, cat.get("gdp"), 2022, provinces)
    assert result.period == pd.Timestamp("2022-01-01") and result.previous_period == pd.Timestamp("2021-01-01")
    assert result.ranked == 31  # Hong Kong, Macao and Taiwan are not in the provincial data
    assert result.top["region_code"].tolist()[:2] == ["440000", "320000"]  # Guangdong, Jiangsu
    assert result.bottom["region_code"].iloc[-1] == "540000"  # Tibet
    assert result.top["rank"].tolist() == [1, 2, 3, 4, 5]
    assert result.bottom["rank"].tolist() == [27, 28, 29, 30, 31]
    assert "100000" not in set(result.table["region_code"])


def test_rank_change_agrees_with_the_ranking_table(obs, cat, provinces):
    result = standings(obs, cat.get("fiscal_revenue"), 2010, provinces)
    rows = obs[(obs["indicator_id"] == "fiscal_revenue") & obs["region_code"].isin(provinces)]
    expected = derived.ranking_table(rows, pd.Timestamp("2010-01-01"), "higher_is_better")
    pd.testing.assert_frame_equal(result.table, expected)
    tibet = result.position("540000")
    assert tibet["rank_change"] == tibet["previous_rank"] - tibet["rank"]
    assert result.position("810000") is None  # Hong Kong: no figure, no rank


def test_a_neutral_indicator_ranks_largest_first(obs, cat, provinces):
    result = standings(obs, cat.get("population"), 2022, provinces)
    assert result.top["region_code"].iloc[0] == "440000"  # Guangdong, the most populous


def test_years_that_can_be_ranked(obs, provinces):
    years = standing_years(obs, "gdp", provinces)
    latest = obs.loc[(obs["indicator_id"] == "gdp") & obs["value"].notna(), "period"].max().year
    assert years[-1] == latest == 2024 and 2025 not in years  # the portal exports reach 2024
    assert standing_years(obs, "fixed_asset_investment", provinces)[-1] == 2021
    assert standing_years(obs, "cpi_yoy", provinces) == []  # a national series: nothing to rank


def test_preliminary_figures_are_named_in_the_standings(obs, cat, provinces):
    preliminary = standings(obs, cat.get("gdp_per_capita"), 2025, provinces)
    assert preliminary.ranked == 31 and len(preliminary.preliminary) == 31
    assert standings(obs, cat.get("gdp_per_capita"), 2024, provinces).preliminary == ()


def test_a_year_without_data_is_refused(obs, cat, provinces):
    with pytest.raises(ValueError, match="no region reports gdp in 2030"):
        standings(obs, cat.get("gdp"), 2030, provinces)


def test_a_province_cities_are_ranked_on_every_indicator_with_city_figures(obs, cat, registry):
    from indicators.standings import city_standings

    cities = [c.code for c in registry.cities("440000")]
    results = city_standings(obs, list(cat), cities)
    assert [r.indicator_id for r in results] == [
        "city_population",
        "city_urban_share",
        "city_age65_share",
        "city_household_size",
    ]
    population = results[0]
    assert population.period.year == 2020 and population.ranked == 21
    assert population.top["region_code"].tolist()[:2] == ["440100", "440300"]  # Guangzhou, Shenzhen
    assert set(population.table["region_code"]) <= set(cities)
    assert city_standings(obs, list(cat), []) == []
