"""The briefing basket in Debian's Chromium: a chart added on the Indicators page is still there after a reload,
and a second tab of the same user finds it on the Briefing page (the basket lives in the store, not the session)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, heading, wait_for_app

pytestmark = pytest.mark.browser
INDICATORS = "/indicators?indicator=gdp&regions=440000,320000&years=2012-2022&lang=zh"


def test_a_chart_in_the_basket_survives_a_reload_and_shows_in_a_second_tab(app_url, browser_page, local_basket):
    page = browser_page.page
    page.goto(app_url + INDICATORS)
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="加入简报").first.click()
    expect(page.get_by_role("button", name="已加入简报")).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page)
    assert [item.title for item in local_basket.stored_items()] == ["地区生产总值"]

    page.reload()  # a new session: nothing of the old one's state is left
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="已加入简报")).to_have_count(1, timeout=TIMEOUT_MS)

    second = page.context.new_page()
    second.goto(f"{app_url}/briefing?lang=zh")
    wait_for_app(second)
    expect(heading(second)).to_have_text("简报", timeout=TIMEOUT_MS)
    expect(second.get_by_text("简报篮中共 1 项")).to_be_visible(timeout=TIMEOUT_MS)
    expect(second.get_by_text("1. 地区生产总值")).to_have_count(1, timeout=TIMEOUT_MS)

    second.get_by_role("button", name="清空简报篮").click()  # emptied in the second tab …
    expect(second.get_by_text("简报篮是空的", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
    page.reload()  # … is empty in the first one too
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="已加入简报")).to_have_count(0, timeout=TIMEOUT_MS)
    assert local_basket.stored_items() == []
    assert browser_page.errors == [] and browser_page.external == []
