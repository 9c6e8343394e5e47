"""ui/cache.py's figure caches: a figure is built once per set of inputs, shared, and the cache is bounded."""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
import pytest

from ui import cache, charts

# Outside a running app Streamlit warns that there is no script context on every cached call.
logging.getLogger("streamlit.runtime.caching.cache_data_api").disabled = True


@pytest.fixture
def built(monkeypatch):
    """Counts the ranking-bar figures actually built, with an empty cache before and after."""
    calls = []

    def fake(table, regions, title, unit, decimals, lang, highlight=None):
        calls.append(title)
        return go.Figure()

    cache.ranking_bars.clear()
    monkeypatch.setattr(charts, "ranking_bars", fake)
    yield calls
    cache.ranking_bars.clear()


def table(value: float) -> pd.DataFrame:
    return pd.DataFrame({"region_code": ["440000", "320000"], "value": [value, 1.0], "rank": [1, 2]})


def test_equal_inputs_share_one_figure(built):
    first = cache.ranking_bars(table(2.0), "GDP", "亿元", 1, "zh")
    again = cache.ranking_bars(table(2.0), "GDP", "亿元", 1, "zh")  # an equal frame, not the same object
    assert again is first
    assert built == ["GDP"]
    cache.ranking_bars(table(3.0), "GDP", "亿元", 1, "zh")
    cache.ranking_bars(table(2.0), "GDP", "亿元", 1, "en")
    assert built == ["GDP", "GDP", "GDP"]


def test_the_figure_cache_is_bounded_and_evicts(built):
    limit = 128  # max_entries of cache.ranking_bars
    for n in range(limit + 1):
        cache.ranking_bars(table(float(n)), f"t{n}", "亿元", 1, "zh")
    assert len(built) == limit + 1
    cache.ranking_bars(table(float(limit)), f"t{limit}", "亿元", 1, "zh")  # the newest is still there
    assert len(built) == limit + 1
    cache.ranking_bars(table(0.0), "t0", "亿元", 1, "zh")  # the oldest was evicted: built again
    assert built[-1] == "t0" and len(built) == limit + 2
