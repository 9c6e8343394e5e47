"""Sign-in under AppTest: the role × page × action matrix with the OIDC user set through `AppTest.user`, an expired
ID token, local mode refused on a non-loopback address, the proxy header ignored from other addresses, and the region
scope applied where pages read rows. The decision itself (ui/identity.py) is tested without Streamlit at the end."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pandas as pd
import pytest
from actors import admin
from apptest import open_page
from streamlit import config
from streamlit.testing.v1 import AppTest

import data.store
from briefing.tables import to_csv
from data.access import Actor, Role
from record import frozen
from ui import admin_view, auth, cache
from ui.identity import Settings, Visit, decide

ROLES = ["viewer", "analyst", "steward", "admin"]
PAGES = [
    "overview",
    "indicators",
    "map",
    "forecast",
    "scenarios",
    "services",
    "track",
    "briefing",
    "data",
    "alerts",
    "admin",
]
# Controls a page shows only from some role on (the library checks again on every write).
CONTROLS = {
    ("data", "data_check_release"): "steward",
    ("forecast", "fc_batch_run"): "analyst",
    ("forecast", "fc_publish"): "analyst",
    ("scenarios", "sc_save"): "analyst",
    ("admin", "admin_save_user"): "admin",
    ("alerts", "alerts_save_rule"): "analyst",
}
TITLES = {"overview": "总览", "indicators": "指标", "map": "地图", "forecast": "预测", "scenarios": "情景",
          "services": "政务服务", "track": "预测记录与决策登记", "briefing": "简报", "data": "数据", "alerts": "预警",
          "admin": "管理"}  # fmt: skip


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """OIDC mode on a store of its own with one user per role (and one scoped to Guangdong)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COCKPIT_DATA_DIR", str(tmp_path_factory.mktemp("auth-store")))
        mp.setenv("COCKPIT_AUTH", "oidc")
        auth.settings.cache_clear()
        cache.store.clear()
        store = data.store.open_store()
        for role in ROLES:
            store.users.set(f"{role}@office.gov.cn", role, actor=admin("setup"))
        store.users.set("gd@office.gov.cn", "viewer", actor=admin("setup"), scope="440000")
        yield store
        cache.store.clear()
    auth.settings.cache_clear()


def claims(user: str, expires_in: float = 3600) -> dict:
    """st.user of someone signed in with an ID token expiring `expires_in` seconds from now."""
    now = int(time.time())
    return {"is_logged_in": True, "email": user, "sub": user, "iat": now, "exp": now + expires_in}


def open_as(page: str, user: dict, query: dict | None = None) -> AppTest:
    at = open_page(page, query, run=False, timeout=180)
    at.user = user
    return at.run()


def buttons(at: AppTest) -> set[str]:
    keys = {b.key for b in at.button} | {b.key for b in at.get("form_submit_button") if hasattr(b, "key")}
    return {k for k in keys if k}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_role_page_matrix(office, page, role):
    user = f"{role}@office.gov.cn"
    at = open_as(page, claims(user))
    assert not at.exception
    assert at.title[0].value == TITLES[page]
    allowed = Role.parse(role) >= (Role.ADMIN if page == "admin" else Role.VIEWER)
    if not allowed:
        assert "不能执行" in at.error[0].value and not at.dataframe
        assert office.audit.trail(user=user, action="users.edit", result="denied")
    for (where, key), least in CONTROLS.items():
        if where == page and allowed:
            assert (key in buttons(at)) is (Role.parse(role) >= Role.parse(least)), key
    assert office.audit.trail(user=user, action="sign_in")


def test_admin_edits_a_user_and_the_change_is_audited(office):
    at = open_as("admin", claims("admin@office.gov.cn"))
    at.text_input(key="admin_user").set_value("new@office.gov.cn")
    at.selectbox(key="admin_role").set_value(Role.ANALYST)
    at.selectbox(key="admin_scope").set_value("510000")
    at.button(key="admin_save_user").click().run()
    assert not at.exception and "new@office.gov.cn" in at.success[0].value
    new = office.users.get("new@office.gov.cn")
    assert (new.role, new.scope, new.updated_by) == (Role.ANALYST, "510000", "admin@office.gov.cn")
    entry = office.audit.trail(action="users.edit", user="admin@office.gov.cn")[0]
    assert (entry.object, entry.result, entry.detail) == ("new@office.gov.cn", "ok", "— → analyst/510000")
    at.session_state["admin_tab"] = "审计日志"  # the audit tab, as a click opens it (only the open tab is drawn)
    at.run().selectbox(key="admin_f_user").set_value("admin@office.gov.cn").run()
    shown = next(d.value for d in at.dataframe if "操作" in d.value.columns)  # the audit trail's table
    assert set(shown["用户"]) == {"admin@office.gov.cn"} and "users.edit" in set(shown["操作"])


