"""AppTest of the Scenarios page: scenarios built through its forms compare exactly as the library compares them;
sets survive the store, a JSON file and a link; a bad file or link changes nothing."""

from __future__ import annotations

import dataclasses
import json
import string

import numpy as np
import pandas as pd
import pytest
from apptest import open_page, rendered
from streamlit.testing.v1 import AppTest
from test_scenarios_adjustments import MEAN, known_baseline

import forecasting
from common.text import strings
from forecasting.scenarios import (
    Baseline,
    DriverChange,
    GrowthShock,
    LevelShift,
    Scenario,
    ScenarioFile,
    Target,
    compare,
    dumps,
    sets,
)
from forecasting.scenarios.errors import SET_MESSAGES
from indicators.targets import Target as PlanTarget
from indicators.targets import TargetBook
from pages.scenarios_page import scenario_charts as charts
from pages.scenarios_page import scenario_view as sv
from ui import cache

GDP_GD = {"indicator": "gdp", "region": "440000", "h": "5"}
EN = {
    "end": "2029 (RMB 100 million)",
    "lo": "80% lower",
    "hi": "80% upper",
    "diff": "Difference from baseline (RMB 100 million)",
    "diff_pct": "Difference from baseline (%)",
    "cum": "Cumulative difference (RMB 100 million)",
    "cum_lo": "Cumulative 80% lower",
    "cum_hi": "Cumulative 80% upper",
    "beats": "P(better than baseline) (%)",
    "target": "P(meeting the target) (%)",
}


def run_page(query: dict | None = None, lang: str = "en") -> AppTest:
    return open_page("scenarios", query, lang, timeout=180)


def series(obs: pd.DataFrame, indicator: str, region: str) -> pd.DataFrame:
    rows = obs[(obs["indicator_id"] == indicator) & (obs["region_code"] == region)]
    return pd.DataFrame({"unique_id": rows["region_code"], "ds": rows["period"], "y": rows["value"]})


def library(obs, scenarios: list[Scenario], target: Target | None = None, drivers=None):
    """The comparison computed directly: the engine's default forecast of Guangdong's GDP (with the other regions
    reporting GDP, whose backtest errors calibrate its band, as on the page), then compare()."""
    rows = obs[(obs["indicator_id"] == "gdp") & obs["value"].notna()]
    panel = pd.DataFrame({"unique_id": rows["region_code"], "ds": rows["period"], "y": rows["value"]})
    fc = forecasting.run(panel, 5).forecast
    frame = series(obs, "gdp", "440000")
    baseline = Baseline.from_forecast(frame, fc[fc["unique_id"] == "440000"])
    return compare(scenarios, baseline, drivers, target, polarity="higher_is_better")


def gdp_scenario(name: str, *adjustments) -> Scenario:
    return Scenario(name, "gdp", "440000", 5, "combination", "A", "level", adjustments)


def new_scenario(at: AppTest, name: str) -> None:
    at.text_input(key="sc_new_name").set_value(name)
    at.button(key="sc_new").click().run()
    assert not at.exception and not at.error


def delta_table(at: AppTest) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "Scenario" in d.value.columns or "情景" in d.value.columns]
    return tables[0]


def assert_table_matches(shown: pd.DataFrame, table: pd.DataFrame, names: list[str]) -> None:
    """Every number of the shown delta table equals the library's, rounded as shown."""
    assert shown["Scenario"].tolist() == ["Baseline", *names]
    for column, source, decimals in [
        ("end", "end_mean", 1),
        ("lo", "end_lo_80", 1),
        ("hi", "end_hi_80", 1),
        ("diff", "end_diff", 1),
        ("diff_pct", "end_diff_pct", 2),
        ("cum", "cum_diff", 1),
        ("cum_lo", "cum_diff_lo_80", 1),
        ("cum_hi", "cum_diff_hi_80", 1),
    ]:
        np.testing.assert_array_equal(shown[EN[column]].to_numpy(), table[source].round(decimals).to_numpy())
    np.testing.assert_array_equal(shown[EN["beats"]].to_numpy(), (100 * table["p_beats_baseline"]).round(1))


