"""AppTest of the Indicators page: drive its widgets and check what it shows against the library."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from actors import steward
from apptest import open_page, rendered
from streamlit.testing.v1 import AppTest
from test_services_log_figures import export_rows
from test_services_log_figures import read as read_export

from data.store import open_store
from indicators import derived
from indicators.views import apply_view
from services.derive import measure
from services.logs import store_import
from ui.services_import import log_id_for


def run_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    return open_page("indicators", query, lang, timeout=60)


def widget(elements, label_start: str):
    matches = [e for e in elements if e.label.startswith(label_start)]
    assert len(matches) == 1, f"no single widget labelled {label_start!r}: {[e.label for e in elements]}"
    return matches[0]


def open_tab(at: AppTest, index: int) -> AppTest:
    """Click the tab at `index` as a browser does (the tabs rerun on change; only the open one is drawn)."""
    at.session_state["ind_tab"] = at.tabs[index].label
    return at.run()


def open_data_table(at: AppTest) -> AppTest:
    """Open the "data table" expander under the chart, as a click does (its table is drawn only while open)."""
    at.session_state["ind_data_table"] = True
    return at.run()


def ranking_of(at: AppTest) -> pd.DataFrame:
    """The ranking table: the first table of the Ranking tab, opened first when another tab is open."""
    if at.session_state["ind_tab_id"] != "ranking":
        open_tab(at, 1)
    return at.tabs[1].dataframe[0].value


def latest_gdp(obs) -> pd.Timestamp:
    """The latest reported period of provincial GDP in the shipped data (2024 in the portal exports)."""
    return obs.loc[(obs["indicator_id"] == "gdp") & obs["value"].notna(), "period"].max()


def test_default_view_shows_gdp_ranking_from_the_library(obs, cat):
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "指标"
    assert widget(at.selectbox, "指标（").value == "gdp"
    latest = latest_gdp(obs)
    assert latest == pd.Timestamp("2024-01-01")  # the portal exports reach 2024
    table = derived.ranking_table(obs[obs["indicator_id"] == "gdp"], latest, "higher_is_better")
    top5 = table["region_code"].head(5).tolist()
    assert widget(at.multiselect, "地区").value == top5
    footer = rendered(at.caption[0].value)
    assert "数据截至 2024年" in footer and "国家统计局 国家数据·分省年度数据" in footer
    assert "2006年–2024年" in footer and "统计年鉴" in footer  # older years from the yearbook panel, named
    assert "最新数据为" not in footer  # 2024 is current in December 2026
    assert not at.tabs[1].dataframe and not at.tabs[2].get("plotly_chart")  # hidden tabs: nothing worked out
    shown = ranking_of(at)
    assert len(shown) == 31
    assert shown["地区"].iloc[0] == "广东"
    assert shown["数值（亿元）"].iloc[0] == pytest.approx(table["value"].iloc[0])
    assert shown["变化率（%）"].iloc[0] == pytest.approx(round(table["change_pct"].iloc[0], 1))
    columns = json.loads(at.tabs[1].dataframe[0].proto.columns)
    formats = {name: spec["type_config"]["format"] for name, spec in columns.items() if "type_config" in spec}
    gdp = f"%,.{cat.get('gdp').decimals}f"  # separators and the indicator's decimals
    assert formats["数值（亿元）"] == formats["上期数值（亿元）"] == formats["变化（亿元）"] == gdp
    assert formats["变化率（%）"] == "%,.1f"
    assert at.query_params["indicator"] == "gdp" and at.query_params["tab"] == "ranking"


def test_the_ranking_period_stays_in_the_link(obs):
    gdp = obs[obs["indicator_id"] == "gdp"]
    at = run_page({"tab": "ranking"})
    period = at.select_slider(key="ind_rank_period")
    assert period.value == "2024-01-01" and "at" not in at.query_params  # the latest: a link follows new data
    period.set_value("2020-01-01").run()
    expected = derived.ranking_table(gdp, pd.Timestamp("2020-01-01"), "higher_is_better")
    assert ranking_of(at)["数值（亿元）"].iloc[0] == pytest.approx(expected["value"].iloc[0])
    assert at.query_params["at"] == "2020-01-01"
    open_tab(at, 0)  # the chart: the ranking is not drawn, its period stays in the link …
    assert not at.select_slider and at.query_params["at"] == "2020-01-01"
    open_tab(at, 1)  # … and comes back with its tab
    assert at.select_slider(key="ind_rank_period").value == "2020-01-01"
    again = run_page({"tab": "ranking", "at": "2020-01-01"})  # the link reproduces the view
    assert again.select_slider(key="ind_rank_period").value == "2020-01-01"
    assert run_page({"tab": "ranking", "at": "1900-01-01"}).select_slider(key="ind_rank_period").value == "2024-01-01"


def test_link_reopens_the_same_view(obs, cat):
    at = run_page({"indicator": "wb_gdp_usd", "regions": "CHN,USA,ZZZ", "years": "2000-2020", "view": "per_capita"})
    assert not at.exception
    assert widget(at.selectbox, "指标（").value == "wb_gdp_usd"
    assert widget(at.multiselect, "地区").value == ["CHN", "USA"]  # the unknown code is dropped, not fatal
    assert widget(at.slider, "年份").value == (2000, 2020)
    assert widget(at.radio, "视图").value == "per_capita"
    frame, _ = apply_view("per_capita", cat.get("wb_gdp_usd"), obs, cat)
    ranking = ranking_of(at)
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
    ranking = ranking_of(at)
    assert ranking["排名"].iloc[0] == 1  # lower is better: rank 1 = the best-ranked country
    assert ranking["数值（名（共 193 个联合国会员国））"].iloc[0] == 1


def test_growth_view_matches_library(obs, cat):
    at = run_page({"indicator": "gdp", "regions": "440000"})
    widget(at.radio, "视图").set_value("yoy").run()
    assert not at.exception
    assert any("上年同期" in c.value for c in at.caption)
    frame, info = apply_view("yoy", cat.get("gdp"), obs, cat)
    expected = frame[(frame["region_code"] == "440000") & (frame["period"] == latest_gdp(obs))]["value"].iloc[0]
    ranking = ranking_of(at).set_index("地区")
    assert ranking.loc["广东", "数值（%）"] == pytest.approx(round(expected, 1))


def test_english(cat):
    at = run_page({"indicator": "cpi_yoy"}, lang="en")
    assert not at.exception
    assert at.title[0].value == "Indicators"
    assert widget(at.multiselect, "Regions").value == ["100000"]
    assert "Source: " in rendered(at.caption[0].value)
    labels = [t.label for t in at.tabs]
    assert labels == ["Time series", "Ranking", "Small multiples", "Metadata"]
    meta = " ".join(m.value for m in open_tab(at, 3).markdown)
    assert cat.get("cpi_yoy").definition["en"] in meta


def test_chart_and_table_go_into_the_briefing_basket(obs, local_basket):
    at = run_page({"indicator": "gdp", "regions": "440000,320000", "years": "2012-2022"})
    adds = [b for b in at.button if b.key and b.key.startswith("basket_add_ind-ts-")]
    assert len(adds) == 1
    adds[0].click().run()
    assert not at.exception
    basket = local_basket.stored_items()
    assert [item.kind for item in basket] == ["chart"]
    item = basket[0]
    assert item.title == "地区生产总值" and "国家统计局" in item.source
    gdp = obs[(obs["indicator_id"] == "gdp") & (obs["period"] == latest_gdp(obs))].set_index("region_code")["value"]
    assert item.facts.latest == pytest.approx(gdp["440000"]) and item.facts.rank == 1  # Guangdong leads
    # The charted numbers' table is shown once the "data table" expander is opened, and its buttons sit with it there.
    data_table = next(e for e in at.expander if e.label == "数据表")
    assert not data_table.dataframe  # closed: nothing made
    data_table = next(e for e in open_data_table(at).expander if e.label == "数据表")
    assert len(data_table.dataframe) == 1 and len(data_table.dataframe[0].value) == 22
    table_add = next(b for b in data_table.button if b.key and b.key.startswith("basket_add_ind-series-"))
    table_add.click().run()
    basket = local_basket.stored_items()
    assert [item.kind for item in basket] == ["chart", "table"]
    assert len(basket[1].frame) == 22  # two provinces × 11 years


def test_every_basket_row_belongs_to_a_table_or_chart_that_is_shown():
    at = open_data_table(run_page({"indicator": "gdp", "regions": "440000,320000", "years": "2012-2022"}))
    chart_tab = at.tabs[0]
    adds = sorted(b.key for b in chart_tab.button if b.key and b.key.startswith("basket_add_"))
    assert len(adds) == 2 and adds[0].startswith("basket_add_ind-series-") and adds[1].startswith("basket_add_ind-ts-")
    assert len(chart_tab.get("plotly_chart")) == 1
    data_table = next(e for e in chart_tab.expander if e.label == "数据表")
    assert any(b.key == adds[0] for b in data_table.button)  # the table's row is inside the table's expander


def test_clearing_every_region_stays_empty_and_asks_for_one():
    at = run_page({"indicator": "gdp"})
    widget(at.multiselect, "地区").set_value([]).run()
    assert not at.exception
    assert widget(at.multiselect, "地区").value == []
    assert at.query_params["regions"] == ""
    assert [w.value for w in at.warning] == ["请至少选择一个地区。"]
    chart_tab = at.tabs[0]
    assert not chart_tab.get("plotly_chart")
    assert not [b for b in chart_tab.button if b.key and b.key.startswith("basket_add_")]
    at.run()  # and stays so on the next run
    assert widget(at.multiselect, "地区").value == []
    assert len(ranking_of(at)) == 31  # the ranking does not depend on the chosen regions


def test_a_link_to_regions_the_indicator_lacks_falls_back_to_the_defaults(obs):
    at = run_page({"indicator": "gdp", "regions": "ZZZ,USA"})
    assert not at.exception
    table = derived.ranking_table(obs[obs["indicator_id"] == "gdp"], latest_gdp(obs), "higher_is_better")
    assert widget(at.multiselect, "地区").value == table["region_code"].head(5).tolist()
    assert not at.warning


def test_the_active_tab_is_kept_in_the_link():
    at = run_page({"indicator": "gdp", "tab": "ranking"})
    assert not at.exception
    assert at.session_state["ind_tab"] == "地区排名" and at.query_params["tab"] == "ranking"
    at.session_state["ind_tab"] = "指标说明"  # a click on the Metadata tab
    at.run()
    assert at.query_params["tab"] == "meta"
    at.session_state["lang"] = "en"  # the labels change language, the tab and the link stay
    at.run()
    assert at.session_state["ind_tab"] == "Metadata" and at.query_params["tab"] == "meta"
    assert run_page({"indicator": "gdp"}).query_params["tab"] == "chart"


# --- vintage: preliminary figures, staleness, probable revisions, where the years come from -----------------------


def chart_spec(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def numbers(array) -> list[float]:
    """A trace's values as sent to the browser (plain list, or plotly's typed-array encoding)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


