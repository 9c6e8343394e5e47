"""Loader of the NBS data-portal exports (国家数据 · 分省年度数据), one vintage: after the fifth economic census.

The portal exports a table per query: a few `数据库：` / `指标：` / `时间：` lines, a header row starting with `地区`,
one row per province, then footnotes (`注：…`, `数据来源：国家统计局`). Two layouts are shipped: years across
(`地区, 2024年, 2023年, …`: one indicator) and indicators across (`地区, 地区生产总值 (亿元), …`: one year, named in
the `时间：` line). Cells are separated by a tab and a comma (the UTF-8 files) or a comma (the GBK file).

`load_cn_prov_nbs` returns the canonical long frame plus a `flag` column: "preliminary" for the 2025 GDP per
capita, which NBS marks as a preliminary figure, and missing for final figures. A single empty cell stays a gap; a
year column with no value at all (the empty 2025 column of an export made before 2025 was published) is left out,
since that year is simply not in the release. Errors name the file, the line and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data.datasets import dataset
from data.errors import DataFileMissing, DataFormatError
from data.loaders import (
    FLAG,
    INDEX_PREV_YEAR_100,
    PRELIMINARY,
    _bad_cell,
    _concat,
    _frame,
    _numeric,
    _read_csv,
    _require_columns,
    _scale,
    _year_start,
)
from data.regions import region_registry

DATASET = "cn_prov_nbs"
TAB_COMMA = "\t,"
REGION_HEADER = "地区"
NOTE_STARTS = ("注", "数据来源")
_YEAR = re.compile(r"^(\d{4})年$")

# Years-across files: file → (indicator id, conversion). Read as UTF-8 with BOM, cells separated by tab-comma.
YEAR_COLUMN_FILES: dict[str, tuple[str, float | str]] = {
    "liushenwuzhu/gdp_index_prev_year_100_2015_2024.csv": ("gdp_real_growth", INDEX_PREV_YEAR_100),
    "liushenwuzhu/disposable_income_per_capita_2016_2024.csv": ("disposable_income_pc", 1.0),
    "liushenwuzhu/consumption_expenditure_per_capita.csv": ("consumption_pc", 1.0),
    "liushenwuzhu/local_budget_revenue_2016_2024.csv": ("fiscal_revenue", 1.0),
    "liushenwuzhu/retail_sales_2016_2024.csv": ("retail_sales_annual", 1.0),
    "liushenwuzhu/cpi_prev_year_100_2016_2024.csv": ("cpi_annual", INDEX_PREV_YEAR_100),
    "liushenwuzhu/urban_employed.csv": ("urban_unit_employment", 1.0),
}
# GDP 2006–2024: GBK, comma-separated, its indicator named in the `指标：` line (checked).
GDP_FILE = "renjiyi163/prov_gdp_2006_2024_gbk.csv"
GDP_INDICATOR_LINE = "地区生产总值(亿元)"

# Indicators-across files: one year each. GDP itself is read from GDP_FILE (the two agree; a test checks it).
SECTOR_COLUMNS = {
    "第一产业增加值 (亿元)": "va_primary",
    "第二产业增加值 (亿元)": "va_secondary",
    "第三产业增加值 (亿元)": "va_tertiary",
    "农林牧渔业增加值 (亿元)": "va_agriculture",
    "工业增加值 (亿元)": "va_industry",
    "建筑业增加值 (亿元)": "va_construction",
    "批发和零售业增加值 (亿元)": "va_wholesale_retail",
    "交通运输、仓储和邮政业增加值 (亿元)": "va_transport",
    "住宿和餐饮业增加值 (亿元)": "va_hotels_catering",
    "金融业增加值 (亿元)": "va_finance",
    "房地产业增加值 (亿元)": "va_real_estate",
    "其他行业增加值 (亿元)": "va_other_services",
    "人均地区生产总值 (元/人)": "gdp_per_capita",
}
SECTOR_YEARS = range(2019, 2025)


@dataclass(frozen=True)
class YearTable:
    """A one-year, indicators-across export; `year` None when the file states no year (checked to be blank)."""

    file: str
    year: int
    columns: dict[str, str]
    states_year: bool = True
    flag: str | None = None


YEAR_TABLES = [
    *(YearTable(f"liushenwuzhu/gdp_by_sector_{y}.csv", y, SECTOR_COLUMNS) for y in SECTOR_YEARS),
    YearTable("liushenwuzhu/population_2024.csv", 2024, {"年末常住人口 (万人)": "population"}),
    # The export's time line is blank; the year was confirmed when the file was copied (see SOURCE.md).
    YearTable(
        "liushenwuzhu/gdp_per_capita_2025_preliminary.csv",
        2025,
        {"人均地区生产总值 (元/人)": "gdp_per_capita"},
        states_year=False,
        flag=PRELIMINARY,
    ),
]

# The budget sheet, converted once from .xls (renjiyi163/convert_budget_xls.py): long rows item, province, year.
BUDGET_FILE = "renjiyi163/prov_budget_expenditure_2007_2024.csv"
BUDGET_ITEMS = {"一般公共预算支出（亿元）i": "fiscal_expenditure"}  # 财政支出 2005–2006 (old classification): unused


@dataclass(frozen=True)
class PortalRow:
    line: int  # as numbered in the file, from 1
    region: str
    cells: list[str]


@dataclass(frozen=True)
class PortalExport:
    """One export as read: the `数据库/指标/时间` lines, the header after `地区`, the province rows, the footnotes."""

    path: Path
    meta: dict[str, str]
    header: list[str]
    rows: list[PortalRow]
    notes: list[str]


def read_export(path: Path, encoding: str = "utf-8-sig", delimiter: str = TAB_COMMA) -> PortalExport:
    """Split a portal export into its parts.

    Raises:
        DataFileMissing: no such file.
        DataFormatError: undecodable text, no `地区` header, or a row with more or fewer cells than the header.
    """
    if not path.is_file():
        raise DataFileMissing(code="file_missing", path=path)
    try:
        lines = path.read_text(encoding=encoding).splitlines()
    except UnicodeDecodeError as exc:
        raise DataFormatError(code="portal_undecodable", path=path, encoding=encoding, detail=str(exc)) from None
    meta: dict[str, str] = {}
    header: list[str] | None = None
    rows: list[PortalRow] = []
    notes: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(delimiter)]
        if len(cells) > 1 and cells[-1] == "":
            cells = cells[:-1]  # the exports end every row with a delimiter
        if header is None:
            key, colon, value = cells[0].partition("：")
            if cells[0] == REGION_HEADER:
                header = cells[1:]
            elif colon:
                meta[key.strip()] = value.strip()
            continue
        if notes or cells[0].startswith(NOTE_STARTS):
            notes.append(line.strip())
            continue
        if len(cells) - 1 != len(header):
            raise DataFormatError(
                code="portal_ragged_row", path=path, row=number, expected=len(header), found=len(cells) - 1
            )
        rows.append(PortalRow(number, cells[0], cells[1:]))
    if header is None:
        raise DataFormatError(code="portal_no_header", path=path)
    return PortalExport(path, meta, header, rows, notes)


def _region_codes(export: PortalExport) -> list[str]:
    registry, codes, seen = region_registry(), [], set()
    for row in export.rows:
        region = registry.find(row.region, kind="province")
        if region is None:
            close = registry.suggest(row.region, "province")
            raise _bad_cell("cell_unknown_region", export.path, row.line, REGION_HEADER, row.region, suggestions=close)
        if region.code in seen:
            raise _bad_cell("portal_duplicate_region", export.path, row.line, REGION_HEADER, row.region)
        seen.add(region.code)
        codes.append(region.code)
    return codes


def _column_values(export: PortalExport, index: int) -> list[float]:
    """Numbers of one column; an empty cell is missing, anything else non-numeric an error naming line and column."""
    values = []
    for row in export.rows:
        text = row.cells[index]
        try:
            values.append(float(text) if text else float("nan"))
        except ValueError:
            raise _bad_cell("cell_not_a_number", export.path, row.line, export.header[index], text, count=1) from None
    return values


def _years(export: PortalExport) -> list[int]:
    years = []
    for label in export.header:
        match = _YEAR.match(label)
        if not match:
            raise DataFormatError(code="portal_bad_year", path=export.path, value=label)
        years.append(int(match.group(1)))
    return years


def _years_across(export: PortalExport, indicator_id: str, conversion: float | str) -> pd.DataFrame:
    codes, parts = _region_codes(export), []
    for i, year in enumerate(_years(export)):
        values = pd.Series(_column_values(export, i))
        if values.isna().all():
            continue  # a year the release does not hold yet
        parts.append(_frame(indicator_id, codes, [f"{year}-01-01"] * len(codes), "A", _scale(values, conversion)))
    return _concat(parts)


def _indicators_across(export: PortalExport, table: YearTable) -> pd.DataFrame:
    stated = export.meta.get("时间", "")
    if table.states_year and stated != f"{table.year}年":
        raise DataFormatError(code="portal_wrong_year", path=export.path, expected=f"{table.year}年", found=stated)
    if not table.states_year and stated:
        raise DataFormatError(code="portal_wrong_year", path=export.path, expected="", found=stated)
    missing = [c for c in table.columns if c not in export.header]
    if missing:
        raise DataFormatError(code="columns_missing", path=export.path, missing=missing, found=export.header)
    codes, parts = _region_codes(export), []
    for column, indicator_id in table.columns.items():
        values = _column_values(export, export.header.index(column))
        parts.append(_frame(indicator_id, codes, [f"{table.year}-01-01"] * len(codes), "A", values))
    frame = _concat(parts)
    return frame.assign(**{FLAG: table.flag}) if table.flag else frame


def _budget(path: Path) -> pd.DataFrame:
    raw = _read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    _require_columns(raw, ["item", "province", "year", "value"], path)
    registry, parts = region_registry(), []
    for item, indicator_id in BUDGET_ITEMS.items():
        rows = raw[raw["item"] == item]
        codes = []
        for i, name in zip(rows.index, rows["province"], strict=True):
            region = registry.find(name, kind="province")
            if region is None:
                suggestions = registry.suggest(name, "province")
                raise _bad_cell("cell_unknown_region", path, i + 2, "province", name, suggestions=suggestions)
            codes.append(region.code)
        years = _year_start(_numeric(rows["year"], path, "year"))
        parts.append(_frame(indicator_id, codes, years, "A", _numeric(rows["value"], path, "value")))
    return _concat(parts)


def load_cn_prov_nbs(root: Path | None = None) -> pd.DataFrame:
    """Provincial annual data from the NBS portal, fifth-economic-census vintage: GDP 2006–2024, sectors 2019–2024,
    real growth, income, consumption, budget, retail sales, CPI, employment; GDP per capita 2025 (preliminary)."""
    ds = dataset(DATASET)
    gdp = read_export(ds.path(GDP_FILE, root=root), encoding="gbk", delimiter=",")
    if gdp.meta.get("指标") != GDP_INDICATOR_LINE:
        raise DataFormatError(
            code="portal_wrong_indicator", path=gdp.path, expected=GDP_INDICATOR_LINE, found=gdp.meta.get("指标", "")
        )
    parts = [_years_across(gdp, "gdp", 1.0)]
    for file, (indicator_id, conversion) in YEAR_COLUMN_FILES.items():
        parts.append(_years_across(read_export(ds.path(file, root=root)), indicator_id, conversion))
    for table in YEAR_TABLES:
        parts.append(_indicators_across(read_export(ds.path(table.file, root=root)), table))
    parts.append(_budget(ds.path(BUDGET_FILE, root=root)))
    return _concat(parts)