def two_scenarios(at: AppTest) -> None:
    """Through the forms: +1 pp growth in 2025–2027, and a 5% higher level from 2026 on (history ends in 2024)."""
    new_scenario(at, "Stimulus")
    at.number_input(key="sc_g_pp").set_value(1.0)
    at.selectbox(key="sc_g_start").set_value("2025")
    at.selectbox(key="sc_g_end").set_value("2027")
    at.button(key="sc_g_add").click().run()
    new_scenario(at, "Shift")
    at.number_input(key="sc_l_amount").set_value(5.0)
    at.selectbox(key="sc_l_unit").set_value("percent")
    at.selectbox(key="sc_l_start").set_value("2026")
    at.button(key="sc_l_add").click().run()
    assert not at.exception and not at.error


STIMULUS = gdp_scenario("Stimulus", GrowthShock(1.0, "2025", "2027"))
SHIFT = gdp_scenario("Shift", LevelShift(5.0, "percent", "2026"))


def test_two_scenarios_compare_as_the_library_does(obs):
    at = run_page(GDP_GD)
    assert not at.exception
    assert at.title[0].value == "Scenarios"
    two_scenarios(at)
    expected = library(obs, [STIMULUS, SHIFT])
    assert_table_matches(delta_table(at), expected.table, ["Stimulus", "Shift"])
    shown = " ".join(rendered(m.value) for m in at.markdown)
    for outcome in expected.outcomes:
        for line in outcome.assumptions("en", "100 million yuan"):
            assert line in shown
    assert "Growth 1 pp a year higher in 2025–2027" in shown
    captions = " ".join(rendered(c.value) for c in at.caption)
    assert "measured coverage" in captions and "Sources:" in captions  # GDP: the portal, and the panel's early years
    assert at.header[0].value == "Build scenarios"


def test_the_comparison_goes_into_the_briefing_basket(local_basket):
    at = run_page(GDP_GD)
    two_scenarios(at)
    for prefix in ("basket_add_sc-fans-", "basket_add_sc-table-"):
        next(b for b in at.button if b.key and b.key.startswith(prefix)).click().run()
    assert not at.exception
    chart, table = local_basket.stored_items()
    assert chart.kind == "chart" and "scenarios and baseline" in chart.title and "measured coverage" in chart.caption
    assert [trace.name for trace in chart.figure.data if trace.showlegend is not False][-2:] == ["Stimulus", "Shift"]
    pd.testing.assert_frame_equal(table.frame, delta_table(at))


def test_the_own_target_form_is_drawn_while_its_expander_is_open():
    at = run_page(GDP_GD)
    assert at.session_state["sc_target_open"] and at.number_input(key="sc_t_value")  # no target yet: open
    at.session_state["sc_target_open"] = False  # closed, as a click does: the form is not drawn
    at.run()
    assert not at.exception and not [w for w in at.number_input if w.key == "sc_t_value"]
    at.session_state["sc_target_open"] = True
    at.run()
    assert not at.exception and at.number_input(key="sc_t_value") and at.button(key="sc_t_set")  # drawn again