@pytest.mark.parametrize(("lang", "note"), [("zh", "2025年为初步数"), ("en", "2025: preliminary")])
def test_preliminary_figures_are_ringed_and_noted(obs, lang, note):
    at = run_page({"indicator": "gdp_per_capita", "regions": "110000,440000"}, lang=lang)
    assert not at.exception
    assert note in rendered(at.caption[0].value)
    rings = [tr for tr in chart_spec(at)["data"] if tr.get("name") == ("初步数" if lang == "zh" else "preliminary")]
    assert len(rings) == 1
    flagged = obs[(obs["indicator_id"] == "gdp_per_capita") & (obs["flag"] == "preliminary")]
    expected = flagged[flagged["region_code"].isin(["110000", "440000"])]["value"]
    assert sorted(numbers(rings[0]["y"])) == sorted(expected)  # Beijing 238,705 and Guangdong 113,769 (2025)


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("zh", "最新数据为 2022年（按发布周期应已有 2024年数据）"),
        ("en", "Latest data: 2022 (2024 should have been published by now)"),
    ],
)
def test_a_stale_indicator_says_so_under_every_chart_and_table(lang, note):
    at = run_page({"indicator": "trade_total"}, lang=lang)  # the yearbook panel ends in 2022
    assert not at.exception
    footers = []
    for index in range(3):  # the chart, the ranking and the small multiples, each in its tab
        shown = open_tab(at, index).tabs[index]
        footers += [rendered(c.value) for c in shown.caption if rendered(c.value).startswith(("来源", "Source"))]
    assert len(footers) >= 3 and all(note in f for f in footers)


