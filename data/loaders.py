"""One loader per shipped source, each returning the canonical long frame.

Columns: ``indicator_id, region_code, period, freq, value``. ``period`` is the first day of the period,
``freq`` is ``A`` (annual), ``Q`` (quarterly) or ``M`` (monthly). A source that marks figures as preliminary adds a
``flag`` column ("preliminary", or missing for a final figure). Units are normalised so that one indicator
has one unit (万元 → 亿元, 万美元 → 亿美元, US$ → 亿美元, persons → 万人; index with previous year = 100 →
% change). A gap in a source stays a missing value: nothing is filled, interpolated or smoothed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from data.datasets import dataset
from data.errors import DataFileMissing, DataFormatError, UnknownRegion
from data.regions import NATIONAL_CODE, region_registry

COLUMNS = ["indicator_id", "region_code", "period", "freq", "value"]
FLAG = "flag"  # optional column: PRELIMINARY, or missing for a final figure
PRELIMINARY = "preliminary"

# Conversion factors, named so a reader can check them: value_in_target_unit = value_in_source_unit * factor.
WAN_TO_YI = 1e-4  # 万元 → 亿元, 万美元 → 亿美元
USD_BILLION_TO_YI_USD = 10.0  # 10 亿美元 = 1 billion US$
USD_TO_YI_USD = 1e-8
PERSONS_TO_WAN = 1e-4
INDEX_PREV_YEAR_100 = "index-100"  # marker: previous year = 100 index → % change (value − 100)

# Provincial panel: source column → (indicator id, factor).
CN_PROV_PANEL_COLUMNS: dict[str, tuple[str, float]] = {
    "gdp": ("gdp", 1.0),
    "gdp_per_capita": ("gdp_per_capita", 1.0),
    "va_primary": ("va_primary", 1.0),
    "va_secondary": ("va_secondary", 1.0),
    "va_tertiary": ("va_tertiary", 1.0),
    "population_total": ("population", 1.0),
    "population_agricultural_hukou": ("population_agri_hukou", 1.0),
    "population_nonagricultural_hukou": ("population_nonagri_hukou", 1.0),
    "rural_household_final_consumption": ("consumption_rural", 1.0),
    "urban_household_final_consumption": ("consumption_urban", 1.0),
    "exports": ("exports", WAN_TO_YI),
    "imports": ("imports", WAN_TO_YI),
    "trade_total": ("trade_total", WAN_TO_YI),
    "fiscal_revenue": ("fiscal_revenue", WAN_TO_YI),
    "fiscal_expenditure": ("fiscal_expenditure", WAN_TO_YI),
    "fixed_asset_investment": ("fixed_asset_investment", WAN_TO_YI),
}

CN_BUDGET_ITEMS = {
    "total": "budget_exp_total",
    "education": "budget_exp_education",
    "science_technology": "budget_exp_science",
    "agriculture_forestry_water": "budget_exp_agriculture",
}

# National monthly files: file stem → {source column: (indicator id, factor)}.
CN_MONTHLY_FILES: dict[str, dict[str, tuple[str, float | str]]] = {
    # ytd_value of the price indices is the Jan–month average index (same period last year = 100): the official
    # cumulative figure, and in December the annual inflation rate that targets are judged against.
    "cpi": {"yoy": ("cpi_yoy", 1.0), "ytd_value": ("cpi_ytd", INDEX_PREV_YEAR_100)},
    "ppi": {"yoy": ("ppi_yoy", 1.0), "ytd_value": ("ppi_ytd", INDEX_PREV_YEAR_100)},
    "manufacturing_pmi": {"value": ("pmi_manufacturing", 1.0), "nonmfg": ("pmi_non_manufacturing", 1.0)},
    "retail_sales": {
        "value": ("retail_sales", 1.0),
        "yoy": ("retail_sales_yoy", 1.0),
        "ytd_value": ("retail_sales_ytd", 1.0),
        "ytd_yoy": ("retail_sales_ytd_yoy", 1.0),
    },
    # Single-month FAI and fiscal revenue are differenced upstream from YTD figures: ship the YTD figures only.
    "fixed_asset_investment": {"ytd_value": ("fai_ytd", 1.0)},
    "fiscal_revenue": {"ytd_value": ("fiscal_revenue_ytd", 1.0), "ytd_yoy": ("fiscal_revenue_ytd_yoy", 1.0)},
    "exports": {"value": ("exports_monthly", USD_BILLION_TO_YI_USD), "yoy": ("exports_yoy", 1.0)},
    "imports": {"value": ("imports_monthly", USD_BILLION_TO_YI_USD), "yoy": ("imports_yoy", 1.0)},
    "money_supply": {
        "m2_yoy": ("m2_yoy", 1.0),
        "m1_yoy": ("m1_yoy", 1.0),
        "m2_level": ("m2", 1.0),
        "m1_level": ("m1", 1.0),
    },
    "new_loans": {"value": ("new_loans", 1.0), "ytd_value": ("new_loans_ytd", 1.0)},
    "social_financing": {"value": ("tsf_increment", 1.0), "rmb_loans": ("tsf_rmb_loans", 1.0)},
}

# Quarterly NBS export: row label (before the first comma-tab) → (indicator id, factor or index marker).
CN_QUARTERLY_ROWS: dict[tuple[str, str], tuple[str, float | str]] = {
    ("nbs_quarterly_gdp_current_prices.csv", "Gross Domestic Product, Current Quarter (100 million yuan)"): (
        "gdp_quarterly",
        1.0,
    ),
    ("nbs_quarterly_gdp_current_prices.csv", "Gross Domestic Product, Accumulated (100 million yuan)"): (
        "gdp_quarterly_ytd",
        1.0,
    ),
    (
        "nbs_quarterly_gdp_current_prices.csv",
        "Value-added of the Primary Industry, Current Quarter (100 million yuan)",
    ): (
        "va_primary_quarterly",
        1.0,
    ),
    (
        "nbs_quarterly_gdp_current_prices.csv",
        "Value-added of the Secondary Industry, Current Quarter (100 million yuan)",
    ): ("va_secondary_quarterly", 1.0),
    (
        "nbs_quarterly_gdp_current_prices.csv",
        "Value-added of the Tertiary Industry, Current Quarter (100 million yuan)",
    ): ("va_tertiary_quarterly", 1.0),
    ("nbs_quarterly_gdp_indices.csv", "Indices of Gross Domestic Product (preceding year=100) , Current Quarter"): (
        "gdp_real_growth_quarterly",
        INDEX_PREV_YEAR_100,
    ),
    ("nbs_quarterly_gdp_indices.csv", "Indices of Gross Domestic Product (preceding year=100) , Accumulated"): (
        "gdp_real_growth_ytd",
        INDEX_PREV_YEAR_100,
    ),
}

WB_COLUMNS: dict[str, tuple[str, float]] = {
    "NY.GDP.MKTP.CD": ("wb_gdp_usd", USD_TO_YI_USD),
    "NY.GDP.MKTP.KD.ZG": ("wb_gdp_growth", 1.0),
    "FP.CPI.TOTL.ZG": ("wb_inflation", 1.0),
    "SL.UEM.TOTL.ZS": ("wb_unemployment", 1.0),
    "NE.TRD.GNFS.ZS": ("wb_trade_gdp", 1.0),
    "NE.GDI.TOTL.ZS": ("wb_capital_formation_gdp", 1.0),
    "BX.KLT.DINV.WD.GD.ZS": ("wb_fdi_inflow_gdp", 1.0),
    "FM.LBL.BMNY.GD.ZS": ("wb_broad_money_gdp", 1.0),
    "SE.SEC.ENRR": ("wb_secondary_enrolment", 1.0),
    "IT.NET.USER.ZS": ("wb_internet_users", 1.0),
    "SP.POP.TOTL": ("wb_population", PERSONS_TO_WAN),
}

EGDI_COLUMNS: dict[str, str] = {
    "egdi": "egdi",
    "osi": "egdi_osi",
    "hci": "egdi_hci",
    "tii": "egdi_tii",
    "epi": "egdi_epi",
    "egdi_rank": "egdi_rank",
}

TARGET_COLUMNS = ["year", "target_id", "indicator_zh", "indicator_en", "comparator", "value", "unit", "wording_zh"]
TARGET_COMPARATORS = {"about", "at_least", "at_most"}


# --- helpers -----------------------------------------------------------------------------------------------


def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    if not path.is_file():
        raise DataFileMissing(code="file_missing", path=path)
    try:
        return pd.read_csv(path, **kwargs)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataFormatError(code="csv_unreadable", path=path, detail=str(exc)) from exc


def _bad_cell(code: str, path: Path, row: int, column: str, value: object, **fields: object) -> DataFormatError:
    """An error naming the file, the row (as numbered in the file), the column and the value."""
    return DataFormatError(code=code, path=path, row=row, column=column, value=value, **fields)


def _require_columns(frame: pd.DataFrame, columns, path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFormatError(code="columns_missing", path=path, missing=missing, found=list(frame.columns))


def _numeric(series: pd.Series, path: Path, column: str, row_offset: int = 2) -> pd.Series:
    """Parse numbers; empty stays missing; anything else non-numeric is an error naming row and column."""
    text = series.astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna() & (text != "")
    if bad.any():
        idx = bad.idxmax()
        raise _bad_cell("cell_not_a_number", path, idx + row_offset, column, text[idx], count=int(bad.sum()))
    return values.astype("float64")


def _scale(values: pd.Series, factor: float | str) -> pd.Series:
    """Apply a unit conversion: a factor, or INDEX_PREV_YEAR_100 (index → % change = value − 100)."""
    if factor == INDEX_PREV_YEAR_100:
        return (values - 100).round(10)
    # Round away float artefacts of unit conversion (1e-4 steps) without touching reported precision.
    return values if factor == 1.0 else (values * factor).round(10)


def _frame(indicator_id: str, regions, periods, freq: str, values) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "region_code": list(regions),
            "period": pd.to_datetime(list(periods)),
            "freq": freq,
            "value": np.asarray(values, dtype="float64"),
        }
    )


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Parts stacked and sorted; the flag column is kept when a part has one (missing in the others)."""
    out = pd.concat(parts, ignore_index=True)
    out = out[[*COLUMNS, FLAG]] if FLAG in out.columns else out[COLUMNS]
    if FLAG in out.columns:
        out[FLAG] = out[FLAG].astype(object).where(out[FLAG].notna(), None)
    return out.sort_values(["indicator_id", "region_code", "period"], ignore_index=True)


