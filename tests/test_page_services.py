"""AppTest of the Public services page: the cards, league tables and problem counts shown are the library's, in
both languages, filters go into the URL, and the partial log says so."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from actors import steward
from apptest import open_page, rendered
from streamlit.testing.v1 import AppTest
from test_services_import import PERSONAL, ROWS, gbk_csv

from data.store import open_store
from services import importer, summary
from services.boston import read_boston
from services.derive import measure, prepare
from services.logs import store_import
from ui import services_view as sv
from ui.i18n import t
from ui.services_import import IMPORT_OPEN, READ, log_id_for


@pytest.fixture(scope="module")
def boston():
    """The shipped log, prepared once."""
    return prepare(read_boston())


def run_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    at = open_page("services", query, lang, timeout=120)
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(rendered(e.value) for e in [*at.caption, *at.info, *at.markdown, *at.subheader, *at.success])


def test_cards_show_the_last_month_with_its_change_in_chinese(boston):
    at = run_page()
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    expected = {c.measure: c for c in summary.cards(measure(boston, "month"))}
    volume = expected["volume"]
    assert cards["受理量"] == (f"{volume.value:,.0f}件", f"{volume.change:+.1f}%")
    on_time = expected["on_time_rate"]
    assert cards["按期办结率"] == (f"{on_time.value * 100:.1f}%", f"{on_time.change:+.1f}个百分点")
    assert cards["办理时长中位数"][0] == f"{expected['median_hours'].value:,.1f}小时"
    assert "满意率" not in cards  # the Boston log has no ratings
    shown = texts(at)
    assert "2015年12月主要指标" in shown and "缺少五个最大的请求类型" in shown
    assert "部分：不含五个最大请求类型" in shown  # every source line under a figure says the log is partial


def open_tab(at: AppTest, tab_id: str) -> AppTest:
    """Click a tab of the page as a browser does (the tabs rerun the page; only the open one is drawn)."""
    labels = {
        "league": "services.league_heading",
        "signals": "services.tab_signals",
        "problems": "services.problems_heading",
    }
    at.session_state["svc_tab"] = t(labels[tab_id], at.session_state["lang"])
    at.run()
    assert not at.exception, at.exception
    return at


def test_league_tables_and_problems_are_the_librarys_in_english(boston):
    at = run_page({"grain": "month", "from": "2015-12-01", "to": "2015-12-01"}, lang="en")
    assert [tab.label for tab in at.tabs] == ["League tables for follow-up", "Topics and signals", "Data problems"]
    assert len(at.dataframe) == 2 and not at.tabs[1].subheader and not at.tabs[2].dataframe  # only the open tab
    units, areas = (d.value for d in at.dataframe)
    expected = summary.league(boston, pd.Timestamp("2015-12-01"), pd.Timestamp("2015-12-31"), "unit")
    assert list(units["Handling unit"]) == list(expected["unit"])
    assert list(units["Opened"]) == list(expected["volume"])
    # a unit that closed nothing with a due time has no on-time rate: the column is shown as text, "—" in the gaps
    rates = [None if pd.isna(r) else f"{r * 100:,.1f}" for r in expected["on_time_rate"]]
    assert None in rates and list(units["On-time rate"].str.strip()) == [r or "—" for r in rates]
    assert areas["Area"].iloc[0] == "Dorchester" and "(not given)" in set(areas["Area"])
    assert "Headline measures, Dec 2015" in texts(at)
    assert {m.label for m in at.metric} == {"Cases opened", "On-time completion", "Median handling time"}
    problems = open_tab(at, "problems").tabs[2].dataframe[0].value
    counts = dict(zip(problems["Problem"], problems["Cases"], strict=True))
    assert counts == {"Closed before it was opened": 197, "No due time": 26_991}
    assert at.query_params["tab"] == "problems" and len(at.dataframe) == 1
    open_tab(at, "signals")  # hot topics, surges and the volume forecast
    assert {h.value for h in at.tabs[1].subheader} == {"Topic mix", "Service signals"}
    assert at.query_params["tab"] == "signals"


def test_filters_narrow_the_cards_and_live_in_the_url(boston):
    at = run_page({"grain": "week", "unit": "PWDx"})
    derived = measure(boston.narrow(unit=["PWDx"]), "week")
    last = summary.cards(derived, at=pd.Timestamp("2015-12-21"))[0]  # the last full week: the log ends on a Thursday
    assert {m.label: m.value for m in at.metric}["受理量"] == f"{last.value:,.0f}件"
    assert at.query_params["unit"] == "PWDx" and at.query_params["grain"] == "week"
    assert at.query_params["to"] == last.period.strftime("%Y-%m-%d")
    incomplete = "工单数据只到 2015-12-31"
    assert not [w for w in at.warning if incomplete in w.value]  # a full week is shown by default (surges may warn)
    at.selectbox(key="svc_to").set_value("2015-12-28").run()
    assert incomplete in at.warning[0].value
    at.selectbox(key="svc_grain").set_value("month").run()
    assert at.query_params["grain"] == "month" and at.query_params["to"] == "2015-12-01"


def test_a_stale_link_falls_back_to_the_whole_range():
    at = run_page({"from": "1999-01-01", "to": "nonsense", "log": "other", "area": "Atlantis"})
    assert at.selectbox(key="svc_from").value == "2015-01-01" and at.selectbox(key="svc_to").value == "2015-12-01"
    assert at.multiselect(key="svc_area").value == []


def test_a_steward_imports_an_export_and_reads_it_on_the_page():
    at = run_page()
    assert not at.get("file_uploader") and "svc_import_region" not in [s.key for s in at.selectbox]  # closed: not drawn
    at.session_state[IMPORT_OPEN] = True  # what the browser sends when the import expander is opened
    at.run()
    at.file_uploader(key="svc_file").set_value(("东城12345.csv", gbk_csv(), "text/csv")).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="svc_map_case_id_" + at.session_state[READ][0]).value == "工单编号"
    warned = next(text for text in (rendered(w.value) for w in at.warning) if PERSONAL[0] in text)
    assert all(header in warned for header in PERSONAL)
    at.text_input(key="svc_import_title").input("东城区 12345 热线").run()
    at.text_input(key="svc_import_source").input("东城 12345 系统").run()
    assert "请选择工单数据覆盖的地区后提交。" in texts(at)
    assert not [b for b in at.button if b.key == "svc_import_commit"]  # no commit without a region
    at.selectbox(key="svc_import_region").set_value("110000").run()
    assert "以下月份工单数据只覆盖部分日期，其指标与整月不可比，不计入目录指标：2024-03" in texts(at)
    at.button(key="svc_import_commit").click().run()
    assert not at.exception, at.exception
    assert "已保存“东城区 12345 热线”第 1 版。" in texts(at)
    log_id = log_id_for("东城区 12345 热线")
    assert "东城区 12345 热线" in at.selectbox(key="svc_log").options
    at.selectbox(key="svc_log").set_value(log_id).run()
    cards = {m.label: m.value for m in at.metric}
    assert cards["受理量"] == "3件" and cards["满意率"] == "50.0%"  # March 2024: rated 非常满意 and 不满意
    assert "来源：东城区 12345 热线（本单位导入，第 1 版）" in texts(at)
    assert at.query_params["log"] == log_id


def test_an_imported_logs_history_rolls_back_on_the_page():
    store = open_store(seed=False)
    log_id = log_id_for("西城区 12345 热线")
    for rows in (ROWS, ROWS[:1]):
        table = importer.read_export(gbk_csv(rows), "xicheng.csv")
        proposal = importer.propose(importer.headers_of(table))
        report = importer.convert(table, proposal.mapping)
        store_import(
            store, log_id, "西城区 12345 热线", table, report, proposal.mapping, actor=steward(), region="110000"
        )
    st.cache_data.clear()  # the list of stored logs is cached for 30 s in this process
    at = run_page({"log": log_id})
    assert {m.label: m.value for m in at.metric}["受理量"] == "1件"
    assert "版本历史（2 个版本）" in [e.label for e in at.expander]
    at.selectbox(key="svc_back").set_value(1).run()
    at.button(key="svc_rollback").click().run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["受理量"] == "3件"
    assert {s.id: s.current_version for s in store.case_logs.logs()}[log_id] == 1


def test_the_signals_read_the_cases_the_filters_leave():
    key = sv.log_key(sv.BOSTON)
    everything = sv.cases(key)
    unit = everything["unit"].value_counts().index[0]
    narrowed = sv.cases(key, units=(unit,))
    assert len(everything) == 121_145
    assert 0 < len(narrowed) < len(everything) and set(narrowed["unit"]) == {unit}
    assert (sv.holidays(sv.BOSTON), sv.holidays("office-12345")) == ("US", "CN")


def test_a_missing_rate_shows_as_a_dash_and_sorts_with_the_numbers():
    table = pd.DataFrame({"unit": ["a", "b", "c", "d"], "rate": [85.25, float("nan"), 9.5, 100.0], "n": [1, 2, 3, 4]})
    screen, config = sv.with_gaps(table, {"rate": 1, "n": 0})
    assert list(screen["rate"].str.strip()) == ["85.2", "—", "9.5", "100.0"] and "None" not in screen.to_string()
    assert sorted(screen["rate"]) == ["  9.5", " 85.2", "100.0", "—"]  # text order is number order; the gap last
    assert set(config) == {"rate"} and screen["n"].tolist() == [1, 2, 3, 4]  # a column without gaps stays numbers


def test_the_signals_grain_and_forecast_topic_live_in_the_url():
    at = run_page({"tab": "signals"})
    assert at.radio(key="svc_signals_freq").value == "W" and at.query_params["signal_grain"] == "W"
    topics = at.selectbox(key="svc_fc_topic").options
    assert len(topics) > 2
    at.radio(key="svc_signals_freq").set_value("D").run()
    picked = at.selectbox(key="svc_fc_topic")
    picked.select_index(2).run()
    chosen = at.selectbox(key="svc_fc_topic").value
    assert at.query_params["signal_grain"] == "D" and at.query_params["signal_topic"] == chosen
    open_tab(at, "league")  # another tab: the signals are not drawn, their grain and topic stay in the link …
    assert at.query_params["signal_grain"] == "D" and at.query_params["signal_topic"] == chosen
    open_tab(at, "signals")  # … and come back with their tab
    assert at.radio(key="svc_signals_freq").value == "D" and at.selectbox(key="svc_fc_topic").value == chosen
    again = run_page({"tab": "signals", "signal_grain": "D", "signal_topic": chosen})  # the link reproduces the view
    assert again.radio(key="svc_signals_freq").value == "D" and again.selectbox(key="svc_fc_topic").value == chosen
