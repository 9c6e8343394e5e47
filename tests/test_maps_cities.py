"""A province's prefecture-level map: every province with cities renders its own units only, under 1 MB, with the
South China Sea inset exactly where its units reach the islands (Hainan), and clicks give city codes."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from data import load_observations, region_registry
from indicators.metadata import catalogue
from maps import city_levels, drill_provinces, is_city_level, mappable_indicators, values_table
from maps.boundaries import DASHED_LINE_CODE, region_shapes
from maps.errors import UnknownLevel
from maps.figure import choropleth, selected_regions
from maps.inset import MAIN_SOUTH
from maps.values import level_kind

PAYLOAD_LIMIT = 1_000_000  # bytes of figure JSON per map
NO_CITY_MAP = {"110000", "120000", "310000", "500000", "710000", "810000", "820000"}


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    """Every shipped observation, loaded once for this module."""
    return load_observations()


def _drawn_codes(fig) -> set[str]:
    return {code for t in fig.data if t.type == "choropleth" and t.customdata is not None for code in t.locations}


def test_the_city_levels_are_the_provinces_divided_into_cities():
    provinces = {p.code for p in region_registry().provinces()}
    assert set(city_levels()) == provinces - NO_CITY_MAP
    assert len(city_levels()) == 27
    assert not is_city_level("110000") and not is_city_level("china") and is_city_level("440000")
    with pytest.raises(UnknownLevel):
        level_kind("110000")


@pytest.mark.parametrize("province", [p.code for p in region_registry().provinces() if p.code not in NO_CITY_MAP])
def test_every_province_city_map_renders_its_own_units_under_a_megabyte(obs, province):
    registry = region_registry()
    fig = choropleth(obs, province, catalogue().get("city_population"), 2020, lang="zh")
    own = {c.code for c in registry.cities(province)}
    assert _drawn_codes(fig) == own  # every unit of the province, and only those
    assert all(registry.get(code).parent == province for code in region_shapes(province).index)
    payload = len(fig.to_json())
    assert payload < PAYLOAD_LIMIT, f"{province}: {payload:,} bytes"
    has_inset = any(t.geo == "geo2" for t in fig.data)
    reaches_islands = region_shapes(province).total_bounds[1] < MAIN_SOUTH
    assert has_inset == reaches_islands == (province == "460000")
    assert registry.name(province, "zh") in fig.layout.title.text


def test_hainan_inset_holds_sansha_and_the_dashed_line_and_the_main_view_the_island(obs):
    fig = choropleth(obs, "460000", catalogue().get("city_population"), 2020, lang="zh")
    in_inset = [t for t in fig.data if t.geo == "geo2"]
    codes = {code for t in in_inset if t.type == "choropleth" for code in t.locations}
    assert {"460300", DASHED_LINE_CODE} <= codes  # Sansha and the dashed line
    assert any(t.type == "scattergeo" and "南海诸岛" in t.text[0] for t in in_inset)
    south, north = fig.layout.geo.lataxis.range
    assert 17.0 < south < 18.2 and 20.0 < north < 21.0  # Hainan Island, not the whole sea
    for t in fig.data:  # nothing on the main map lies south of its edge: the islands are the inset's
        if t.type == "choropleth" and t.geo in (None, "geo"):
            for feature in t.geojson["features"]:
                assert shapely.geometry.shape(feature["geometry"]).bounds[1] >= MAIN_SOUTH - 1e-9


def test_guangdong_needs_no_inset(obs):
    fig = choropleth(obs, "440000", catalogue().get("city_urban_share"), 2020, lang="en")
    assert not any(t.geo == "geo2" for t in fig.data)
    assert "Guangdong, prefecture-level units" in fig.layout.title.text
    assert "prefecture-level units (drawn to China's boundary conventions)" in fig.layout.annotations[0].text


def test_city_table_and_clicks(obs):
    table = values_table(obs, catalogue().get("city_population"), "420000", 2020, "en")
    assert len(table) == 17 and table["name"].iloc[0] == "Wuhan"
    event = {"selection": {"points": [{"location": "420100"}, {"location": "440100"}, {"location": "420000"}]}}
    assert selected_regions(event, "420000") == ["420100"]  # only the province's own cities


def test_a_click_drills_down_only_where_the_indicator_has_city_figures(obs):
    assert drill_provinces(obs, "city_population") == frozenset(city_levels())  # the census covers every province
    assert drill_provinces(obs, "gdp") == frozenset()  # no city GDP shipped: a click opens the province in Indicators
    guangdong_only = obs[obs["region_code"].str.startswith("44") | (obs["indicator_id"] != "city_population")]
    assert drill_provinces(guangdong_only, "city_population") == {"440000"}
    assert "gdp" not in mappable_indicators(obs, "440000")


def test_the_province_map_of_a_city_indicator_says_where_the_figures_are(obs):
    from maps.figure import choropleth as draw

    city = draw(obs, "china", catalogue().get("city_population"), 2020, lang="zh")
    assert "灰色省份的数据在其地级市地图中" in city.layout.annotations[0].text
    provincial = draw(obs, "china", catalogue().get("gdp"), 2022, lang="zh")
    assert "地级市地图" not in provincial.layout.annotations[0].text
