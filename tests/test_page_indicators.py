"""AppTest of the Indicators page: drive its widgets and check what it shows against the library."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

from indicators import derived
from indicators.views import apply_view


def run_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    return open_page("indicators", query, lang, timeout=60)


def widget(elements, label_start: str):
    matches = [e for e in elements if e.label.startswith(label_start)]
    assert len(matches) == 1, f"no single widget labelled {label_start!r}: {[e.label for e in elements]}"
    return matches[0]


def test_default_view_shows_gdp_ranking_from_the_library(obs):
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "指标"
    assert widget(at.selectbox, "指标（").value == "gdp"
    table = derived.ranking_table(obs[obs["indicator_id"] == "gdp"], pd.Timestamp("2022-01-01"), "higher_is_better")
    top5 = table["region_code"].head(5).tolist()
    assert widget(at.multiselect, "地区").value == top5
    shown = at.dataframe[0].value
    assert len(shown) == 31
    assert shown["地区"].iloc[0] == "广东"
    assert shown["数值（亿元）"].iloc[0] == pytest.approx(129118.6)
    assert shown["变化率（%）"].iloc[0] == pytest.approx(round(table["change_pct"].iloc[0], 1))
    assert "数据截至 2022年" in at.caption[0].value and "国家统计局" in at.caption[0].value
    assert at.query_params["indicator"] == "gdp"


def test_link_reopens_the_same_view(obs, cat):
    at = run_page({"indicator": "wb_gdp_usd", "regions": "CHN,USA,ZZZ", "years": "2000-2020", "view": "per_capita"})
    assert not at.exception
    assert widget(at.selectbox, "指标（").value == "wb_gdp_usd"
    assert widget(at.multiselect, "地区").value == ["CHN", "USA"]  # the unknown code is dropped, not fatal
    assert widget(at.slider, "年份").value == (2000, 2020)
    assert widget(at.radio, "视图").value == "per_capita"
    frame, _ = apply_view("per_capita", cat.get("wb_gdp_usd"), obs, cat)
    ranking = at.dataframe[0].value
    expected = derived.ranking_table(frame, pd.Timestamp("2020-01-01"), "higher_is_better")
    assert len(ranking) == len(expected)
    assert ranking["数值（美元/人）"].iloc[0] == pytest.approx(round(expected["value"].iloc[0], 0))
    assert at.query_params["years"] == "2000-2020" and at.query_params["view"] == "per_capita"


def test_bad_link_values_fall_back_to_defaults():
    at = run_page({"indicator": "no_such_thing", "years": "abc", "view": "nope"})
    assert not at.exception
    assert widget(at.selectbox, "指标（").value == "gdp"
    assert widget(at.radio, "视图").value == "level"


def test_search_and_switch_indicator_and_view(obs, cat):
    at = run_page()
    at.text_input[0].input("电子政务").run()
    box = widget(at.selectbox, "指标（")
    assert set(box.options) == {
        cat.get(i).name["zh"] + f"（{cat.get(i).unit['zh']}）"
        for i in ["egdi", "egdi_osi", "egdi_hci", "egdi_tii", "egdi_epi", "egdi_rank"]
    }
    box.select("egdi_rank").run()
    assert not at.exception
    ranking = at.dataframe[0].value
    assert ranking["排名"].iloc[0] == 1  # lower is better: rank 1 = the best-ranked country
    assert ranking["数值（名（共 193 个联合国会员国））"].iloc[0] == 1


def test_growth_view_matches_library(obs, cat):
    at = run_page({"indicator": "gdp", "regions": "440000"})
    widget(at.radio, "视图").set_value("yoy").run()
    assert not at.exception
    frame, info = apply_view("yoy", cat.get("gdp"), obs, cat)
    expected = frame[(frame["region_code"] == "440000") & (frame["period"] == "2022-01-01")]["value"].iloc[0]
    ranking = at.dataframe[0].value.set_index("地区")
    assert ranking.loc["广东", "数值（%）"] == pytest.approx(round(expected, 1))
    assert any("上年同期" in c.value for c in at.caption)


def test_english(cat):
    at = run_page({"indicator": "cpi_yoy"}, lang="en")
    assert not at.exception
    assert at.title[0].value == "Indicators"
    assert widget(at.multiselect, "Regions").value == ["100000"]
    assert "Source: " in at.caption[0].value
    labels = [t.label for t in at.tabs]
    assert labels == ["Time series", "Ranking", "Small multiples", "Metadata"]
    meta = " ".join(m.value for m in at.markdown)
    assert cat.get("cpi_yoy").definition["en"] in meta


def test_chart_and_table_go_into_the_briefing_basket():
    at = run_page({"indicator": "gdp", "regions": "440000,320000", "years": "2012-2022"})
    adds = [b for b in at.button if b.key and b.key.startswith("basket_add_ind-ts-")]
    assert len(adds) == 1
    adds[0].click().run()
    assert not at.exception
    basket = at.session_state["briefing_basket"]
    assert [entry.item.kind for entry in basket] == ["chart"]
    item = basket[0].item
    assert item.title == "地区生产总值" and "国家统计局" in item.source
    assert item.facts.latest == pytest.approx(129118.6) and item.facts.rank == 1  # Guangdong leads in 2022
    table_add = next(b for b in at.button if b.key and b.key.startswith("basket_add_ind-series-"))
    table_add.click().run()
    basket = at.session_state["briefing_basket"]
    assert [entry.item.kind for entry in basket] == ["chart", "table"]
    assert len(basket[1].item.frame) == 22  # two provinces × 11 years
