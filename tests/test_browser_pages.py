"""The tabs of the Indicators, Overview and Services pages and the Map's inset in Chromium: what AppTest cannot see
(a click on a tab, a drawn frame)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, wait_for_app

pytestmark = pytest.mark.browser


def test_a_clicked_tab_goes_into_the_link_and_a_reload_keeps_it(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/")  # in through the navigation, as a visitor would
    wait_for_app(page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="指标").click()
    expect(page).to_have_url(re.compile(r"/indicators\?"), timeout=TIMEOUT_MS)
    wait_for_app(page)
    panel = page.get_by_role("tabpanel")
    expect(panel.locator("[data-testid='stExpander']")).to_have_count(1, timeout=TIMEOUT_MS)  # the data table's
    expect(panel.locator("[data-testid='stDataFrame']")).to_have_count(0)  # … made only when opened
    panel.get_by_text("数据表", exact=True).click()
    expect(panel.locator("[data-testid='stDataFrame']")).to_have_count(1, timeout=TIMEOUT_MS)
    wait_for_app(page)
    page.get_by_role("tab", name="地区排名").click()
    expect(page).to_have_url(re.compile(r"tab=ranking"), timeout=TIMEOUT_MS)
    # Only the open tab is drawn: the click reran the part and drew the ranking's table and bars in its panel.
    expect(panel.locator("[data-testid='stDataFrame']")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(panel.locator(".js-plotly-plot")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(panel).to_contain_text("排名", timeout=TIMEOUT_MS)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("tab", name="地区排名")).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
    expect(page.get_by_role("tabpanel").locator(".js-plotly-plot")).to_have_count(1, timeout=TIMEOUT_MS)
    assert browser_page.external == []


@pytest.mark.parametrize(
    ("path", "tab", "param", "drawn"),
    [
        ("overview", "目标完成情况", "tab=targets", "目标年份"),
        ("services", "诉求构成与信号", "tab=signals", "诉求信号"),  # hot topics, surges and the volume forecast
    ],
)
def test_a_tab_is_drawn_when_clicked_and_kept_in_the_link(app_url, browser_page, path, tab, param, drawn):
    page = browser_page.page
    page.goto(f"{app_url}/{path}?lang=zh")
    wait_for_app(page)
    panel = page.get_by_role("tabpanel")
    expect(panel.locator("[data-testid='stDataFrame']").first).to_be_visible(timeout=TIMEOUT_MS)  # the first tab
    expect(page.get_by_text(drawn, exact=True)).to_have_count(0)  # another tab: not drawn until it is clicked
    page.get_by_role("tab", name=tab).click()
    expect(page).to_have_url(re.compile(param), timeout=TIMEOUT_MS)
    expect(panel.get_by_text(drawn, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
    expect(page.get_by_role("tabpanel").get_by_text(drawn, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert browser_page.external == []


def test_the_south_china_sea_inset_is_drawn_in_a_frame(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/map?level=china&indicator=gdp&year=2022&lang=zh")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".geo")).to_have_count(2, timeout=TIMEOUT_MS)  # the main map and the inset
    expect(chart.locator(".geo2 .layer.frame path")).to_have_count(1, timeout=TIMEOUT_MS)  # the inset's frame
    expect(chart).to_contain_text("南海诸岛", timeout=TIMEOUT_MS)
    assert browser_page.external == []