def test_driver_change_and_target_probability(obs):
    at = run_page(GDP_GD)
    new_scenario(at, "Spending")
    at.selectbox(key="sc_d_indicator").set_value("fiscal_expenditure").run()
    at.selectbox(key="sc_d_region").set_value("440000")
    at.number_input(key="sc_d_amount").set_value(10.0)
    at.selectbox(key="sc_d_start").set_value("2025")
    at.selectbox(key="sc_d_method").set_value("elasticity")
    at.button(key="sc_d_add").click().run()
    at.selectbox(key="sc_t_comparator").set_value("at_least")
    at.number_input(key="sc_t_value").set_value(165000.0)
    at.selectbox(key="sc_t_period").set_value("2029")
    at.button(key="sc_t_set").click().run()
    assert not at.exception and not at.error
    scenario = gdp_scenario("Spending", DriverChange("fiscal_expenditure", "440000", 10.0, "2025"))
    drivers = {("fiscal_expenditure", "440000"): series(obs, "fiscal_expenditure", "440000")}
    target = Target(165000.0, "2029", "at_least")
    expected = library(obs, [scenario], target, drivers)
    shown = delta_table(at)
    assert_table_matches(shown, expected.table, ["Spending"])
    np.testing.assert_array_equal(shown[EN["target"]].to_numpy(), (100 * expected.table["p_target"]).round(1))
    estimate = expected.outcomes[0].estimates[0]
    estimates = next(d.value for d in at.dataframe if "Std. error" in d.value.columns)
    row = estimates.iloc[0]
    assert (row["Estimate"], row["Std. error"]) == (round(estimate.coef, 3), round(estimate.se, 3))
    assert row["n"] == estimate.n and row["Method"] == "Elasticity (regression on growth)"
    assert any("Level at least 165,000" in rendered(m.value) for m in at.markdown)
    # The probability of meeting the target comes right after the scenario's name, where a narrow screen shows it.
    assert list(shown.columns[:3]) == ["Scenario", EN["target"], EN["beats"]]
    # The target is drawn on the comparison chart, labelled with itself: a flat line at 165,000 to 2029.
    fans = json.loads(at.get("plotly_chart")[0].proto.spec)
    drawn = [trace for trace in fans["data"] if trace.get("name", "").startswith("Target: Level at least 165,000")]
    assert len(drawn) == 1
    assert drawn[0]["y"] == [165000.0, 165000.0] and drawn[0]["x"][-1].startswith("2029")
    assert drawn[0]["text"][-1] == drawn[0]["name"]  # the label sits on the chart, not only in the legend
    assert "Baseline forecast: Combination of models" in " ".join(rendered(m.value) for m in at.markdown)


def test_a_growth_target_is_drawn_as_the_step_it_asks_for():
    base = known_baseline()
    scenario = Scenario("s", "gdp", "440000", 5, "drift", "A", adjustments=(GrowthShock(1.0, "2024"),))
    growth = Target(5.0, "2025", "about", tolerance=0.5, measure="growth")
    x, y = charts.target_path(compare([scenario], base, None, growth), base.history)
    assert [str(d.year) for d in x] == ["2024", "2025"]
    assert y == pytest.approx([MEAN[1], MEAN[1] * 1.05])  # from the baseline's 2024 to 5% above it
    first = Target(5.0, "2023", "at_least", measure="growth")
    x, y = charts.target_path(compare([scenario], base, None, first), base.history)
    assert [str(d.year) for d in x] == ["2022", "2023"] and y == pytest.approx([100.0, 105.0])  # from the last value
    level = Target(130.0, "2026", "at_most")
    x, y = charts.target_path(compare([scenario], base, None, level), base.history)
    assert [str(d.year) for d in x] == ["2023", "2026"] and y == [130.0, 130.0]
    assert charts.target_path(compare([scenario], base), base.history) is None


def test_save_load_and_delete_in_the_store(obs, own_store):
    at = run_page(GDP_GD)
    two_scenarios(at)
    at.text_input(key="sc_save_name").set_value("Two options")
    at.button(key="sc_save").click().run()
    assert not at.exception and any("Saved the set" in s.value for s in at.success)
    stored = own_store.objects.load(sv.SET_KIND, "Two options")
    assert stored.created_by == "local"  # the signed-in user (local mode: the administrator)
    assert json.loads(stored.payload["file"])["scenarios"][1]["name"] == "Shift"

    fresh = run_page(GDP_GD)  # a new session: nothing in the working set until the set is loaded
    assert not [d for d in fresh.dataframe if "Scenario" in d.value.columns]
    fresh.selectbox(key="sc_saved").set_value("Two options")
    fresh.button(key="sc_load").click().run()
    assert not fresh.exception and any("Loaded the set" in s.value for s in fresh.success)
    assert_table_matches(delta_table(fresh), library(obs, [STIMULUS, SHIFT]).table, ["Stimulus", "Shift"])

    fresh.button(key="sc_delete_saved").click().run()
    assert not fresh.exception
    assert own_store.objects.list(sv.SET_KIND) == []
    assert any(c.value == "No saved set yet." for c in fresh.caption)