def test_an_expired_id_token_shows_no_data(office):
    at = open_as("overview", claims("viewer@office.gov.cn", expires_in=-1))
    assert not at.exception
    assert at.title[0].value == "请登录" and "过期" in at.warning[0].value
    assert not at.dataframe and not at.get("plotly_chart")
    assert office.audit.trail(result="denied", action="sign_in.refused")[0].object == "expired"


def test_a_signed_out_visitor_sees_only_the_sign_in_page(office):
    at = open_as("data", {"is_logged_in": False})
    assert at.title[0].value == "请登录" and not at.dataframe and not at.tabs


def test_the_region_scope_applies_where_pages_read_rows(office):
    def script():
        import streamlit as st

        from ui import auth, cache

        auth.gate()
        st.write(",".join(sorted(cache.observations()["region_code"].unique())))
        st.write(",".join(cache.reporting_regions()))  # a cached result: keyed by scope, never shared across

    wide = AppTest.from_function(script, default_timeout=120)
    wide.user = claims("admin@office.gov.cn")
    wide.run()
    assert "110000" in wide.markdown[0].value and "USA" in wide.markdown[1].value
    narrow = AppTest.from_function(script, default_timeout=120)
    narrow.user = claims("gd@office.gov.cn")
    narrow.run()
    # The province, its prefecture-level cities (census figures) and the national figures: nothing of another region.
    own = {"100000", "440000", "CHN"} | {c.code for c in data.region_registry().cities("440000")}
    assert set(narrow.markdown[0].value.split(",")) == own
    assert set(narrow.markdown[1].value.split(",")) == own


def test_a_region_scope_reads_its_own_regions_track_record_only(office):
    def published(region: str) -> int:
        history = pd.DataFrame(
            {"unique_id": region, "ds": pd.to_datetime(["2022-01-01", "2023-01-01"]), "y": [1.0, 2.0]}
        )
        fc = pd.DataFrame({"ds": [pd.Timestamp("2024-01-01")], "ets": [3.0]}).assign(model="ets", spec="")
        fc = fc.assign(**{f"ets-{side}-{lv}": 3.0 for side in ("lo", "hi") for lv in (80, 95)})
        made = frozen.freeze_forecast(
            fc, history, indicator_id="gdp", region_code=region, freq="A", model="ets", candidates=("ets",),
            data_versions={},
        )  # fmt: skip
        return office.track.publish(frozen.to_text(made), actor=admin("setup")).id

    own, other = published("440000"), published("110000")
    listed = open_as("track", claims("gd@office.gov.cn"))
    assert not listed.exception
    assert listed.dataframe[0].value["编号"].tolist() == [own]
    refused = open_as("track", claims("gd@office.gov.cn"), {"pub": str(other)})
    assert refused.error[0].value == f"没有编号为 {other} 的已发布预测。"
    shown = open_as("track", claims("admin@office.gov.cn"), {"pub": str(other)})
    assert not shown.error and shown.get("plotly_chart")


def test_local_mode_on_a_non_loopback_address_shows_the_notice_and_no_data(monkeypatch):
    monkeypatch.delenv("COCKPIT_AUTH", raising=False)
    auth.settings.cache_clear()
    previous = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = open_page("overview", timeout=180)
    finally:
        config.set_option("server.address", previous)
        auth.settings.cache_clear()
    assert at.title[0].value == "未配置登录" and "127.0.0.1" in at.error[0].value
    assert not at.dataframe and not at.get("plotly_chart") and not at.metric
    assert cache.store().audit.trail(action="sign_in.refused")[0].object == "not_configured"


def test_local_mode_on_loopback_is_the_administrator(monkeypatch):
    monkeypatch.delenv("COCKPIT_AUTH", raising=False)
    auth.settings.cache_clear()
    try:
        at = open_page("admin", timeout=180)
    finally:
        auth.settings.cache_clear()
    assert not at.exception and at.title[0].value == "管理" and not at.error


@pytest.mark.parametrize(("peer", "signed_in"), [("10.0.0.1", True), ("10.9.9.9", False)])
def test_the_proxy_header_counts_only_from_the_proxy(monkeypatch, office, peer, signed_in):
    monkeypatch.setenv("COCKPIT_AUTH", "proxy")
    monkeypatch.setenv("COCKPIT_PROXY_ADDRESSES", "10.0.0.0/30")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")
    auth.settings.cache_clear()
    # AppTest cannot seed headers or the client address (Streamlit 1.67): the documented seam plays the request.
    monkeypatch.setattr(auth, "visit", lambda: Visit("0.0.0.0", peer, {"X-Remote-User": "steward@office.gov.cn"}, {}))
    try:
        at = open_page("data", timeout=180)
    finally:
        monkeypatch.undo()
        auth.settings.cache_clear()
    assert not at.exception
    if signed_in:
        assert at.title[0].value == "数据" and "data_check_release" in buttons(at)
    else:
        assert at.title[0].value == "请登录" and not at.dataframe
        refused = office.audit.trail(action="sign_in.refused")[0]
        assert (refused.address, refused.detail) == ("10.9.9.9", "X-Remote-User ignored from 10.9.9.9")


