"""Everything the app can chart: one observation loader per shipped dataset, and their union."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from data.case_indicators import load_boston_311_indicators
from data.census import load_city_census
from data.loaders import (
    _concat,
    load_cn_gdp_quarterly,
    load_cn_macro_monthly,
    load_cn_prov_budget,
    load_un_egdi,
    load_wb_wdi,
)
from data.nbs_portal import load_cn_prov_nbs
from data.vintage import load_cn_prov_panel_kept

# Observation loaders by dataset id: the union is everything the app can chart. The order is the precedence when two
# datasets hold the same key (the consistent provincial vintage first); the yearbook panel is stored as what the
# portal vintage leaves standing (data/vintage.py), so the two never hold the same key as shipped.
OBSERVATION_LOADERS: dict[str, Callable[..., pd.DataFrame]] = {
    "cn_prov_nbs": load_cn_prov_nbs,
    "cn_prov_panel": load_cn_prov_panel_kept,
    "cn_prov_budget_expenditure": load_cn_prov_budget,
    "cn_macro_monthly": load_cn_macro_monthly,
    "cn_gdp_quarterly": load_cn_gdp_quarterly,
    "wb_wdi": load_wb_wdi,
    "un_egdi": load_un_egdi,
    "boston_311_2015": load_boston_311_indicators,  # case-log indicators of the shipped 311 log (issue 18)
    "cn_city_census": load_city_census,
}


def load_observations(root: Path | None = None) -> pd.DataFrame:
    """All shipped observations in the canonical long format, sorted by indicator, region and period."""
    return _concat([loader(root) for loader in OBSERVATION_LOADERS.values()])
