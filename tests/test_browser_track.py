"""The track record in Debian's Chromium, offline: a forecast published on the Forecast page opens behind its
permalink exactly as frozen and is listed in the track record."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, heading, wait_for_app

pytestmark = pytest.mark.browser
LOCAL = {"127.0.0.1", "localhost", None}  # None: data: and blob: addresses
FORECAST = "/forecast?indicator=gdp&region=440000&h=3&lang=zh"


def test_a_published_forecast_shows_behind_its_permalink_and_in_the_track_record(app_url, browser_page):
    page = browser_page.page
    page.goto(app_url + FORECAST)
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="发布此预测").click()
    done = page.get_by_text(re.compile(r"已发布（编号 \d+）"))
    expect(done).to_be_visible(timeout=TIMEOUT_MS)
    number = re.search(r"编号 (\d+)", done.inner_text()).group(1)

    with page.context.expect_page() as opened:  # Streamlit opens Markdown links in a new tab
        page.get_by_role("link", name="固定链接（按发布时冻结的内容）").click()
    frozen, outside = opened.value, []
    frozen.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in LOCAL else None)
    expect(heading(frozen)).to_have_text("预测记录与决策登记", timeout=TIMEOUT_MS)
    wait_for_app(frozen)
    expect(frozen.get_by_text(f"已发布预测 #{number}").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(frozen.get_by_text("预测期尚无实际值")).to_be_visible(timeout=TIMEOUT_MS)
    frozen.close()
    assert outside == []

    page.goto(f"{app_url}/track?lang=zh")
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot").first.get_by_text(f"#{number} 发布于")).to_be_visible(timeout=TIMEOUT_MS)
    assert browser_page.errors == [] and browser_page.external == []
