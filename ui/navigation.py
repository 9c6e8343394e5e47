"""The declared list of pages app.py navigates over (tests and benchmarks read it too)."""

from __future__ import annotations

from typing import NamedTuple


class PageEntry(NamedTuple):
    """One page: its script, the string key of its title, its icon (bundled Material Symbols) and URL path."""

    path: str
    title_key: str
    icon: str
    url_path: str


# Pages that really work, in navigation order; the first is the home page.
PAGES = [
    PageEntry("pages/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    PageEntry("pages/indicators.py", "nav.indicators", ":material/query_stats:", "indicators"),
    PageEntry("pages/map.py", "nav.map", ":material/map:", "map"),
    PageEntry("pages/forecast.py", "nav.forecast", ":material/trending_up:", "forecast"),
    PageEntry("pages/scenarios.py", "nav.scenarios", ":material/compare_arrows:", "scenarios"),
    PageEntry("pages/briefing.py", "nav.briefing", ":material/slideshow:", "briefing"),
    PageEntry("pages/data.py", "nav.data", ":material/database:", "data"),
]
