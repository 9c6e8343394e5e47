"""AppTest of the Alerts page in both languages: the history lists what the ledger holds (figure, threshold, sent,
acknowledged, cleared) and the acknowledge button records who; a user subscribes and ends a subscription; an analyst
writes a rule. The store is the tests' own (conftest), shared with the other page tests."""

from __future__ import annotations

import pytest
from apptest import open_page

from alerts.book import AlertBook
from alerts.findings import Finding
from alerts.ledger import history, reconcile
from data.store import open_store

PMI_RULE = "pmi_manufacturing_contraction"


@pytest.fixture(scope="module")
def store():
    """The app's test store with one open warning (the PMI below 50) and one cleared one."""
    opened = open_store()
    label = {"zh": "制造业PMI低于荣枯线", "en": "Manufacturing PMI below 50"}
    breach = Finding(f"test:{PMI_RULE}", "threshold", PMI_RULE, "below", "warning", "pmi_manufacturing", "100000",
                     "2025-12-01", "M", 49.3, line=50.0, label=label)  # fmt: skip
    gone = Finding("test:gone", "user", "r_test", "above", "notice", "gdp", "440000", "2024-01-01", "A", 141488.9,
                   line=100000.0)  # fmt: skip
    reconcile(opened.engine, [breach, gone], None, [])
    reconcile(opened.engine, [breach], {("user", "gdp")}, [])
    yield opened
    opened.close()


def table(at, index: int = 0):
    return at.dataframe[index].value


@pytest.mark.parametrize(
    ("lang", "columns", "figure", "threshold", "rule"),
    [
        ("zh", ["编号", "级别", "指标", "地区", "时期", "数值", "阈值", "规则", "触发时间", "已发送", "待发送", "确认",
                "解除时间"],
         "49.3", "低于50.0", "制造业PMI低于荣枯线"),
        ("en", ["No.", "Severity", "Indicator", "Region", "Period", "Figure", "Threshold", "Rule", "Raised", "Sent",
                "To send", "Acknowledged", "Cleared"], "49.3", "below 50.0", "Manufacturing PMI below 50"),
    ],
)  # fmt: skip
def test_the_history_lists_warnings_in_the_readers_language(store, lang, columns, figure, threshold, rule):
    at = open_page("alerts", lang=lang)
    assert not at.exception
    assert at.title[0].value == {"zh": "预警", "en": "Alerts"}[lang]
    frame = table(at)
    assert list(frame.columns) == columns
    row = frame[frame[columns[7]] == rule].iloc[0]
    assert (row[columns[5]], row[columns[6]], row[columns[12]]) == (figure, threshold, "")
    assert row[columns[4]] == {"zh": "2025年12月", "en": "Dec 2025"}[lang]
    cleared = frame[frame[columns[3]] == {"zh": "广东", "en": "Guangdong"}[lang]].iloc[0]
    assert cleared[columns[12]] != ""


def test_acknowledge_records_who_and_when(store):
    at = open_page("alerts", lang="en")
    target = next(w for w in history(store.engine) if w.key == f"test:{PMI_RULE}")
    at.selectbox(key="alerts_ack_choice").set_value(target.id)
    at.button(key="alerts_ack").click().run()
    assert not at.exception
    assert at.success[0].value == f"Warning {target.id} acknowledged."
    frame = table(at)
    acked = frame[frame["No."] == target.id].iloc[0]["Acknowledged"]
    assert acked.startswith("local (")
    assert next(w for w in history(store.engine) if w.id == target.id).acknowledged_by == "local"


def test_a_user_subscribes_and_unsubscribes_and_a_bad_address_is_refused(store):
    at = open_page("alerts", lang="zh")
    at.selectbox(key="alerts_sub_kind").set_value("indicator").run()
    at.selectbox(key="alerts_sub_target_indicator").set_value("gdp")
    at.selectbox(key="alerts_sub_channel").set_value("wecom")
    at.text_input(key="alerts_sub_address").set_value("not a url")
    at.button(key="alerts_subscribe").click().run()
    assert "该渠道无法使用这个地址" in at.error[0].value
    at.text_input(key="alerts_sub_address").set_value("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET")
    at.button(key="alerts_subscribe").click().run()
    assert at.success[0].value == "已订阅。"
    frame = table(at, 1)
    row = frame.iloc[-1]
    assert (row["订阅对象"], row["渠道"], row["地址"]) == (
        "指标: 地区生产总值",
        "企业微信机器人",
        "https://qyapi.weixin.qq.com/…",
    )
    assert "SECRET" not in frame.to_string()
    (mine,) = [s for s in AlertBook(store.engine).subscriptions("local") if s.channel == "wecom"]
    at.selectbox(key="alerts_unsub_choice").set_value(mine.id)
    at.button(key="alerts_unsubscribe").click().run()
    assert not [s for s in AlertBook(store.engine).subscriptions("local") if s.channel == "wecom"]


def test_an_analyst_writes_a_rule_in_english(store):
    at = open_page("alerts", lang="en")
    at.selectbox(key="alerts_rule_indicator").set_value("gdp").run()
    at.multiselect(key="alerts_rule_regions_gdp").set_value(["440000", "320000"])
    at.selectbox(key="alerts_rule_kind").set_value("below")
    at.number_input(key="alerts_rule_value").set_value(1000.0)
    at.text_input(key="alerts_rule_note").set_value("<b>watch</b> [x](http://evil)")
    at.button(key="alerts_save_rule").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Rule r") and "(version 1)" in at.success[0].value
    rules = at.dataframe[-1].value
    row = rules.iloc[-1]
    assert (row["Condition"], row["Value"], row["Note"]) == ("below a value", "1000", "<b>watch</b> [x](http://evil)")
    assert row["Region"] == "Guangdong、Jiangsu" or row["Region"] == "Jiangsu、Guangdong"
