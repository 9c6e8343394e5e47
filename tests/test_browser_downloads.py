"""In Chromium: a chart's or table's download menu draws its buttons when it is opened (Streamlit's lazy popover,
`ui.basket.controls`), and a button there hands over the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("lang", "menu", "formats", "pick", "suffix"),
    [
        ("zh", "下载", ["PNG 图片", "SVG 矢量图", "PDF 文件"], "SVG 矢量图", ".svg"),
        ("en", "Download", ["CSV data", "Excel workbook (XLSX)"], "CSV data", ".csv"),
    ],
)
def test_a_download_menu_opens_with_its_buttons_and_downloads(app_url, browser_page, lang, menu, formats, pick, suffix):
    page = browser_page.page
    page.goto(f"{app_url}/services?lang={lang}")
    wait_for_app(page)
    menus = page.locator("[data-testid='stPopover'] button", has_text=menu)
    expect(menus.first).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stDownloadButton']").count() == 0  # closed: nothing drawn yet
    # The first menu under a chart (the monthly trend), or under the first table for the table formats.
    index = 0 if suffix == ".svg" else menus_under_tables(page, menu)
    menus.nth(index).click()
    for label in formats:
        expect(page.get_by_role("button", name=label)).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name=pick).click()
    assert download.value.suggested_filename.endswith(suffix)
    body = Path(download.value.path()).read_bytes()
    assert (b"<svg" in body[:500]) if suffix == ".svg" else body.count(b"\n") > 2


def menus_under_tables(page, menu: str) -> int:
    """The position, among the page's download menus, of the first one that follows a table."""
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible(timeout=TIMEOUT_MS)
    positions = page.evaluate(
        """(menu) => {
            const all = [...document.querySelectorAll("[data-testid='stPopover'] button")]
                .filter(b => b.textContent.includes(menu));
            const table = document.querySelector("[data-testid='stDataFrame']");
            return all.map(b => !!(table.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING));
        }""",
        menu,
    )
    return positions.index(True)
