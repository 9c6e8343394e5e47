"""The running app in Debian's Chromium: every declared page renders its title and a chart, shows no exception,
and nothing is requested from outside this machine — also when a link carries hostile Markdown and HTML."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from common.text import strings
from forecasting.scenarios import GrowthShock, Scenario, ScenarioFile, Target
from forecasting.scenarios.sets import encode_link
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


# What each page must show on first load: a chart, except the Data page (tables), the Briefing page (an empty
# basket in a fresh store: the hint saying how to fill it) and the Admin page (the users table, or the note that
# it is empty).
FIRST_CONTENT = {
    "data": '[data-testid="stDataFrame"]',
    "briefing": '[data-testid="stAlert"]',
    "admin": '[data-testid="stDataFrame"], [data-testid="stAlert"]',
    "alerts": '[data-testid="stDataFrame"], [data-testid="stAlert"]',
    "track": '.js-plotly-plot .main-svg, [data-testid="stAlert"]',  # the record, or "nothing published yet"
}


def page_url(base: str, index: int, url_path: str) -> str:
    return base + "/" if index == 0 else f"{base}/{url_path}"


def wait_for_app(page) -> None:
    """Until the app has run the page's script to its end.

    Streamlit marks its root with the run's state; a freshly loaded page starts ``initial``, so this cannot pass
    before the first run has begun. After a click, first wait for something of the new run (its heading, its URL):
    until the rerun starts, the previous run's ``notRunning`` is still there. Charts and tables are drawn by the
    browser after the run, so they are waited for on their own.
    """
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


def heading(page):
    return page.locator("h1").first


@pytest.mark.parametrize(("index", "entry"), list(enumerate(PAGES)), ids=[p[3] for p in PAGES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_offline(app_url, browser_page, index, entry, lang):
    path, title_key, url_path = entry.path, entry.title_key, entry.url_path
    page = browser_page.page
    page.goto(page_url(app_url, index, url_path) + f"?lang={lang}")
    wait_for_app(page)
    content = FIRST_CONTENT.get(url_path, ".js-plotly-plot .main-svg")
    expect(page.locator(content).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(heading(page)).to_have_text(strings()[title_key.replace("nav.", "") + ".title"][lang], timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0, f"{path} shows an exception"  # the run is over
    assert browser_page.errors == []
    assert browser_page.external == [], f"requests left the machine: {browser_page.external}"


def test_deep_link_reproduces_the_view_and_language_switch(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/indicators?indicator=wb_gdp_usd&regions=CHN,USA&years=2000-2020&lang=zh")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    # One line per chosen region in the time-series chart.
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2, timeout=TIMEOUT_MS)
    expect(chart).to_contain_text("中国", timeout=TIMEOUT_MS)
    page.get_by_text("English", exact=True).click()
    expect(heading(page)).to_have_text("Indicators", timeout=TIMEOUT_MS)
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"^(?=.*lang=en)(?=.*indicator=wb_gdp_usd)"), timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot").first).to_contain_text("United States", timeout=TIMEOUT_MS)
    assert browser_page.external == []


def choropleth_paths(fig) -> tuple[int, list[str]]:
    """How many paths plotly.js draws for a figure, and the region codes in drawing order."""
    total, regions = 0, []
    for trace in fig.data:
        if trace.type != "choropleth":
            continue
        total += len(trace.locations)
        if trace.customdata is not None:
            regions += list(trace.locations)
        else:
            regions += [None] * len(trace.locations)
    return total, regions


@pytest.mark.parametrize(("level", "indicator", "year"), [("china", "gdp", 2022), ("world", "egdi", 2024)])
def test_map_draws_every_region_offline(app_url, browser_page, obs, cat, level, indicator, year):
    import maps

    fig = maps.choropleth(obs, level, cat.get(indicator), year)
    total, regions = choropleth_paths(fig)
    page = browser_page.page
    page.goto(f"{app_url}/map?level={level}&indicator={indicator}&year={year}")
    wait_for_app(page)
    expect(page.locator(".choroplethlayer path.choroplethlocation")).to_have_count(total, timeout=TIMEOUT_MS)
    assert sum(code is not None for code in regions) == (34 if level == "china" else len(regions) - 4)
    assert browser_page.external == [], f"requests left the machine: {browser_page.external}"


def test_clicking_a_province_opens_it_in_indicators(app_url, browser_page, obs, cat):
    import maps

    fig = maps.choropleth(obs, "china", cat.get("gdp"), 2022)
    _, regions = choropleth_paths(fig)
    page = browser_page.page
    page.goto(f"{app_url}/map?level=china&indicator=gdp&year=2022")
    wait_for_app(page)
    paths = page.locator(".choroplethlayer path.choroplethlocation")
    expect(paths).to_have_count(len(regions), timeout=TIMEOUT_MS)  # every path drawn, so nth() is Sichuan's
    paths.nth(regions.index("510000")).click(force=True)
    # The Indicators page writes its own parameters (years, view) once it has run with the clicked region.
    expect(page).to_have_url(re.compile(r"indicator=gdp&regions=510000&years=.*view="), timeout=TIMEOUT_MS)
    wait_for_app(page)
    tag = page.locator("[data-testid='stMultiSelectTagsContainer'] [aria-label='四川']")
    expect(tag).to_be_visible(timeout=TIMEOUT_MS)
    assert browser_page.external == []


@pytest.fixture
def fresh_app_url(tmp_path):
    """A server of our own whose very first request is a deep link (not the home page)."""
    from tests.conftest import start_app

    yield from start_app(tmp_path / "fresh.log")


def test_first_request_to_a_deep_link_runs_inside_the_frame(fresh_app_url, browser_page):
    page = browser_page.page
    page.goto(f"{fresh_app_url}/map?level=world&indicator=egdi&lang=en")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Map", timeout=TIMEOUT_MS)
    # The sidebar of app.py (language switch) is there: the page did not run on its own.
    expect(page.locator("[data-testid='stSidebar'] :text('English')")).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_overview_card_opens_the_indicator(app_url, browser_page):
    page = browser_page.page
    page.goto(f"{app_url}/?lang=zh")
    wait_for_app(page)
    link = page.locator('a[data-testid="stPageLink-NavLink"][href*="indicator=cpi_yoy"]')
    link.click()
    expect(page).to_have_url(re.compile(r"/indicators\?.*indicator=cpi_yoy.*view="), timeout=TIMEOUT_MS)
    wait_for_app(page)
    expect(heading(page)).to_have_text("指标", timeout=TIMEOUT_MS)
    tag = page.locator("[data-testid='stMultiSelectTagsContainer'] [aria-label='全国']")
    expect(tag).to_be_visible(timeout=TIMEOUT_MS)
    # The chart is drawn by the browser after the run: wait for it rather than count what is there so far.
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    assert browser_page.external == []


def test_staff_collect_a_chart_and_download_the_pack(app_url, browser_page, local_basket):
    import io

    from pptx import Presentation

    page = browser_page.page
    page.goto(f"{app_url}/indicators?indicator=gdp&regions=440000,320000&years=2012-2022&lang=zh")
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="加入简报").first.click()
    expect(page.get_by_role("button", name="已加入简报")).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page)
    page.locator("[data-testid='stSidebarNav'] a:has-text('简报')").click()
    expect(heading(page)).to_have_text("简报", timeout=TIMEOUT_MS)
    wait_for_app(page)
    expect(page.get_by_text("1. 地区生产总值")).to_have_count(1, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="生成简报").click()
    expect(page.get_by_role("button", name="下载 PPTX")).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="下载 PPTX").click()
    deck = Presentation(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(deck.slides) == 4  # title, what changed since the last briefing, the chart, the sources
    texts = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert "地区生产总值" in texts and "国家统计局" in texts and "自上次发布简报以来的变化" in texts
    assert browser_page.external == []


EVIL = "evil.example"
HOSTILE = f"![p](http://{EVIL}/q.png) [click](http://{EVIL}/login) <img src=http://{EVIL}/x.png> :red[x]"
HOSTILE_PARAMS = ("q", "indicator", "region", "regions", "view", "year", "h", "model", "scope", "dataset", "set")


def live_links(page) -> list[str]:
    """Images and links in the page that point at the hostile address (their HTML, for the failure message)."""
    found = page.locator(f"img[src*='{EVIL}'], a[href*='{EVIL}']")
    return [element.evaluate("e => e.outerHTML.slice(0, 200)") for element in found.all()]


@pytest.mark.parametrize(("index", "entry"), list(enumerate(PAGES)), ids=[p[3] for p in PAGES])
def test_hostile_links_on_every_page_request_nothing_outside(app_url, browser_page, index, entry):
    page = browser_page.page
    query = urlencode({**dict.fromkeys(HOSTILE_PARAMS, HOSTILE), "lang": "en"})
    page.goto(page_url(app_url, index, entry.url_path) + "?" + query)
    wait_for_app(page)
    expect(heading(page)).to_be_visible(timeout=TIMEOUT_MS)
    if entry.url_path == "indicators":  # the query is shown back to the visitor: as text
        shown = page.locator('[data-testid="stAlert"]').filter(has_text=EVIL)  # not the local-mode note
        expect(shown.first).to_contain_text(f"{EVIL}/q.png) [click]", timeout=TIMEOUT_MS)
    assert live_links(page) == []
    assert page.locator('[data-testid="stException"]').count() == 0
    assert browser_page.external == [], f"requests left the machine: {browser_page.external}"


def test_a_shared_scenario_set_with_hostile_names_requests_nothing_outside(app_url, browser_page):
    name = f"![p](http://{EVIL}/n.png) [c](http://{EVIL})"
    scenario = Scenario(name, "gdp", "440000", 5, "ets", "A", "level", (GrowthShock(1.0, "2025", "2027"),), HOSTILE)
    link = encode_link(ScenarioFile((scenario,), Target(200_000.0, "2029", label=name)))
    page = browser_page.page
    page.goto(f"{app_url}/scenarios?indicator=gdp&region=440000&h=5&lang=en&set={link}")
    wait_for_app(page)
    expect(page.get_by_text(f"{EVIL}/n.png", exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    assert live_links(page) == []
    assert browser_page.external == [], f"requests left the machine: {browser_page.external}"
