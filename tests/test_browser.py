"""The running app in Debian's Chromium: every declared page renders its title and a chart, shows no exception,
and nothing is requested from outside this machine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui.i18n import strings

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


def declared_pages() -> list[tuple[str, str, str, str]]:
    """The PAGES list of app.py, read without running Streamlit."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PAGES":
            return ast.literal_eval(node.value)
    raise AssertionError("app.py declares no PAGES list")


PAGES = declared_pages()


def page_url(base: str, index: int, url_path: str) -> str:
    return base + "/" if index == 0 else f"{base}/{url_path}"


def wait_for_app(page) -> None:
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


@pytest.mark.parametrize(("index", "entry"), list(enumerate(PAGES)), ids=[p[3] for p in PAGES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_offline(app_url, browser_page, index, entry, lang):
    path, title_key, _, url_path = entry
    page = browser_page.page
    page.goto(page_url(app_url, index, url_path) + f"?lang={lang}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=TIMEOUT_MS)
    heading = page.locator("h1").first.inner_text()
    assert heading.strip() == strings()[title_key.replace("nav.", "") + ".title"][lang]
    assert page.locator('[data-testid="stException"]').count() == 0, f"{path} shows an exception"
    assert page.locator(".js-plotly-plot").count() >= 1
    assert browser_page.errors == []
    assert browser_page.external == [], f"requests left the machine: {browser_page.external}"


def test_deep_link_reproduces_the_view_and_language_switch(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/?indicator=wb_gdp_usd&regions=CHN,USA&years=2000-2020&lang=zh")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=TIMEOUT_MS)
    # One line per chosen region in the time-series chart.
    assert page.locator(".js-plotly-plot").first.locator(".scatterlayer .trace").count() == 2
    assert "中国" in page.locator(".js-plotly-plot").first.inner_text()
    page.get_by_text("English", exact=True).click()
    page.wait_for_selector("h1:has-text('Indicators')", timeout=TIMEOUT_MS)
    wait_for_app(page)
    assert "lang=en" in page.url and "indicator=wb_gdp_usd" in page.url
    page.wait_for_selector(".js-plotly-plot:has-text('United States')", timeout=TIMEOUT_MS)
    assert browser_page.external == []
