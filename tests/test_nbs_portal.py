"""The NBS portal exports (cn_prov_nbs): spot values against the source files, the preliminary flag, bad files named."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from data import PRELIMINARY, DataFormatError, dataset
from data.datasets import SHIPPED_DIR
from data.loaders import load_cn_prov_budget
from data.nbs_portal import (
    BUDGET_FILE,
    GDP_FILE,
    SECTOR_COLUMNS,
    SECTOR_YEARS,
    load_cn_prov_nbs,
    read_export,
)
from data.regions import region_registry


def value(frame: pd.DataFrame, indicator: str, region: str, year: int) -> float:
    rows = frame[
        (frame["indicator_id"] == indicator)
        & (frame["region_code"] == region)
        & (frame["period"] == pd.Timestamp(f"{year}-01-01"))
    ]
    assert len(rows) == 1, f"expected one row for {indicator} {region} {year}, got {len(rows)}"
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def nbs():
    """The portal exports as loaded."""
    return load_cn_prov_nbs()


@pytest.mark.parametrize(
    ("indicator", "region", "year", "expected"),
    [
        ("gdp", "440000", 2024, 141488.9),  # Guangdong GDP 2024, 亿元 (issue 13)
        ("gdp", "210000", 2014, 20381.5),  # Liaoning 2014: the census-revised figure, not 20,026 (issue 13)
        ("gdp", "210000", 2013, 19534.3),  # Liaoning 2013: not the first-published 27,078 (SOURCE.md)
        ("gdp", "150000", 2013, 11584.9),  # Inner Mongolia (SOURCE.md)
        ("gdp", "120000", 2019, 14097.2),  # Tianjin (SOURCE.md)
        ("fiscal_expenditure", "110000", 2024, 8396.49),  # Beijing budget expenditure 2024 (SOURCE.md)
        ("gdp_per_capita", "110000", 2025, 238705.0),  # Beijing 2025, preliminary (SOURCE.md)
        ("gdp_real_growth", "420000", 2020, -5.4),  # Hubei 2020: index 94.6 → −5.4 %
        ("cpi_annual", "310000", 2016, 3.2),  # Shanghai CPI 2016: index 103.2
        ("disposable_income_pc", "310000", 2024, 88366.0),
        ("population", "440000", 2024, 12780.0),
        ("va_industry", "440000", 2024, 47682.6),
    ],
)
def test_spot_values_from_the_source_files(nbs, indicator, region, year, expected):
    assert value(nbs, indicator, region, year) == pytest.approx(expected, abs=1e-9)


def test_every_file_covers_the_31_provinces_without_a_gap(nbs):
    mainland = {r.code for r in region_registry().provinces()} - {"710000", "810000", "820000"}
    assert set(nbs["region_code"]) == mainland and len(mainland) == 31
    counts = nbs.groupby(["indicator_id", "period"])["region_code"].nunique()
    assert (counts == 31).all()
    assert nbs["value"].notna().all()


def test_the_empty_2025_columns_are_not_a_year_of_gaps(nbs):
    # The index and retail files have an empty 2025 column (exported before 2025 was published).
    for indicator in ("gdp_real_growth", "retail_sales_annual"):
        assert nbs.loc[nbs["indicator_id"] == indicator, "period"].max() == pd.Timestamp("2024-01-01")


def test_only_the_2025_gdp_per_capita_is_preliminary(nbs):
    flagged = nbs[nbs["flag"].notna()]
    assert set(flagged["flag"]) == {PRELIMINARY}
    assert set(flagged["indicator_id"]) == {"gdp_per_capita"} and set(flagged["period"].dt.year) == {2025}
    assert len(flagged) == 31


def test_gdp_from_the_long_file_equals_the_sector_files(nbs):
    # SOURCE.md: for 186 province-years (2019–2024) the two repositories agree exactly on GDP.
    for year in SECTOR_YEARS:
        export = read_export(dataset("cn_prov_nbs").path(f"liushenwuzhu/gdp_by_sector_{year}.csv"))
        column = export.header.index("地区生产总值 (亿元)")
        codes = [region_registry().find(r.region, kind="province").code for r in export.rows]
        for code, row in zip(codes, export.rows, strict=True):
            assert value(nbs, "gdp", code, year) == float(row.cells[column]), (code, year)


def test_gdp_is_the_sum_of_its_sectors_within_rounding(nbs):
    wide = nbs[nbs["indicator_id"].isin(["gdp", "va_primary", "va_secondary", "va_tertiary"])].pivot_table(
        index=["region_code", "period"], columns="indicator_id", values="value"
    )
    wide = wide.dropna()
    assert len(wide) == 31 * len(SECTOR_YEARS)
    gap = (wide["gdp"] - wide[["va_primary", "va_secondary", "va_tertiary"]].sum(axis=1)).abs()
    assert gap.max() <= 0.6  # SOURCE.md


def test_every_sector_column_is_loaded(nbs):
    assert set(SECTOR_COLUMNS.values()) <= set(nbs["indicator_id"])


def test_budget_csv_matches_the_yearbook_dataset():
    # An independent check of the one-off .xls conversion: the yearbook budget dataset (another distributor)
    # has the same totals for 2010–2023.
    nbs = load_cn_prov_nbs()
    ours = nbs[nbs["indicator_id"] == "fiscal_expenditure"].set_index(["region_code", "period"])["value"]
    yearbook = load_cn_prov_budget()
    theirs = yearbook[(yearbook["indicator_id"] == "budget_exp_total") & (yearbook["region_code"] != "100000")]
    theirs = theirs.set_index(["region_code", "period"])["value"]
    both = pd.concat([ours.rename("ours"), theirs.rename("theirs")], axis=1, join="inner")
    assert len(both) == 31 * 14
    assert np.allclose(both["ours"], both["theirs"], atol=0.006)


def test_budget_csv_is_the_xls_converted_and_nothing_else():
    raw = pd.read_csv(dataset("cn_prov_nbs").path(BUDGET_FILE), dtype=str)
    assert list(raw.columns) == ["item", "province", "year", "value"]
    beijing = raw[(raw["province"] == "北京") & (raw["year"] == "2024")]
    assert beijing["value"].tolist() == ["8396.49"]
    assert raw.groupby("item").size().to_dict() == {"一般公共预算支出（亿元）i": 31 * 18, "财政支出（亿元）i": 31 * 2}


def test_the_gdp_file_footnote_states_the_revision():
    export = read_export(dataset("cn_prov_nbs").path(GDP_FILE), encoding="gbk", delimiter=",")
    assert any("第五次全国经济普查" in note and "1992年-2023年" in note for note in export.notes)


# --- bad files ---------------------------------------------------------------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path):
    """A writable copy of the shipped portal exports, to damage."""
    target = tmp_path / "shipped"
    shutil.copytree(SHIPPED_DIR / "cn_prov_nbs", target / "cn_prov_nbs")
    return target


@pytest.mark.parametrize(
    ("relative", "encoding", "old", "new", "message"),
    [
        (
            "liushenwuzhu/retail_sales_2016_2024.csv",
            "utf-8-sig",
            "北京市\t,\t,14092.4",
            "北京市\t,\t,14O92.4",
            r"retail_sales_2016_2024.csv: row 4, column '2024年': '14O92.4' is not a number",
        ),
        (
            "liushenwuzhu/cpi_prev_year_100_2016_2024.csv",
            "utf-8-sig",
            "天津市\t,",
            "天津卫\t,",
            r"row 5, column '地区': unknown region '天津卫'",
        ),
        (
            "liushenwuzhu/urban_employed.csv",
            "utf-8-sig",
            "河北省\t,567.9\t,",
            "河北省\t,567.9\t,1\t,",
            r"urban_employed.csv: row 6 has 10 value cell\(s\); the header has 9",
        ),
        (
            "liushenwuzhu/gdp_by_sector_2021.csv",
            "utf-8-sig",
            "时间：2021年",
            "时间：2020年",
            r"gdp_by_sector_2021.csv: the '时间' \(time\) line should read '2021年'; it reads '2020年'",
        ),
        (
            "liushenwuzhu/population_2024.csv",
            "utf-8-sig",
            "年末常住人口 (万人)",
            "年末户籍人口 (万人)",
            r"population_2024.csv: missing column\(s\) 年末常住人口 \(万人\)",
        ),
        (
            "liushenwuzhu/disposable_income_per_capita_2016_2024.csv",
            "utf-8-sig",
            "\t,2024年",
            "\t,2024",
            r"header '2024' is not a year like '2024年'",
        ),
        (
            "renjiyi163/prov_gdp_2006_2024_gbk.csv",
            "gbk",
            "指标：地区生产总值(亿元)",
            "指标：人均地区生产总值(元)",
            r"the '指标' \(indicator\) line should read '地区生产总值\(亿元\)'",
        ),
        (
            "renjiyi163/prov_budget_expenditure_2007_2024.csv",
            "utf-8",
            "北京,2024,8396.49",
            "北京,2024,8396,49",
            r"cannot be read as CSV",
        ),
    ],
)
def test_damaged_export_names_row_column_and_problem(shipped_copy, relative, encoding, old, new, message):
    path = shipped_copy / "cn_prov_nbs" / relative
    text = path.read_text(encoding=encoding)
    assert old in text, "the damage must apply to the real file"
    path.write_text(text.replace(old, new, 1), encoding=encoding)
    with pytest.raises(DataFormatError, match=message) as caught:
        load_cn_prov_nbs(root=shipped_copy)
    zh = caught.value.message("zh")
    assert path.name in zh and re.search(r"[\u4e00-\u9fff]", zh.replace(str(path), ""))
    for name in ("row", "column", "value"):
        if name in caught.value.fields:
            assert str(caught.value.fields[name]) in zh


def test_an_export_without_its_header_is_named(shipped_copy):
    path = shipped_copy / "cn_prov_nbs" / "liushenwuzhu" / "consumption_expenditure_per_capita.csv"
    path.write_text("数据库：分省年度数据\n时间：\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="no header row starting with '地区'"):
        load_cn_prov_nbs(root=shipped_copy)