# --- the decision, without Streamlit -----------------------------------------------------------------------------

NOBODY = {}.get
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def visit(peer=None, headers=None, user=None, server="127.0.0.1") -> Visit:
    return Visit(server, peer, headers or {}, user or {})


@pytest.mark.parametrize(
    ("server", "peer", "headers", "state"),
    [("127.0.0.1", None, {}, "signed_in"), ("::1", None, {}, "signed_in"), ("0.0.0.0", None, {}, "not_configured"),
     (None, None, {}, "not_configured"), ("127.0.0.1", "10.1.1.1", {}, "not_configured"),
     ("127.0.0.1", None, {"X-Forwarded-For": "10.1.1.1"}, "not_configured")],
)  # fmt: skip
def test_local_mode(server, peer, headers, state):
    outcome = decide(Settings(), visit(peer, headers, server=server), NOBODY)
    assert outcome.state == state
    if state == "signed_in":
        assert outcome.actor == Actor("local", Role.ADMIN, None, "127.0.0.1", "local")


def test_oidc_expiry_user_claim_and_role_mapping():
    settings = Settings.from_env(
        {"COCKPIT_ROLE_CLAIM": "groups", "COCKPIT_ROLE_MAP": "cockpit-data=steward,cockpit-admin=admin"},
        oidc_configured=True,
    )
    assert settings.mode == "oidc"
    token = {"is_logged_in": True, "email": "li@gov.cn", "exp": NOW.timestamp() + 60, "groups": ["cockpit-data"]}
    outcome = decide(settings, visit("10.2.2.2", user=token), NOBODY, now=NOW)
    assert (outcome.actor.user, outcome.actor.role, outcome.actor.address) == ("li@gov.cn", Role.STEWARD, "10.2.2.2")
    assert decide(settings, visit(user={**token, "exp": NOW.timestamp()}), NOBODY, now=NOW).state == "expired"
    assert decide(settings, visit(user={k: v for k, v in token.items() if k != "exp"}), NOBODY).state == "expired"
    no_group = {**token, "groups": []}
    assert decide(settings, visit(user=no_group), NOBODY, now=NOW).actor.role is Role.VIEWER  # the default role
    strict = Settings.from_env({"COCKPIT_DEFAULT_ROLE": "none"}, oidc_configured=True)
    assert decide(strict, visit(user=no_group), NOBODY, now=NOW).state == "refused"
    assert decide(settings, visit(user={"is_logged_in": False}), NOBODY).state == "sign_in"


def test_proxy_mode_needs_the_peer_unrewritten_and_a_known_proxy():
    env = {"COCKPIT_AUTH": "proxy", "COCKPIT_PROXY_ADDRESSES": "127.0.0.1"}
    header = {"x-remote-user": "wang"}
    assert decide(Settings.from_env(env), visit(None, header), NOBODY).state == "not_configured"
    settings = Settings.from_env({**env, "FORWARDED_ALLOW_IPS": ""})
    assert decide(settings, visit(None, header), NOBODY).actor.user == "wang"
    assert decide(settings, visit("10.0.0.5", header), NOBODY).state == "sign_in"
    assert decide(settings, visit(None, {}), NOBODY).state == "sign_in"
    with pytest.raises(ValueError):
        Settings.from_env({**env, "COCKPIT_PROXY_ADDRESSES": "not-an-ip"})
    with pytest.raises(ValueError):
        Settings.from_env({"COCKPIT_AUTH": "ldap"})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_exported_audit_trail_names_the_store_by_kind_not_by_path(tmp_path, lang):
    store = data.store.open_store(f"sqlite:///{tmp_path}/cockpit.db", seed=False)
    meta = admin_view.trail_meta(store.backend, lang)
    text = to_csv(pd.DataFrame({"a": [1]}), meta, lang).decode("utf-8-sig")
    assert "SQLite" in text and str(tmp_path) not in text and "cockpit.db" not in text


def test_a_scoped_user_drills_down_into_their_own_province_only(office):
    at = open_as("map", claims("gd@office.gov.cn"), {"region": "440000", "indicator": "city_population"})
    assert not at.exception
    box = next(s for s in at.selectbox if s.label == "下钻到地级市")
    assert box.options == ["全国（省级）", "广东"]
    assert len(at.dataframe[0].value) == 21
    other = open_as("map", claims("gd@office.gov.cn"), {"region": "420000", "indicator": "city_population"})
    assert not other.exception and "region" not in other.query_params  # Hubei is not theirs: the whole country
