"""The one place for caching: plain library loaders wrapped with `st.cache_data` / `st.cache_resource`.

Cached functions never read widgets. What `cache_resource` returns is shared between sessions and must never be
mutated: the full observation frame is held that way (copying ~140k rows on every rerun would cost more than
the page itself); everything derived from it is small and goes through `cache_data`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data
import indicators
from indicators.metadata import Catalogue
from indicators.views import ViewInfo, apply_view

HOUR = 3600


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def observations() -> pd.DataFrame:
    """All observations in the canonical long format (shared, read-only)."""
    return data.load_observations()


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def catalogue() -> Catalogue:
    """The indicator catalogue (immutable)."""
    return indicators.catalogue()


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def regions() -> data.RegionRegistry:
    """The region registry (immutable)."""
    return data.region_registry()


@st.cache_data(ttl=HOUR, max_entries=128, show_spinner=False)
def indicator_rows(indicator_id: str) -> pd.DataFrame:
    """Observations of one indicator, all regions."""
    obs = observations()
    return obs[obs["indicator_id"] == indicator_id].reset_index(drop=True)


@st.cache_data(ttl=HOUR, max_entries=256, show_spinner=False)
def view(view_id: str, indicator_id: str, base_year: int | None = None) -> tuple[pd.DataFrame, ViewInfo]:
    """A derived view of one indicator (all regions) and its metadata."""
    base = pd.Timestamp(f"{base_year}-01-01") if base_year is not None else None
    return apply_view(view_id, catalogue().get(indicator_id), observations(), catalogue(), base_period=base)


@st.cache_data(ttl=HOUR, max_entries=1, show_spinner=False)
def targets() -> pd.DataFrame:
    """Published national targets."""
    return data.load_cn_targets()
