"""In Chromium: a chart's dates are written in the page's language — a Chinese page's month axis reads 2015年1月, not
Jan 2015 — and the hover names a monthly figure's month and a yearly figure's year, in either language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, wait_for_app

pytestmark = pytest.mark.browser
MONTH_NAMES = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def first_chart(page, url: str):
    page.goto(url)
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".xtick text").first).to_be_visible(timeout=TIMEOUT_MS)
    return chart


def hover_header(page, chart) -> str:
    """Point at a marker of the chart's lines (a hover needs the mouse near a data point) and read the unified
    hover's first line: the date."""
    point = chart.locator(".scatterlayer .trace .points path").nth(3)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    header = chart.locator(".hoverlayer text").first
    expect(header).to_be_attached(timeout=TIMEOUT_MS)
    return header.text_content()


def test_a_monthly_chart_in_chinese(app_url, browser_page):
    page = browser_page.page
    chart = first_chart(page, f"{app_url}/services?lang=zh")  # the case log's monthly volume and backlog
    labels = [t for t in chart.locator(".xtick text").all_text_contents() if t]
    assert labels and all(re.fullmatch(r"\d{4}年\d{1,2}月", label) for label in labels), labels
    assert re.fullmatch(r"\d{4}年\d{1,2}月", hover_header(page, chart))
    counts = chart.locator(".hoverlayer text").all_text_contents()[1:]  # volume, backlog, overdue
    assert len(counts) == 3 and all(re.fullmatch(r".+: [\d,]+ 件", line) for line in counts), counts


def test_a_monthly_chart_in_english(app_url, browser_page):
    page = browser_page.page
    chart = first_chart(page, f"{app_url}/services?lang=en")
    labels = [t for t in chart.locator(".xtick text").all_text_contents() if t]
    assert labels and all(MONTH_NAMES.search(label) for label in labels), labels  # plotly.js's own English dates
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{4}", hover_header(page, chart))


@pytest.mark.parametrize(("lang", "hover"), [("zh", r"^\d{4}年$"), ("en", r"^\d{4}$")])
def test_a_yearly_chart_names_the_year(app_url, browser_page, lang, hover):
    page = browser_page.page
    chart = first_chart(page, f"{app_url}/indicators?indicator=wb_gdp_usd&lang={lang}")  # yearly GDP
    assert re.match(hover, hover_header(page, chart))
