"""What a page feeds its computations, built the same way here and in `ui/cache.py` (which calls these), so a
result computed ahead of time has exactly the inputs the page would give it; and the text keys results are stored
under."""

from __future__ import annotations

import json

import pandas as pd

from data.regions import RegionRegistry
from indicators.metadata import Catalogue

_KIND_ORDER = {"national": 0, "province": 1, "country": 2}


def series_frame(rows: pd.DataFrame, region_codes: tuple[str, ...]) -> pd.DataFrame:
    """One indicator's rows for some regions in the forecasting contract ``unique_id, ds, y`` (uid = region)."""
    rows = rows[rows["region_code"].isin(region_codes)]
    return pd.DataFrame(
        {"unique_id": rows["region_code"].to_numpy(), "ds": rows["period"].to_numpy(), "y": rows["value"].to_numpy()}
    )


def reporting(rows: pd.DataFrame, registry: RegionRegistry) -> list[str]:
    """The regions with a reported value of one indicator, in the page's order (national, provinces, countries)."""
    codes = rows.loc[rows["value"].notna(), "region_code"].unique()
    return sorted(codes, key=lambda c: (_KIND_ORDER.get(registry.get(c).kind, 3), c))


def breaks_apply(cat: Catalogue, indicator_id: str) -> bool:
    """Whether a forecast looks for level breaks: amounts only (a rate's or an index's jump is news, not a change
    of definition)."""
    return cat.get(indicator_id).kind == "level"


def indicators_in_region(obs: pd.DataFrame, cat: Catalogue, region_code: str) -> list[str]:
    """Catalogue ids (in catalogue order) with at least one reported value in the region."""
    present = set(obs.loc[(obs["region_code"] == region_code) & obs["value"].notna(), "indicator_id"])
    return [i for i in cat.ids if i in present]


def _key(**inputs: object) -> str:
    return json.dumps(inputs, ensure_ascii=False, sort_keys=True)


def forecast_key(indicator_id: str, region_codes: tuple[str, ...], h: int, model: str, models: tuple[str, ...]) -> str:
    """The key of one forecasting run (what `ui.cache.forecast_run` is called with)."""
    return _key(indicator=indicator_id, regions=list(region_codes), h=int(h), model=model, models=list(models))


def warnings_key(region_code: str, indicator_ids: tuple[str, ...]) -> str:
    """The key of one scope's warnings over some indicators (the Overview's cards)."""
    return _key(region=region_code, indicators=list(indicator_ids))


def standings_key(indicator_id: str, year: int) -> str:
    """The key of the provinces' standings on one indicator in one year."""
    return _key(indicator=indicator_id, year=int(year))


def years_key(indicator_id: str) -> str:
    """The key of the years the provinces can be ranked in on one indicator."""
    return _key(indicator=indicator_id)


def cities_key(province: str) -> str:
    """The key of one province's cities' standings."""
    return _key(province=province)


def log_warnings_key(log_id: str, version: int | None) -> str:
    """The key of a case log's Overview warnings (the log and its version; None: the shipped file)."""
    return _key(log=log_id, version=version)