def test_a_current_indicator_has_no_staleness_note():
    at = run_page({"indicator": "disposable_income_pc"})
    assert not at.exception
    assert not any("最新数据为" in c.value for c in at.caption)


def test_probable_revisions_are_marked_on_the_chart_and_named_below_it():
    at = run_page({"indicator": "population_agri_hukou", "regions": "110000,120000", "years": "2000-2016"}, lang="en")
    assert not at.exception
    layout = chart_spec(at)["layout"]
    lines = sorted(s["x0"][:4] for s in layout["shapes"])
    assert lines == ["2011", "2012", "2015"]
    assert [a["text"] for a in layout["annotations"]].count("probable revision") == 3
    assert any(c.value.startswith("Probable revisions") and "2011 (18 regions)" in c.value for c in at.caption)


def test_the_metadata_tab_states_vintage_revision_and_years_by_source(cat):
    at = run_page({"indicator": "gdp", "tab": "meta"})
    meta = " ".join(m.value for m in at.markdown)
    assert cat.get("gdp").vintage["zh"] in meta and cat.get("gdp").revision["zh"] in meta
    assert "**各年份来源**：2006年–2024年：中国分省年度数据（国家数据" in meta
    assert "1 ± 2%" in meta and "/ 31 个地区保留了早年数据" in meta
    assert "**疑似修订**：断点检查未发现疑似修订。" in meta
    assert "**数据来源**：国家统计局 国家数据·分省年度数据（第五次经济普查修订后）" in meta  # the citation
    for technical in ("github", "commit", "许可", "RenJiyi163", "SkywalkerSun15", "https://"):
        assert technical not in meta  # the technical provenance is on the Data page
    en = " ".join(m.value for m in run_page({"indicator": "gdp_real_growth", "tab": "meta"}, lang="en").markdown)
    assert "**Vintage:**" in en and "Not a level indicator" in en


