"""The home page in Chromium: the Overview is served at "/" and at its own path "/overview" (a bookmark or a shared
link), in both languages, without Streamlit's "Page not found" box."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from common.text import strings
from tests.conftest import LOCAL_HOSTS, start_app
from tests.test_browser import TIMEOUT_MS, heading, wait_for_app

pytestmark = pytest.mark.browser
STOPPED = "[data-testid='stApp'][data-test-script-state='notRunning']"


@pytest.fixture(scope="module")
def home_app_url(tmp_path_factory, chromium):
    """A server of our own, freshly started, after one visit to its home page.

    The visit is there because of Streamlit itself: the very first run after a start treats a folder named pages/
    beside app.py as an old-style multipage app and finds no page for any deep link (/map as much as /overview);
    from the first run on, app.py's navigation decides. That case is Streamlit's and is not what is tested here.
    """
    for url in start_app(tmp_path_factory.mktemp("home") / "streamlit.log"):
        context = chromium.new_context()
        context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in LOCAL_HOSTS else r.abort())
        first = context.new_page()
        first.goto(url + "/")
        # the first run after a start imports everything and reads the store: more than a page view takes
        first.locator(STOPPED).wait_for(state="attached", timeout=3 * TIMEOUT_MS)
        context.close()
        yield url


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
