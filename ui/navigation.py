"""The declared list of pages app.py navigates over (tests and benchmarks read it too)."""

from __future__ import annotations

from typing import NamedTuple

from data.access import Role


class PageEntry(NamedTuple):
    """One page: its script, the string key of its title, its icon (bundled Material Symbols), URL path and the
    least role that sees it in the navigation (the page checks again: a role below gets a refusal, not the page)."""

    path: str
    title_key: str
    icon: str
    url_path: str
    role: str = "viewer"


# Pages that really work, in navigation order; the first is the home page.
PAGES = [
    PageEntry("pages/overview_page.py", "nav.overview", ":material/dashboard:", "overview"),
    PageEntry("pages/indicators_page.py", "nav.indicators", ":material/query_stats:", "indicators"),
    PageEntry("pages/map_page.py", "nav.map", ":material/map:", "map"),
    PageEntry("pages/forecast_page.py", "nav.forecast", ":material/trending_up:", "forecast"),
    PageEntry("pages/scenarios_page/page.py", "nav.scenarios", ":material/compare_arrows:", "scenarios"),
    PageEntry("pages/services_page.py", "nav.services", ":material/support_agent:", "services"),
    PageEntry("pages/track_page.py", "nav.track", ":material/fact_check:", "track"),
    PageEntry("pages/briefing_page.py", "nav.briefing", ":material/slideshow:", "briefing"),
    PageEntry("pages/data_page.py", "nav.data", ":material/database:", "data"),
    PageEntry("pages/alerts_page.py", "nav.alerts", ":material/notifications:", "alerts"),
    PageEntry("pages/admin_page.py", "nav.admin", ":material/admin_panel_settings:", "admin", "admin"),
]


#: The internal path of the home page, which Streamlit serves at "/" (app.py serves it at its own path too).
HOME_ALIAS = "home"


def script(url_path: str) -> str:
    """The script (relative to the app's folder) of the page served at `/<url_path>`.

    Raises:
        KeyError: no declared page has that path.
    """
    for page in PAGES:
        if page.url_path == url_path:
            return page.path
    raise KeyError(f"no page is served at /{url_path}; declared: {', '.join(p.url_path for p in PAGES)}")


def visible(role: Role) -> list[PageEntry]:
    """The pages a role sees in the navigation, in order."""
    return [page for page in PAGES if role >= Role.parse(page.role)]
