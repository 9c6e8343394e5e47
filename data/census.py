"""The prefecture-level census figures (dataset ``cn_city_census``): four indicators for 2010 and 2020.

Resident population (persons → 万人), urban share (urban residents over residents, %, from the two published
counts), population aged 65 and over (%, as published) and average household size (persons per household). The
municipalities' census rows (110100 …) are stored under their province code, the code the city map draws them under
(``data/cities.yaml`` says why); every other unit must be a city or a province of the registry, else the loader names
the row. Missing figures stay gaps.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data.datasets import dataset
from data.loaders import PERSONS_TO_WAN, _bad_cell, _concat, _frame, _numeric, _read_csv, _require_columns
from data.regions import municipal_codes, region_registry

CENSUS_FILE = "census_city_2010-2020_v1_nocoord.csv"
YEARS = (2010, 2020)
CITY_INDICATORS = ("city_population", "city_urban_share", "city_age65_share", "city_household_size")


def census_region(code: str) -> str | None:
    """The registry code a census unit is stored under (None when the registry does not know it)."""
    code = municipal_codes().get(code, code)
    registry = region_registry()
    return code if code in registry and registry.get(code).kind in ("city", "province") else None


def load_city_census(root: Path | None = None) -> pd.DataFrame:
    """The census city indicators in the canonical long frame (annual, 2010 and 2020)."""
    path = dataset("cn_city_census").path(CENSUS_FILE, root=root)
    raw = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    columns = [f"{name}_{year}" for year in YEARS for name in ("popu", "popu_urban", "household", "age_65")]
    _require_columns(raw, ["city_code", *columns], path)
    regions = []
    for i, code in enumerate(raw["city_code"]):
        region = census_region(str(code).strip())
        if region is None:
            raise _bad_cell("cell_not_a_city", path, i + 2, "city_code", code)
        regions.append(region)
    parts = []
    for year in YEARS:
        periods = [pd.Timestamp(f"{year}-01-01")] * len(raw)
        people = _numeric(raw[f"popu_{year}"], path, f"popu_{year}")
        urban = _numeric(raw[f"popu_urban_{year}"], path, f"popu_urban_{year}")
        parts += [
            _frame("city_population", regions, periods, "A", (people * PERSONS_TO_WAN).round(10)),
            _frame("city_urban_share", regions, periods, "A", (100 * urban / people).round(10)),
            _frame("city_age65_share", regions, periods, "A", _numeric(raw[f"age_65_{year}"], path, f"age_65_{year}")),
            _frame(
                "city_household_size",
                regions,
                periods,
                "A",
                _numeric(raw[f"household_{year}"], path, f"household_{year}"),
            ),
        ]
    return _concat(parts)
