"""AppTest of the Alerts page in both languages: the history lists what the ledger holds (figure, threshold, sent,
acknowledged, cleared) and the acknowledge button records who; a user subscribes and ends a subscription; an analyst
writes a rule. The store is the tests' own (conftest), shared with the other page tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pandas as pd
import pytest
from actors import analyst, steward, viewer
from alerts_support import free_port
from apptest import open_page

from alerts.book import AlertBook
from alerts.config import Settings
from alerts.deliver import deliver
from alerts.findings import Finding
from alerts.kinds import UserRule
from alerts.ledger import history, reconcile
from data import region_registry
from data.store import open_store
from data.store.alert_tables import alert_outbox_table
from indicators import catalogue

PMI_RULE = "pmi_manufacturing_contraction"
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


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
        ("zh", ["编号", "级别", "指标", "地区", "时期", "数值", "阈值", "规则", "触发时间（UTC）", "已发送", "待发送",
                "确认", "解除时间（UTC）"],
         "49.3", "低于50.0", "制造业PMI低于荣枯线"),
        ("en", ["No.", "Severity", "Indicator", "Region", "Period", "Figure", "Threshold", "Rule", "Raised (UTC)",
                "Sent", "To send", "Acknowledged", "Cleared (UTC)"],
         "49.3", "below 50.0", "Manufacturing PMI below 50"),
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


def test_admins_see_the_delivery_settings_without_the_password_and_the_failing_messages(store, monkeypatch):
    monkeypatch.setenv("COCKPIT_SMTP_HOST", "relay.office.test")
    monkeypatch.setenv("COCKPIT_SMTP_PASSWORD", "hunter2")
    nobody = f"http://127.0.0.1:{free_port()}/robot/send?access_token=TOKEN"  # nothing listens there
    AlertBook(store.engine).subscribe("rule", PMI_RULE, "immediate", "dingtalk", nobody, "en", actor=viewer("ops"))
    breach = next(w for w in history(store.engine) if w.key == f"test:{PMI_RULE}")
    with store.engine.begin() as conn:  # the warning was raised before ops subscribed: owe ops its message now
        subscription = AlertBook(store.engine).subscriptions("ops")[0].id
        conn.execute(alert_outbox_table.insert().values(subscription_id=subscription, warning_id=breach.id,
                     event="raised", status="pending", attempts=0, next_at=NOW, created_at=NOW))  # fmt: skip
    assert deliver(store.engine, Settings(webhook_timeout=5), catalogue(), region_registry(), now=NOW).failed == 1
    at = open_page("admin", {"tab": "alerts"}, lang="en")
    assert not at.exception
    shown = " ".join(d.value.to_string() for d in at.dataframe)
    assert "relay.office.test" in shown and "hunter2" not in shown and "TOKEN" not in shown
    assert any(w.value == "Messages failing and being retried: 1" for w in at.warning)
    failing = at.dataframe[-1].value.iloc[0]
    assert (failing["User"], failing["Channel"], failing["Attempts"]) == ("ops", "DingTalk robot", 1)
    assert failing["Address"] == f"{nobody.split('/robot')[0]}/…"


def test_a_rollback_on_the_data_page_starts_a_check_that_owes_the_subscribers_their_message(own_store):
    current = own_store.observations(["cn_prov_panel"])
    older = current[current["period"] < pd.Timestamp("2022-01-01")]
    own_store.commit("cn_prov_panel", older, actor=steward(), mode="replace")
    book = AlertBook(own_store.engine)
    book.save_rule(UserRule("", "gdp", ("440000",), "above", 0.0, "notice", ""), catalogue(), actor=analyst())
    book.subscribe("indicator", "gdp", "immediate", "mail", "lead@office.test", "zh", actor=viewer("lead"))
    at = open_page("data", {"dataset": "cn_prov_panel"}, "zh", timeout=120)
    at.selectbox(key="data_rollback_version").set_value(1)
    at.button(key="data_rollback").click().run()
    at.button(key="data_rollback_yes").click().run()
    assert not at.exception and own_store.current_version("cn_prov_panel") == 1
    for thread in threading.enumerate():  # the check runs after the commit, in the background: wait for it to end
        if thread.name == "alerts-after-cn_prov_panel":
            thread.join()
    raised = [w for w in history(own_store.engine) if w.finding.source == "user"]
    assert [(w.finding.region_code, w.owed) for w in raised] == [("440000", 1)]