def test_cities_compare_and_rank_like_provinces(obs, cat):
    at = run_page({"indicator": "city_population", "regions": "440100,440300,420100"})
    assert not at.exception
    assert widget(at.multiselect, "地区").value == ["440100", "440300", "420100"]
    rows = obs[obs["indicator_id"] == "city_population"]
    expected = derived.ranking_table(rows, pd.Timestamp("2020-01-01"), "neutral")
    shown = ranking_of(at)
    assert len(shown) == len(expected) == 369  # every unit of the census, municipalities included
    assert shown["地区"].tolist()[:4] == ["重庆", "上海", "北京", "成都"]
    assert shown.set_index("地区").loc["深圳", "数值（万人）"] == pytest.approx(1756.01, abs=0.01)


def test_an_imported_logs_figures_are_indicators_of_its_region():
    """An office's log imported for 深圳 (440300) with ratings: 满意率 is listed, charted and cited as the office's."""
    store = open_store(seed=False)
    table, report, mapping = read_export(export_rows("2024-03-01", "2024-05-31", seed=3))
    store_import(store, log_id_for("深圳市 12345 热线"), "深圳市 12345 热线", table, report, mapping, actor=steward(),
                 region="440300", citation="深圳市政务服务数据管理局")  # fmt: skip
    st.cache_data.clear()
    st.cache_resource.clear()  # the store's rows are held per data version; this test process wrote them
    at = run_page({"indicator": "svc_satisfied_rate", "regions": "440300"})
    assert not at.exception, at.exception
    assert widget(at.selectbox, "指标（").value == "svc_satisfied_rate"
    assert widget(at.multiselect, "地区").value == ["440300"]
    months = measure(report.cases, "month").table.set_index("period")["satisfied_rate"]
    footer = rendered(at.caption[0].value)
    shown = open_data_table(at).tabs[0].dataframe[0].value  # the charted series' table
    assert list(shown["地区"]) == ["深圳"] * 3 and list(shown["时期"]) == ["2024年3月", "2024年4月", "2024年5月"]
    expected = months.loc[["2024-03-01", "2024-04-01", "2024-05-01"]].to_numpy() * 100
    assert list(shown["数值（%）"]) == pytest.approx(list(expected), abs=5e-7)
    assert "深圳市政务服务数据管理局" in footer and "数据截至 2024年5月" in footer
    meta = rendered(" ".join(m.value for m in open_tab(at, 3).markdown))
    assert "**各年份来源**：2024年3月–2024年5月：深圳市政务服务数据管理局（1 个地区）" in meta