def _year_start(years: pd.Series) -> pd.Series:
    return pd.to_datetime(years.astype(int).astype(str) + "-01-01")


# --- loaders -----------------------------------------------------------------------------------------------


def load_cn_prov_panel(root: Path | None = None) -> pd.DataFrame:
    """China provincial annual panel 1949–2022 (31 provinces) plus national annual CPI."""
    ds = dataset("cn_prov_panel")
    path = ds.path("cn_prov_panel_1949_2022_wide.csv", root=root)
    wide = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(wide, ["adcode", "year", *CN_PROV_PANEL_COLUMNS], path)
    registry = region_registry()
    for i, code in enumerate(wide["adcode"]):
        if code not in registry or registry.get(code).kind != "province":
            raise _bad_cell("cell_not_a_province", path, i + 2, "adcode", code)
    periods = _year_start(_numeric(wide["year"], path, "year"))
    parts = [
        _frame(ind, wide["adcode"], periods, "A", _scale(_numeric(wide[col], path, col), factor))
        for col, (ind, factor) in CN_PROV_PANEL_COLUMNS.items()
    ]
    cpi_path = ds.path("cn_national_cpi_annual_1949_2022.csv", root=root)
    cpi = _read_csv(cpi_path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(cpi, ["year", "cpi_prev_year_eq_100"], cpi_path)
    cpi_change = (_numeric(cpi["cpi_prev_year_eq_100"], cpi_path, "cpi_prev_year_eq_100") - 100).round(10)
    parts.append(_frame("cpi_annual", [NATIONAL_CODE] * len(cpi), _year_start(cpi["year"]), "A", cpi_change))
    return _concat(parts)


def load_cn_prov_budget(root: Path | None = None) -> pd.DataFrame:
    """General public budget expenditure by province and function, 2010–2023 (亿元), with the national total."""
    path = dataset("cn_prov_budget_expenditure").path(
        "cn_prov_general_public_budget_expenditure_2010_2023.csv", root=root
    )
    raw = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(raw, ["province", "year", "item_en", "units", "value"], path)
    registry = region_registry()
    codes = []
    for i, name in enumerate(raw["province"]):
        try:
            codes.append(registry.resolve(name).code)
        except UnknownRegion as exc:
            raise _bad_cell("cell_unknown_region", path, i + 2, "province", name, suggestions=exc.suggestions) from None
    units = set(raw["units"])
    if units != {"亿元"}:
        raise DataFormatError(code="column_wrong_unit", path=path, column="units", expected="亿元", found=sorted(units))
    unknown_items = set(raw["item_en"]) - set(CN_BUDGET_ITEMS)
    if unknown_items:
        raise DataFormatError(code="column_unknown_items", path=path, column="item_en", items=sorted(unknown_items))
    frame = pd.DataFrame(
        {
            "indicator_id": raw["item_en"].map(CN_BUDGET_ITEMS),
            "region_code": codes,
            "period": _year_start(_numeric(raw["year"], path, "year")),
            "freq": "A",
            "value": _numeric(raw["value"], path, "value"),
        }
    )
    return _concat([frame])


def load_cn_macro_monthly(root: Path | None = None) -> pd.DataFrame:
    """National monthly macro series 2006/2008–2026 (CPI, PPI, PMI, retail sales, trade, money, credit…)."""
    ds = dataset("cn_macro_monthly")
    parts = []
    for stem, columns in CN_MONTHLY_FILES.items():
        path = ds.path(f"{stem}.csv", root=root)
        raw = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        _require_columns(raw, ["date", *columns], path)
        periods = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
        if periods.isna().any():
            i = int(periods.isna().idxmax())
            raise _bad_cell("cell_not_a_date", path, i + 2, "date", raw["date"][i])
        if (periods.dt.day != 1).any():
            raise DataFormatError(code="column_not_month_start", path=path, column="date")
        for col, (ind, factor) in columns.items():
            parts.append(
                _frame(ind, [NATIONAL_CODE] * len(raw), periods, "M", _scale(_numeric(raw[col], path, col), factor))
            )
    return _concat(parts)


_QUARTER = re.compile(r"^([1-4])Q (\d{4})$")


def _parse_nbs_quarterly(path: Path) -> tuple[list[pd.Timestamp], dict[str, list[str]]]:
    """Parse an NBS data.stats.gov.cn export: a 'Indicators' header row of quarters, then one row per series."""
    if not path.is_file():
        raise DataFileMissing(code="file_missing", path=path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header_idx = next((i for i, line in enumerate(lines) if line.startswith("Indicators")), None)
    if header_idx is None:
        raise DataFormatError(code="nbs_no_header", path=path)
    cells = [c.strip() for c in lines[header_idx].split("\t,")[1:]]
    quarters = []
    for cell in (c.rstrip(",").strip() for c in cells):
        if not cell:
            continue
        m = _QUARTER.match(cell)
        if not m:
            raise DataFormatError(code="nbs_bad_quarter", path=path, line=header_idx + 1, value=cell)
        quarters.append(pd.Timestamp(year=int(m.group(2)), month=3 * int(m.group(1)) - 2, day=1))
    rows = {}
    for line in lines[header_idx + 1 :]:
        if "\t," not in line:
            continue  # footnotes
        label, *values = line.split("\t,")
        values = [v.rstrip(",").strip() for v in values]
        rows[label.strip()] = values[: len(quarters)]
    return quarters, rows


def load_cn_gdp_quarterly(root: Path | None = None) -> pd.DataFrame:
    """National quarterly GDP (current prices, 亿元) and real growth (%), 2021Q4–2026Q1."""
    ds = dataset("cn_gdp_quarterly")
    parsed: dict[str, tuple[list[pd.Timestamp], dict[str, list[str]]]] = {}
    parts = []
    for (file, label), (ind, conversion) in CN_QUARTERLY_ROWS.items():
        path = ds.path(file, root=root)
        if file not in parsed:
            parsed[file] = _parse_nbs_quarterly(path)
        quarters, rows = parsed[file]
        if label not in rows:
            raise DataFormatError(code="row_missing", path=path, label=label)
        values = _scale(_numeric(pd.Series(rows[label]), path, label), conversion)
        parts.append(_frame(ind, [NATIONAL_CODE] * len(quarters), quarters, "Q", values))
    return _concat(parts)


def load_wb_wdi(root: Path | None = None) -> pd.DataFrame:
    """World Bank WDI country panel 1990–2025: economies and the world total (other aggregates left out)."""
    path = dataset("wb_wdi").path("wb_country_panel_1990_2025_wide.csv", root=root)
    wide = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(wide, ["iso3", "year", *WB_COLUMNS], path)
    registry = region_registry()
    wide = wide[wide["iso3"].map(lambda c: c in registry and registry.get(c).kind == "country")]
    wide = wide.reset_index(drop=True)
    periods = _year_start(_numeric(wide["year"], path, "year"))
    parts = [
        _frame(ind, wide["iso3"], periods, "A", _scale(_numeric(wide[col], path, col), factor))
        for col, (ind, factor) in WB_COLUMNS.items()
    ]
    return _concat(parts)


def load_un_egdi(root: Path | None = None) -> pd.DataFrame:
    """UN E-Government Development Index and components, survey years 2010–2024 (2020 missing)."""
    path = dataset("un_egdi").path("un_egdi_2010_2024_long.csv", root=root)
    raw = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(raw, ["iso3", "survey_year", *EGDI_COLUMNS], path)
    periods = _year_start(_numeric(raw["survey_year"], path, "survey_year"))
    parts = []
    for col, ind in EGDI_COLUMNS.items():
        # The source export carries float artefacts (0.8535299999999999): 10 decimals keeps every reported digit.
        parts.append(_frame(ind, raw["iso3"], periods, "A", _numeric(raw[col], path, col).round(10)))
    return _concat(parts)


def load_cn_targets(root: Path | None = None) -> pd.DataFrame:
    """Published national targets from the Government Work Reports, one row per year and target."""
    path = dataset("cn_national_targets").path("cn_national_targets.csv", root=root)
    raw = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(raw, [*TARGET_COLUMNS, "source"], path)
    bad = ~raw["comparator"].isin(TARGET_COMPARATORS)
    if bad.any():
        i = int(bad.idxmax())
        allowed = sorted(TARGET_COMPARATORS)
        raise _bad_cell("cell_not_allowed", path, i + 2, "comparator", raw["comparator"][i], allowed=allowed)
    out = raw.copy()
    out["year"] = _numeric(raw["year"], path, "year").astype(int)
    out["value"] = _numeric(raw["value"], path, "value")
    return out
