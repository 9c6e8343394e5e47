"""The home page in Chromium: the Overview is served at "/" and at its own path "/overview" (a bookmark or a shared
link), in both languages, without Streamlit's "Page not found" box — also when a deep link is a fresh server's first
request (ui/serve.py says why that needs care)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from common.text import strings
from tests.conftest import start_app
from tests.test_browser import TIMEOUT_MS, heading, wait_for_app

pytestmark = pytest.mark.browser
STOPPED = "[data-testid='stApp'][data-test-script-state='notRunning']"


@pytest.fixture(scope="module")
def home_app_url(tmp_path_factory):
    """A server of our own, freshly started: its first request is one of the tests' links."""
    yield from start_app(tmp_path_factory.mktemp("home") / "streamlit.log")


@pytest.mark.parametrize(("path", "lang"), [("/", "zh"), ("/overview", "zh"), ("/overview", "en"), ("/", "en")])
def test_the_overview_is_served_at_the_root_and_at_its_own_path(home_app_url, browser_page, path, lang):
    page = browser_page.page
    page.goto(f"{home_app_url}{path}?lang={lang}")
    wait_for_app(page)
    expect(heading(page)).to_have_text(strings()["overview.title"][lang], timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)  # the cards' charts
    assert page.get_by_text("Page not found").count() == 0, f"{path} opened Streamlit's 'Page not found' box"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert browser_page.external == []


@pytest.mark.parametrize("path", ["/map", "/overview"])
def test_a_fresh_servers_first_request_may_be_a_deep_link(tmp_path_factory, browser_page, path):
    for url in start_app(tmp_path_factory.mktemp("cold") / "streamlit.log"):
        page = browser_page.page
        page.goto(f"{url}{path}?lang=zh")
        # the first run after a start imports everything and reads the store: more than a page view takes
        page.locator(STOPPED).wait_for(state="attached", timeout=3 * TIMEOUT_MS)
        title = "map.title" if path == "/map" else "overview.title"
        expect(heading(page)).to_have_text(strings()[title]["zh"], timeout=TIMEOUT_MS)
        assert page.get_by_text("Page not found").count() == 0, f"a fresh server's {path} opened 'Page not found'"
        assert page.locator('[data-testid="stException"]').count() == 0
