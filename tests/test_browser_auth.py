"""Sign-in end to end in Debian's Chromium against a real OIDC provider (oidc-provider-mock) started on loopback:
sign in, see the role's pages, sign out; an ID token that has expired shows no data. Waits for conditions only."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

import pytest
from actors import admin
from playwright.sync_api import expect

import data.store
from common.text import strings
from tests.conftest import free_port, start_app

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
STEWARD = "steward@office.gov.cn"


@pytest.fixture(scope="module")
def providers():
    """Two providers on loopback: `office` issues ID tokens valid for an hour, `short` ones that expired a minute
    before they were issued — within the two minutes of clock skew Streamlit's sign-in accepts, so only the app's
    own check of ``exp`` can refuse them (and must)."""
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the mock serves plain HTTP on loopback
    from oidc_provider_mock import run_server_in_thread

    with (
        run_server_in_thread(access_token_max_age=timedelta(hours=1)) as office,
        run_server_in_thread(access_token_max_age=timedelta(seconds=-60)) as short,
    ):
        yield {"office": office.server_port, "short": short.server_port}


@pytest.fixture(scope="module")
def oidc_app(providers, tmp_path_factory):
    """The app with both providers in a secrets file of its own, and a steward in its users table."""
    folder = tmp_path_factory.mktemp("oidc")
    port = free_port()
    sections = "".join(
        f'[auth.{name}]\nclient_id = "cockpit"\nclient_secret = "not-a-secret"\n'
        f'server_metadata_url = "http://localhost:{p}/.well-known/openid-configuration"\n'
        for name, p in providers.items()
    )
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n{sections}'
    )
    store = data.store.open_store()
    store.users.set(STEWARD, "steward", actor=admin("setup"))
    yield from start_app(folder / "app.log", port=port, args=("--secrets.files", str(secrets_file)))


def wait_for_app(page) -> None:
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


def sign_in(page, base: str, provider: str, user: str) -> None:
    page.goto(base + "/")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("请登录", timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stDataFrame"], .js-plotly-plot').count() == 0
    page.get_by_role("button", name=f"登录（{provider}）").click()
    page.locator("input[name='sub']").fill(user)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()


def test_sign_in_see_the_roles_pages_and_sign_out(oidc_app, browser_page):
    page = browser_page.page
    sign_in(page, oidc_app, "office", STEWARD)
    expect(page.locator("h1").first).to_have_text("总览", timeout=TIMEOUT_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text(f"已登录：{STEWARD}（数据管理员）", timeout=TIMEOUT_MS)
    nav = page.locator("[data-testid='stSidebarNav']")
    expect(nav.locator("a:has-text('数据')")).to_be_visible(timeout=TIMEOUT_MS)
    assert nav.locator("a:has-text('管理')").count() == 0  # admin only
    nav.locator("a:has-text('数据')").click()
    expect(page.locator("h1").first).to_have_text("数据", timeout=TIMEOUT_MS)
    wait_for_app(page)
    expect(page.get_by_role("button", name=strings()["data.check_release"]["zh"])).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="End session").click()  # the provider's end-of-session form
    page.goto(oidc_app + "/data")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("请登录", timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    trail = data.store.open_store(seed=False).audit.trail(user=STEWARD)
    assert {"sign_in", "sign_out"} <= {e.action for e in trail}
    assert browser_page.errors == []


def test_an_expired_id_token_is_refused(oidc_app, browser_page):
    page = browser_page.page
    sign_in(page, oidc_app, "short", "viewer@office.gov.cn")
    wait_for_app(page)
    expect(page.get_by_text("您的登录已过期，请重新登录。")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("h1").first).to_have_text("请登录", timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stDataFrame"], .js-plotly-plot').count() == 0
    refused = data.store.open_store(seed=False).audit.trail(action="sign_in.refused", result="denied")
    assert any(e.object == "expired" for e in refused)
