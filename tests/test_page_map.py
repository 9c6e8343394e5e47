"""AppTest of the Map page: level, indicator, year and scheme from the URL; the table equals the library's."""

from __future__ import annotations

import json

import pytest
from apptest import open_page, rendered
from streamlit.testing.v1 import AppTest

import maps


def run_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    return open_page("map", query, lang, timeout=60)


def test_default_china_map_table_matches_library(obs, cat):
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "地图"
    year = maps.available_years(obs, "gdp", "china")[-1]
    expected = maps.values_table(obs, cat.get("gdp"), "china", year, "zh")
    shown = at.dataframe[0].value
    assert len(shown) == len(expected) == 34  # every drawn unit, including those without data
    assert shown["地区"].tolist() == expected["name"].tolist()
    assert shown["数值（亿元）"].iloc[0] == pytest.approx(expected["value"].iloc[0])
    assert shown["数值（亿元）"].isna().sum() == 3  # Taiwan, Hong Kong, Macao: not in the provincial panel
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["数值（亿元）"]["type_config"]["format"] == f"%,.{cat.get('gdp').decimals}f"
    assert at.query_params["year"] == str(year) and at.query_params["level"] == "china"


def test_world_map_from_link(obs, cat):
    at = run_page({"level": "world", "indicator": "egdi", "year": "2022", "scheme": "natural_breaks", "k": "7"})
    assert not at.exception
    assert at.radio[0].value == "world"
    assert at.selectbox[0].value == "egdi" and at.selectbox[1].value == "natural_breaks"
    assert at.slider[0].value == 7
    expected = maps.values_table(obs, cat.get("egdi"), "world", 2022, "zh")
    shown = at.dataframe[0].value
    assert shown["地区"].iloc[0] == expected["name"].iloc[0]
    assert shown["排名"].iloc[0] == 1


def test_invalid_link_values_fall_back(obs):
    at = run_page({"level": "moon", "indicator": "nope", "year": "1800", "k": "99"})
    assert not at.exception
    assert at.radio[0].value == "china"
    assert at.slider[0].value == 5


def test_english_names(obs, cat):
    at = run_page({"indicator": "population"}, lang="en")
    assert not at.exception
    assert at.title[0].value == "Map"
    shown = at.dataframe[0].value
    assert "Guangdong" in shown["Region"].tolist()
    assert "Value (10,000 persons)" in shown.columns


@pytest.mark.parametrize(
    ("year", "cited", "not_cited"),
    [
        ("2024", "国家统计局 国家数据·分省年度数据", "历年统计年鉴"),
        ("2000", "国家统计局 历年统计年鉴分省数据", "国家数据·分省"),
    ],
)
def test_a_map_footer_cites_the_publication_of_its_year_its_date_and_the_boundaries(year, cited, not_cited):
    at = run_page({"indicator": "gdp", "year": year})
    assert not at.exception
    footer = next(rendered(c.value) for c in at.caption if rendered(c.value).startswith("来源"))
    assert cited in footer and not_cited not in footer and f"数据截至 {year}年" in footer
    assert "边界：ECharts 中国省级行政区与世界国家地图" in footer and "pyecharts" not in footer


@pytest.mark.parametrize("lang, unit", [("zh", "单位：亿元"), ("en", "Unit: RMB 100 million")])
def test_every_table_column_fits_the_panel_beside_the_china_map(lang, unit):
    at = run_page(lang=lang)
    assert not at.exception
    table = at.dataframe[0]
    config = json.loads(table.proto.columns)
    shown = [c for c in table.value.columns]
    assert len(shown) == 3 and all(c in config for c in shown)  # region, value, rank: each with its own width
    # The China panel is 2/7 of the 870 px main column at a 1400 px window: about 250 px for the table.
    assert sum(config[c]["width"] for c in shown) <= 260
    value = shown[1]
    assert config[value]["label"] in ("数值", "Value") and config[value]["help"] == value  # the unit, in the tooltip
    assert unit in [c.value for c in at.caption]  # … and in a line above the table


def test_the_world_map_takes_the_whole_width():
    at = run_page({"level": "world", "indicator": "egdi"})
    assert not at.exception
    assert not at.columns or all(len(c.get("plotly_chart")) == 0 for c in at.columns)  # the map is in no column
    assert len(at.get("plotly_chart")) == 1


def test_a_province_link_opens_its_cities(obs, cat):
    at = run_page({"region": "440000", "indicator": "city_population", "year": "2010"})
    assert not at.exception
    expected = maps.values_table(obs, cat.get("city_population"), "440000", 2010, "zh")
    shown = at.dataframe[0].value
    assert len(shown) == len(expected) == 21  # Guangdong's prefecture-level cities, no other unit
    assert shown["地区"].tolist() == expected["name"].tolist()
    assert shown["地区"].iloc[0] == "广州"
    assert at.query_params["region"] == "440000" and at.query_params["year"] == "2010"
    assert any(b.label == "返回全国地图" for b in at.button)


def test_a_province_link_keeps_a_city_indicator_or_falls_back_to_one(obs):
    at = run_page({"region": "460000", "indicator": "gdp"})  # no city GDP: the first indicator with city figures
    assert not at.exception
    assert at.query_params["indicator"] == maps.mappable_indicators(obs, "460000")[0]
    assert len(at.dataframe[0].value) == 19  # Hainan's units, Sansha included


def test_the_back_button_returns_to_the_whole_country(obs):
    at = run_page({"region": "510000", "indicator": "city_urban_share"})
    back = next(b for b in at.button if b.label == "返回全国地图")
    at = back.click().run()
    assert not at.exception
    assert "region" not in at.query_params
    assert len(at.dataframe[0].value) == 34


def test_a_municipality_or_unknown_region_in_the_link_is_the_whole_country():
    at = run_page({"region": "110000", "indicator": "gdp"})
    assert not at.exception
    assert "region" not in at.query_params and len(at.dataframe[0].value) == 34
