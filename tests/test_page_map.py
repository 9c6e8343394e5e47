"""AppTest of the Map page: level, indicator, year and scheme from the URL; the table equals the library's."""

from __future__ import annotations

import pytest
from apptest import open_page
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
