"""Map → province → city → Indicators in Chromium, offline: a click on a province with city figures opens its cities
(only its geometry drawn), a click on a city opens it on the Indicators page; Hainan's city map has its inset."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, choropleth_paths, wait_for_app

pytestmark = pytest.mark.browser


def test_province_to_city_to_indicators(app_url, browser_page, obs, cat):
    import maps

    ind = cat.get("city_population")
    _, provinces = choropleth_paths(maps.choropleth(obs, "china", ind, 2020))
    _, cities = choropleth_paths(maps.choropleth(obs, "440000", ind, 2020))
    page = browser_page.page
    page.goto(f"{app_url}/map?level=china&indicator=city_population&year=2020&lang=zh")
    wait_for_app(page)
    paths = page.locator(".choroplethlayer path.choroplethlocation")
    expect(paths).to_have_count(len(provinces), timeout=TIMEOUT_MS)
    paths.nth(provinces.index("440000")).click(force=True)
    expect(page).to_have_url(re.compile(r"region=440000"), timeout=TIMEOUT_MS)
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot").first).to_contain_text("广东各地级市", timeout=TIMEOUT_MS)
    expect(paths).to_have_count(len(cities), timeout=TIMEOUT_MS)  # Guangdong's 21 cities, nothing else
    assert sum(code is not None for code in cities) == 21
    expect(page.get_by_role("button", name="返回全国地图")).to_be_visible(timeout=TIMEOUT_MS)
    paths.nth(cities.index("440300")).click(force=True)
    expect(page).to_have_url(re.compile(r"/indicators\?.*indicator=city_population&regions=440300"), timeout=TIMEOUT_MS)
    wait_for_app(page)
    tag = page.locator("[data-testid='stMultiSelectTagsContainer'] [aria-label='深圳']")
    expect(tag).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert browser_page.external == [], f"requests left the machine: {browser_page.external}"


def test_hainan_city_map_has_the_inset_and_the_way_back(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/map?region=460000&indicator=city_urban_share&year=2020&lang=zh")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".geo")).to_have_count(2, timeout=TIMEOUT_MS)  # Hainan Island, and the inset
    expect(chart).to_contain_text("南海诸岛", timeout=TIMEOUT_MS)
    page.get_by_role("button", name="返回全国地图").click()
    expect(page).not_to_have_url(re.compile(r"region="), timeout=TIMEOUT_MS)
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot").first).to_contain_text("灰色省份", timeout=TIMEOUT_MS)
    assert browser_page.external == []
