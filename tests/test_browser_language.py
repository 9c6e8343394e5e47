"""In Chromium: on every page one click on "English" in the sidebar switches every select box, multiselect, radio
and select slider to English (no Chinese character left in what they show), and one click on "中文" brings back
the very Chinese values."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import FIRST_CONTENT, TIMEOUT_MS, heading, page_url, wait_for_app

from common.text import LANG_NAMES, strings
from ui.navigation import PAGES

pytestmark = pytest.mark.browser
SIDEBAR_RADIO = '[data-testid="stSidebar"] [data-testid="stRadio"]'  # the language switch
CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# What a choice widget shows, in the main area and the sidebar: a select box's or multiselect's value (its
# selected text and tags, not the label above it), a radio's checked option, a select slider's value and ends.
SHOWN = ", ".join(
    [
        '[data-testid="stSelectbox"] [data-baseweb="select"]',
        '[data-testid="stMultiSelect"] [data-baseweb="select"]',
        '[data-testid="stRadio"] label:has(input:checked)',
        '[data-testid="stSlider"] [data-testid="stSliderThumbValue"]',
        '[data-testid="stSlider"] [data-testid="stSliderTickBarMin"]',
        '[data-testid="stSlider"] [data-testid="stSliderTickBarMax"]',
    ]
)


def shown(page) -> list[str]:
    """The text of every visible choice widget's value on the page, in document order (a tab's widgets are drawn
    when the tab is shown)."""
    return [widget.inner_text().strip() for widget in page.locator(SHOWN).all() if widget.is_visible()]


def settled(page, url_path: str, widgets: int | None = None) -> None:
    """Until the run is over and what it drew is on the page: the page's first chart or table, the sidebar's language
    radio and (after a switch) as many choice widgets as before it. On a busy machine the heading and the run's end
    can be seen while the page's widgets, or the sidebar's, are not drawn yet."""
    wait_for_app(page)
    expect(page.locator(FIRST_CONTENT.get(url_path, ".js-plotly-plot .main-svg")).first).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.locator(f"{SIDEBAR_RADIO} label:has(input:checked)")).to_be_visible(timeout=TIMEOUT_MS)
    if widgets is not None:
        expect(page.locator(f"{SHOWN} >> visible=true")).to_have_count(widgets, timeout=TIMEOUT_MS)
    wait_for_app(page)


def switch(page, lang: str, title: str, url_path: str, widgets: int) -> list[str]:
    page.locator(SIDEBAR_RADIO).get_by_text(LANG_NAMES[lang], exact=True).click()
    expect(heading(page)).to_have_text(title, timeout=TIMEOUT_MS)
    settled(page, url_path, widgets)
    return shown(page)


@pytest.mark.parametrize(("index", "entry"), list(enumerate(PAGES)), ids=[p[3] for p in PAGES])
def test_one_click_switches_every_choice_widget_and_back(app_url, browser_page, index, entry):
    page = browser_page.page
    titles = strings()[entry.title_key.replace("nav.", "") + ".title"]
    page.goto(page_url(app_url, index, entry.url_path) + "?lang=zh")
    expect(heading(page)).to_have_text(titles["zh"], timeout=TIMEOUT_MS)
    settled(page, entry.url_path)
    widgets = len(shown(page))
    assert page.get_by_role("dialog").count() == 0  # no "Page not found" box over the page (ui/serve.py)
    en = switch(page, "en", titles["en"], entry.url_path, widgets)
    left = [text for text in en if CJK.search(text)]
    assert not left, f"/{entry.url_path} still shows {left} in English"
    assert "English" in en  # the sidebar's language radio is read too

    # Back to Chinese: the same widgets, Chinese wherever the words differ from the English, and the same selections
    # (a second switch to English reads exactly as the first).
    zh = switch(page, "zh", titles["zh"], entry.url_path, widgets)
    assert len(zh) == len(en) and LANG_NAMES["zh"] in zh, (en, zh)
    assert all(CJK.search(z) for z, e in zip(zh, en, strict=True) if z != e), list(zip(zh, en, strict=True))
    assert switch(page, "en", titles["en"], entry.url_path, widgets) == en
    assert page.locator('[data-testid="stException"]').count() == 0
    assert browser_page.external == []