def test_bad_upload_is_reported_and_changes_nothing(obs):
    at = run_page(GDP_GD, lang="zh")
    new_scenario(at, "扩张")
    at.button(key="sc_g_add").click().run()
    before = dict(at.session_state["sc_sets"])
    table_before = delta_table(at)
    bad = json.loads(dumps([STIMULUS]))
    bad["scenarios"][0]["adjustments"][0]["pp"] = "one"
    at.file_uploader(key="sc_upload").set_value(("bad.json", json.dumps(bad).encode(), "application/json")).run()
    assert not at.exception
    assert at.error and "无法读取，当前情景未改变" in at.error[0].value and "pp" in at.error[0].value
    assert dict(at.session_state["sc_sets"]) == before
    pd.testing.assert_frame_equal(delta_table(at), table_before)

    good = dumps([STIMULUS, SHIFT]).encode()
    at.file_uploader(key="sc_upload").set_value(("two.json", good, "application/json")).run()
    assert not at.exception and not at.error
    assert any("2 个情景" in s.value for s in at.success)
    assert delta_table(at)["情景"].tolist() == ["基准", "Stimulus", "Shift"]


def test_share_link_reopens_the_same_comparison(obs):
    at = run_page(GDP_GD)
    two_scenarios(at)
    link = dict(at.query_params)
    assert set(link) >= {"indicator", "region", "h", "model", "set"}
    assert sets.decode_link(link["set"]).scenarios == (STIMULUS, SHIFT)
    reopened = run_page(link)
    assert not reopened.exception
    pd.testing.assert_frame_equal(delta_table(reopened), delta_table(at))
    assert reopened.selectbox(key="sc_current").options == ["Stimulus", "Shift"]
    assert (reopened.selectbox(key="sc_model").value, reopened.slider(key="sc_h").value) == ("combination", 5)


def test_duplicate_rename_and_delete_a_scenario():
    at = run_page(GDP_GD)
    two_scenarios(at)
    at.selectbox(key="sc_current").set_value("Stimulus").run()
    at.button(key="sc_duplicate").click().run()
    assert at.selectbox(key="sc_current").value == "Stimulus (copy)"
    at.text_input(key="sc_rename_Stimulus (copy)").set_value("Stimulus, longer")
    at.text_area(key="sc_note_Stimulus (copy)").set_value("Same shock to 2027.")
    at.button(key="sc_rename").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="sc_current").options == ["Stimulus", "Shift", "Stimulus, longer"]
    shown = delta_table(at)
    assert shown.iloc[3, 1:].tolist() == shown.iloc[1, 1:].tolist()  # a copy compares exactly as its original
    assert any(rendered(c.value) == "Note: Same shock to 2027." for c in at.caption)
    at.selectbox(key="sc_current").set_value("Shift").run()
    at.button(key="sc_delete").click().run()
    assert delta_table(at)["Scenario"].tolist() == ["Baseline", "Stimulus", "Stimulus, longer"]


def test_broken_link_is_ignored_with_a_warning():
    at = run_page({**GDP_GD, "set": "not-a-scenario-set"})
    assert not at.exception
    assert at.warning and "cannot be read" in at.warning[0].value
    assert any("No scenario yet" in i.value for i in at.info)


