"""Delivery of warnings (alerts/channels.py, alerts/deliver.py, alerts/messages.py): a real SMTP server and a real
HTTP receiver on loopback get the immediate messages and the digests, in the recipient's language, with the figure,
the threshold, the source and a link; a receiver that fails twice gets exactly one delivery; robots get their JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from actors import analyst, viewer
from alerts_support import PMI, RULE, HttpReceiver, SmtpServer, TlsSmtpServer, pmi_store

from alerts import run
from alerts.book import AlertBook
from alerts.channels import DeliveryFailed, Outgoing, post_json, send_mail
from alerts.config import AlertConfigError, Settings, load_settings
from alerts.deliver import backoff, deliver, failures
from alerts.kinds import UserRule
from alerts.ledger import history
from data import region_registry
from indicators import catalogue

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    """A store whose PMI series ends below 50 (the contraction rule fires)."""
    opened = pmi_store(f"sqlite:///{tmp_path / 'alerts.sqlite3'}", last=49.3)
    yield opened
    opened.close()


def send(store, settings, now=NOW, **kw):
    return deliver(store.engine, settings, catalogue(), region_registry(), now=now, **kw)


def test_immediate_mail_reaches_a_real_smtp_server_in_each_recipients_language(store):
    book = AlertBook(store.engine)
    book.subscribe("rule", RULE, "immediate", "mail", "lead@office.test", "zh", actor=viewer("lead"))
    book.subscribe("rule", RULE, "immediate", "mail", "advisor@office.test", "en", actor=viewer("advisor"))
    run.check(store, now=NOW)
    with SmtpServer() as smtp:
        assert send(store, smtp.settings).sent == 2
        (zh,), (en,) = smtp.to("lead@office.test"), smtp.to("advisor@office.test")
    assert zh["Subject"] == "【决策驾驶舱】预警（警示）：全国 · 制造业采购经理指数"
    body = zh.get_content()
    assert "数值：49.3（2025年12月）" in body and "阈值：低于50.0" in body and "规则：制造业PMI低于荣枯线" in body
    assert "来源：国家统计局" in body
    assert "http://cockpit.office.test/indicators?indicator=pmi_manufacturing&regions=100000&lang=zh" in body
    assert en["Subject"] == "[Decision Cockpit] Warning (warning): Manufacturing PMI · China (national)"
    body = en.get_content()
    assert "Figure: 49.3 (Dec 2025)" in body and "Threshold: below 50.0" in body
    assert "Rule: Manufacturing PMI below 50" in body and "Source: National Bureau of Statistics" in body
    assert "lang=en" in body and "（" not in body


def test_a_digest_waits_for_its_day_then_gathers_the_warnings_in_one_mail(store):
    book = AlertBook(store.engine)
    book.save_rule(_rule("above", 40.0), catalogue(), actor=analyst())
    daily = book.subscribe("indicator", PMI, "daily", "mail", "daily@office.test", "zh", actor=viewer("d"))
    book.subscribe("indicator", PMI, "weekly", "mail", "weekly@office.test", "en", actor=viewer("w"))
    created = daily.created_at
    run.check(store, now=created)
    with SmtpServer() as smtp:
        assert send(store, smtp.settings, now=created + timedelta(hours=23)).sent == 0
        assert send(store, smtp.settings, now=created + timedelta(days=1, minutes=1)).digests == 1
        assert send(store, smtp.settings, now=created + timedelta(days=1, minutes=2)).sent == 0
        (mail,) = smtp.to("daily@office.test")
        assert smtp.to("weekly@office.test") == []
        assert send(store, smtp.settings, now=created + timedelta(days=7, minutes=1)).digests == 1
        (weekly,) = smtp.to("weekly@office.test")
    assert mail["Subject"] == "【决策驾驶舱】每日预警摘要（2条）"
    body = mail.get_content()
    assert body.count("数值：49.3（2025年12月）") == 2 and "阈值：低于50.0" in body and "阈值：高于40.0" in body
    assert weekly["Subject"] == "[Decision Cockpit] Weekly warning digest (2)"
    assert weekly.get_content().count("Figure: 49.3 (Dec 2025)") == 2


def _rule(kind, value):
    return UserRule("", PMI, ("100000",), kind, value, "notice", "")


def test_the_webhook_gets_the_facts_as_json(store):
    with HttpReceiver() as hook:
        AlertBook(store.engine).subscribe("rule", RULE, "immediate", "webhook", hook.url, "en", actor=viewer())
        run.check(store, now=NOW)
        assert send(store, Settings(base_url="https://cockpit.gov.test/")).sent == 1
    (body,) = hook.bodies
    assert body["event"] == "raised" and body["severity"] == "warning" and body["rule"] == RULE
    assert body["indicator"] == {"id": PMI, "name": "Manufacturing PMI"}
    assert body["region"] == {"code": "100000", "name": "China (national)"}
    assert (body["period"], body["value"], body["threshold"]) == ("2025-12-01", 49.3, 50.0)
    assert body["url"] == "https://cockpit.gov.test/indicators?indicator=pmi_manufacturing&regions=100000&lang=en"
    assert body["title"].startswith("[Decision Cockpit] Warning") and "Threshold: below 50.0" in body["text"]


def test_a_receiver_that_fails_twice_gets_exactly_one_delivery_and_admins_see_the_failure(store):
    with HttpReceiver(fail=2) as hook:
        AlertBook(store.engine).subscribe("rule", RULE, "immediate", "webhook", hook.url, "zh", actor=viewer())
        run.check(store, now=NOW)
        first = send(store, Settings())
        assert (first.sent, first.failed) == (0, 1)
        (failing,) = failures(store.engine)
        assert failing.attempts == 1 and "503" in failing.error and "secret-token" not in failing.address
        assert failing.next_at == NOW + backoff(1)
        assert send(store, Settings(), now=NOW + backoff(1) - timedelta(seconds=1)).failed == 0  # not yet due
        assert send(store, Settings(), now=NOW + backoff(1)).failed == 1
        later = NOW + backoff(1) + backoff(2)
        assert send(store, Settings(), now=later).sent == 1
        assert send(store, Settings(), now=later + timedelta(days=1)).sent == 0
        assert hook.refused == 2 and len(hook.bodies) == 1
    assert failures(store.engine) == []
    (warning,) = history(store.engine)
    assert (warning.sent, warning.owed) == (1, 0)


@pytest.mark.parametrize(
    ("channel", "shape"),
    [("wecom", ("msgtype", "text", "content")), ("dingtalk", ("msgtype", "text", "content")),
     ("feishu", ("msg_type", "content", "text"))],
)  # fmt: skip
def test_robots_get_their_own_plain_text_json(store, channel, shape):
    with HttpReceiver() as hook:
        AlertBook(store.engine).subscribe("rule", RULE, "immediate", channel, hook.url, "zh", actor=viewer())
        run.check(store, now=NOW)
        assert send(store, Settings()).sent == 1
    (body,) = hook.bodies
    kind, outer, inner = shape
    assert body[kind] == "text"
    assert body[outer][inner].startswith("【决策驾驶舱】预警（警示）：全国") and "阈值：低于50.0" in body[outer][inner]


def test_a_robot_answering_an_error_code_is_a_failure():
    reply = {"errcode": 310000, "errmsg": "keywords not in content"}
    with HttpReceiver(reply=reply) as hook, pytest.raises(DeliveryFailed, match="310000"):
        post_json(hook.url, {"msgtype": "text"}, timeout=5)


def test_a_mail_server_that_is_down_is_a_failure_to_retry():
    port = SmtpServer().controller.port  # a free port nobody listens on
    with pytest.raises(DeliveryFailed, match="SMTP 127.0.0.1"):
        send_mail(Outgoing("s", "b", "zh"), "a@office.test", Settings(smtp_host="127.0.0.1", smtp_port=port))
    with pytest.raises(DeliveryFailed, match="no SMTP relay"):
        send_mail(Outgoing("s", "b", "zh"), "a@office.test", Settings())


def test_settings_come_from_the_file_and_the_environment_wins(tmp_path):
    path = tmp_path / "alerts.toml"
    path.write_text(
        '[smtp]\nhost = "relay.office"\nsecurity = "starttls"\nuser = "cockpit"\npassword = "pw"\n'
        '[links]\nbase_url = "https://cockpit.office/"\n',
        encoding="utf-8",
    )
    env = {"COCKPIT_ALERTS_CONFIG": str(path), "COCKPIT_SMTP_HOST": "relay2.office"}
    settings = load_settings(env)
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == ("relay2.office", 587, "starttls")
    assert settings.base_url == "https://cockpit.office" and settings.public()["smtp_password"] == "••••"
    assert "pw" not in str(settings.public())
    with pytest.raises(AlertConfigError, match="security"):
        load_settings({"COCKPIT_SMTP_SECURITY": "tls13"})
    with pytest.raises(AlertConfigError, match="COCKPIT_SMTP_PORT"):
        load_settings({"COCKPIT_SMTP_PORT": "twenty-five"})


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_goes_through_a_relay_with_tls_and_a_login(tmp_path, security):
    mail = Outgoing("【决策驾驶舱】预警", "数值：49.3", "zh")
    with TlsSmtpServer(tmp_path, implicit=security == "ssl") as relay:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=relay.controller.port, smtp_security=security,
                            smtp_user="cockpit", smtp_password="s3cret", smtp_cafile=str(relay.cafile))  # fmt: skip
        send_mail(mail, "lead@office.test", settings)
        (received,) = relay.to("lead@office.test")
        assert received["Subject"] == "【决策驾驶舱】预警" and "数值：49.3" in received.get_content()
        with pytest.raises(DeliveryFailed, match="Authentication|535"):
            send_mail(mail, "lead@office.test", replace(settings, smtp_password="wrong"))
        with pytest.raises(DeliveryFailed, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            send_mail(mail, "lead@office.test", replace(settings, smtp_cafile=""))  # not trusted without the CA
        assert len(relay.to("lead@office.test")) == 1


def test_a_relay_requiring_starttls_refuses_a_plain_login(tmp_path):
    with TlsSmtpServer(tmp_path, implicit=False) as relay:
        plain = Settings(smtp_host="127.0.0.1", smtp_port=relay.controller.port, smtp_user="cockpit",
                         smtp_password="s3cret")  # fmt: skip
        with pytest.raises(DeliveryFailed):
            send_mail(Outgoing("s", "b", "zh"), "lead@office.test", plain)
        assert relay.box.messages == []
