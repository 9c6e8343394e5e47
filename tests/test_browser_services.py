"""The Public services page in Chromium, in Chinese and English: cards, charts and league tables drawn, a link with
filters reproduces the view, nothing leaves the machine."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, wait_for_app

pytestmark = pytest.mark.browser

SHOWN = {
    "zh": ("政务服务", "受理量", "按期办结率", "承办单位排行", "2015年12月主要指标"),
    "en": ("Public services", "Cases opened", "On-time completion", "Handling units", "Headline measures, Dec 2015"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_services_page_in_both_languages(app_url, browser_page, lang):
    page = browser_page.page
    page.goto(f"{app_url}/services?lang={lang}")
    wait_for_app(page)
    title, volume, on_time, units, cards = SHOWN[lang]
    expect(page.locator("h1").first).to_have_text(title, timeout=TIMEOUT_MS)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics).to_have_count(3, timeout=TIMEOUT_MS)
    expect(metrics.first).to_contain_text(volume)
    expect(metrics.nth(1)).to_contain_text(on_time)
    expect(page.get_by_text(cards)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(units, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert browser_page.errors == []
    assert browser_page.external == [], f"requests left the machine: {browser_page.external}"


def test_a_link_with_filters_reproduces_the_view(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/services?lang=en&grain=week&unit=PWDx&from=2015-11-02&to=2015-11-30")
    wait_for_app(page)
    expect(page.get_by_text("Headline measures, week of 2015-11-30")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"grain=week.*unit=PWDx|unit=PWDx.*grain=week"), timeout=TIMEOUT_MS)
    assert browser_page.external == []