def test_rate_series_offers_no_growth_shock():
    at = run_page({"indicator": "cpi_yoy", "region": "100000", "h": "6", "model": "theta"})
    new_scenario(at, "Cooler")
    assert not [b for b in at.button if b.key == "sc_g_add"]
    assert any("Growth shocks do not apply to a rate" in i.value for i in at.info)
    assert at.selectbox(key="sc_l_unit").options == ["Indicator's units (pp for a rate)"]


def test_office_target_for_the_series_is_offered(obs, cat, monkeypatch):
    office = PlanTarget(
        id="gd_gdp_2026",
        origin="office",
        indicator_id="gdp",
        region_code="440000",
        year=2026,
        period=None,
        comparator="at_least",
        value=150000.0,
        unit=dict(cat.get("gdp").unit),
        tolerance=0.0,
        at_risk_margin=0.0,
        polarity="higher_is_better",
        name=dict(cat.get("gdp").name),
        wording={"zh": "15万亿元以上", "en": "at least 150,000"},
        source="test office plan",
    )
    monkeypatch.setattr(cache, "target_book", lambda: TargetBook([office]))
    at = run_page(GDP_GD)
    two_scenarios(at)
    at.button(key="sc_t_use").click().run()
    assert not at.exception
    expected = library(obs, [STIMULUS, SHIFT], Target(150000.0, "2026", "at_least", label="x"))
    shown = delta_table(at)
    np.testing.assert_array_equal(shown[EN["target"]].to_numpy(), (100 * expected.table["p_target"]).round(1))
    assert any("test office plan" in rendered(m.value) for m in at.markdown)


def test_published_year_targets_fit_the_year_end_of_a_year_to_date_series(cat):
    growth = cat.get("gdp_real_growth_ytd")
    plan = PlanTarget(
        "gdp_growth", "published", growth.id, "100000", 2026, None, "about", 5.0, {"zh": "%", "en": "%"}, 0.5, 0.5,
        "higher_is_better", dict(growth.name), {"zh": "5%左右", "en": "about 5%"}, "政府工作报告",
    )  # fmt: skip
    book = TargetBook([plan])
    fits = sv.fitting_targets(book, growth, "100000", ["2026Q2", "2026Q3", "2026Q4"], "zh")
    assert [(f.value, f.period, f.comparator, f.tolerance) for f in fits] == [(5.0, "2026Q4", "about", 0.5)]
    assert sv.fitting_targets(book, growth, "100000", ["2026Q2", "2026Q3"], "zh") == []
    assert sv.fitting_targets(book, growth, "440000", ["2026Q4"], "zh") == []


def test_broken_set_rules_are_worded_in_the_users_language():
    at = run_page(GDP_GD, lang="zh")
    new_scenario(at, "扩张")
    at.text_input(key="sc_new_name").set_value(" 扩张 ")
    at.button(key="sc_new").click().run()
    assert not at.exception
    assert at.error and at.error[0].value == "名称“扩张”已被使用（“baseline”保留给基准），请换一个。"
    assert at.selectbox(key="sc_current").options == ["扩张"]

    mixed = ScenarioFile((STIMULUS, dataclasses.replace(SHIFT, region_code="110000")))
    linked = run_page({**GDP_GD, "set": sets.encode_link(mixed)})
    assert not linked.exception
    assert [rendered(w.value) for w in linked.warning] == [
        "The scenarios in the link cannot be read and were ignored: "
        "The file's scenarios are not all on one indicator and region."
    ]
    assert any("No scenario yet" in i.value for i in linked.info)


def test_every_set_rule_has_words_in_both_languages_with_the_librarys_facts():
    for code, english in SET_MESSAGES.items():
        facts = {name for _, name, _, _ in string.Formatter().parse(english) if name}
        for lang in ("zh", "en"):
            text = strings()[f"scenarios.err_{code}"][lang]
            assert {name for _, name, _, _ in string.Formatter().parse(text) if name} == facts, (code, lang)
