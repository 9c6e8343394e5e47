"""Loaders: counts and spot values against the source files, unit normalisation, gaps kept, bad files named."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from data import DataFileMissing, DataFormatError, dataset, loaders
from data.datasets import SHIPPED_DIR
from data.loaders import (
    CN_MONTHLY_FILES,
    CN_PROV_PANEL_COLUMNS,
    WB_COLUMNS,
    load_cn_gdp_quarterly,
    load_cn_macro_monthly,
    load_cn_prov_budget,
    load_cn_prov_panel,
    load_cn_targets,
    load_un_egdi,
    load_wb_wdi,
)


def value(frame: pd.DataFrame, indicator: str, region: str, period: str) -> float:
    rows = frame[
        (frame["indicator_id"] == indicator)
        & (frame["region_code"] == region)
        & (frame["period"] == pd.Timestamp(period))
    ]
    assert len(rows) == 1, f"expected one row for {indicator} {region} {period}, got {len(rows)}"
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def panel():
    """The provincial annual panel as loaded."""
    return load_cn_prov_panel()


@pytest.fixture(scope="module")
def panel_source():
    """The provincial panel source file as text cells."""
    return pd.read_csv(dataset("cn_prov_panel").path("cn_prov_panel_1949_2022_wide.csv"), dtype=str)


@pytest.mark.parametrize(
    ("indicator", "region", "period", "expected"),
    [
        ("gdp", "440000", "2022-01-01", 129118.6),  # Guangdong GDP 2022, 亿元 (SOURCE.md spot check)
        ("gdp", "440000", "2021-01-01", 124369.67),
        ("population", "110000", "2022-01-01", 2184.0),  # Beijing resident population 2022, 万人
        ("fiscal_revenue", "440000", "2020-01-01", 12923.85),  # 129238500 万元 → 亿元
    ],
)
def test_panel_spot_values(panel, indicator, region, period, expected):
    assert value(panel, indicator, region, period) == pytest.approx(expected, abs=1e-9)


def test_panel_has_one_row_per_source_row_and_indicator(panel, panel_source):
    counts = panel[panel["region_code"] != "100000"].groupby("indicator_id").size()
    assert set(counts.index) == {ind for ind, _ in CN_PROV_PANEL_COLUMNS.values()}
    assert (counts == len(panel_source)).all()
    assert panel["region_code"].nunique() == 32  # 31 provinces + the national CPI series


@pytest.mark.parametrize(
    ("column", "indicator", "factor"), [(c, i, f) for c, (i, f) in CN_PROV_PANEL_COLUMNS.items() if f != 1.0]
)
def test_panel_units_converted_from_the_source(panel, panel_source, column, indicator, factor):
    source = panel_source[["adcode", "year", column]].dropna()
    sample = source.sample(25, random_state=1) if len(source) > 25 else source
    for _, row in sample.iterrows():
        loaded = value(panel, indicator, row["adcode"], f"{row['year']}-01-01")
        assert loaded == pytest.approx(float(row[column]) * factor, rel=1e-12)


def test_panel_gaps_stay_gaps(panel, panel_source):
    # NBS stopped publishing provincial fixed-asset investment levels: the 2022 cells are empty in the source.
    assert panel_source.loc[panel_source["year"] == "2022", "fixed_asset_investment"].isna().all()
    fai_2022 = panel[(panel["indicator_id"] == "fixed_asset_investment") & (panel["period"] == "2022-01-01")]
    assert len(fai_2022) == 31 and fai_2022["value"].isna().all()
    missing_in_source = panel_source["gdp"].isna().sum()
    assert panel[panel["indicator_id"] == "gdp"]["value"].isna().sum() == missing_in_source


def test_national_cpi_is_percent_change(panel):
    raw = pd.read_csv(dataset("cn_prov_panel").path("cn_national_cpi_annual_1949_2022.csv"))
    row = raw[raw["year"] == 1951].iloc[0]
    assert value(panel, "cpi_annual", "100000", "1951-01-01") == pytest.approx(row["cpi_prev_year_eq_100"] - 100)
    assert np.isnan(value(panel, "cpi_annual", "100000", "1949-01-01"))


def test_budget_rows_codes_and_gaps():
    frame = load_cn_prov_budget()
    assert len(frame) == 1756
    assert value(frame, "budget_exp_total", "110000", "2023-01-01") == pytest.approx(7971.25)
    national = frame[(frame["region_code"] == "100000") & (frame["indicator_id"] == "budget_exp_total")]
    assert national["period"].dt.year.min() == 2019  # 全国 is missing 2010–2018 in the source: not invented
    assert frame["region_code"].nunique() == 32


def test_monthly_rows_match_files_and_spot_values():
    frame = load_cn_macro_monthly()
    folder = dataset("cn_macro_monthly")
    for stem, columns in CN_MONTHLY_FILES.items():
        n_rows = len(pd.read_csv(folder.path(f"{stem}.csv")))
        for indicator, _ in columns.values():
            assert (frame["indicator_id"] == indicator).sum() == n_rows, indicator
    assert value(frame, "pmi_manufacturing", "100000", "2020-02-01") == 35.7
    assert value(frame, "pmi_non_manufacturing", "100000", "2020-02-01") == 29.6
    assert value(frame, "retail_sales_ytd", "100000", "2020-02-01") == 52129.8
    assert value(frame, "retail_sales_ytd_yoy", "100000", "2020-02-01") == -20.5
    assert value(frame, "m2_yoy", "100000", "2024-12-01") == 7.3
    assert value(frame, "fiscal_revenue_ytd", "100000", "2024-12-01") == 219702.0


def test_monthly_combined_january_february_stays_a_gap():
    frame = load_cn_macro_monthly()
    raw = pd.read_csv(dataset("cn_macro_monthly").path("retail_sales.csv"))
    combined = raw.loc[raw["jan_feb_combined"], "date"]
    assert len(combined) > 10
    for date in combined:
        assert np.isnan(value(frame, "retail_sales", "100000", date))


def test_monthly_trade_converted_to_yi_usd():
    frame = load_cn_macro_monthly()
    raw = pd.read_csv(dataset("cn_macro_monthly").path("exports.csv"))
    first = raw.iloc[0]
    assert value(frame, "exports_monthly", "100000", first["date"]) == pytest.approx(first["value"] * 10)


def test_quarterly_gdp_parsed():
    frame = load_cn_gdp_quarterly()
    assert (frame["indicator_id"] == "gdp_quarterly").sum() == 18
    assert value(frame, "gdp_quarterly_ytd", "100000", "2023-10-01") == 1294271.7  # census-revised 2023 total
    assert value(frame, "gdp_quarterly", "100000", "2026-01-01") == 334192.9
    assert value(frame, "gdp_real_growth_quarterly", "100000", "2022-04-01") == pytest.approx(0.8)  # index 100.8
    assert value(frame, "gdp_real_growth_ytd", "100000", "2021-10-01") == pytest.approx(8.6)


def test_world_bank_units_and_coverage():
    frame = load_wb_wdi()
    raw = pd.read_csv(dataset("wb_wdi").path("wb_country_panel_1990_2025_wide.csv"))
    chn = raw[(raw["iso3"] == "CHN") & (raw["year"] == 2022)].iloc[0]
    assert value(frame, "wb_population", "CHN", "2022-01-01") == pytest.approx(chn["SP.POP.TOTL"] / 1e4)
    assert value(frame, "wb_gdp_usd", "CHN", "2022-01-01") == pytest.approx(chn["NY.GDP.MKTP.CD"] / 1e8)
    assert value(frame, "wb_gdp_growth", "CHN", "2022-01-01") == pytest.approx(chn["NY.GDP.MKTP.KD.ZG"])
    meta = pd.read_csv(dataset("wb_wdi").path("wb_country_metadata.csv"))
    economies = set(meta.loc[meta["Region"].notna(), "Country Code"]) | {"WLD"}
    expected_rows = raw["iso3"].isin(economies).sum()
    assert (frame["indicator_id"] == "wb_population").sum() == expected_rows
    assert set(frame["region_code"]) <= economies and "EAS" not in set(frame["region_code"])
    assert frame["indicator_id"].nunique() == len(WB_COLUMNS)


def test_egdi_values_and_missing_survey_year():
    frame = load_un_egdi()
    assert value(frame, "egdi", "CHN", "2024-01-01") == pytest.approx(0.87184)
    assert value(frame, "egdi_rank", "CHN", "2024-01-01") == 35
    assert value(frame, "egdi", "ALB", "2010-01-01") == 0.45192
    years = set(frame["period"].dt.year)
    assert years == {2010, 2012, 2014, 2016, 2018, 2022, 2024}  # no 2020 survey: not invented


def test_targets_loaded_with_comparators():
    targets = load_cn_targets()
    assert len(targets) == 23
    row = targets[(targets["year"] == 2024) & (targets["target_id"] == "gdp_growth")].iloc[0]
    assert (row["comparator"], row["value"], row["wording_zh"]) == ("about", 5.0, "5%左右")


def test_observations_union_is_canonical(obs):
    assert list(obs.columns) == [*loaders.COLUMNS, loaders.FLAG]
    assert set(obs[loaders.FLAG].dropna()) == {loaders.PRELIMINARY}
    assert obs["value"].dtype == "float64" and str(obs["period"].dtype).startswith("datetime64")
    assert set(obs["freq"]) == {"A", "Q", "M"}
    assert not obs.duplicated(["indicator_id", "region_code", "period"]).any()


# --- bad files ---------------------------------------------------------------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path):
    """A writable copy of the shipped data folder, to damage."""
    target = tmp_path / "shipped"
    shutil.copytree(SHIPPED_DIR, target, ignore=shutil.ignore_patterns("boundaries_*"))
    return target


def test_missing_file_names_the_file(shipped_copy):
    (shipped_copy / "cn_prov_panel" / "cn_prov_panel_1949_2022_wide.csv").unlink()
    with pytest.raises(DataFileMissing, match="cn_prov_panel_1949_2022_wide.csv: file not found") as caught:
        load_cn_prov_panel(root=shipped_copy)
    assert caught.value.message("zh").endswith("cn_prov_panel_1949_2022_wide.csv：找不到文件。")


@pytest.mark.parametrize(
    ("loader", "relative", "old", "new", "message"),
    [
        (
            load_cn_prov_panel,
            "cn_prov_panel/cn_prov_panel_1949_2022_wide.csv",
            ",2.77,",
            ",2.77x,",
            r"row 2, column 'gdp': '2.77x' is not a number",
        ),
        (
            load_cn_prov_panel,
            "cn_prov_panel/cn_prov_panel_1949_2022_wide.csv",
            "110000,北京市,1949",
            "999999,北京市,1949",
            r"row 2, column 'adcode': '999999' is not a province code",
        ),
        (
            load_cn_prov_panel,
            "cn_prov_panel/cn_prov_panel_1949_2022_wide.csv",
            "adcode,province_zh,year,exports",
            "adcode,province_zh,year,exportz",
            r"missing column\(s\) exports",
        ),
        (
            load_cn_prov_budget,
            "cn_prov_budget_expenditure/cn_prov_general_public_budget_expenditure_2010_2023.csv",
            "\n上海,2010",
            "\n上海滩,2010",
            r"row 2, column 'province': unknown region '上海滩'",
        ),
        (
            load_cn_macro_monthly,
            "cn_macro_national/monthly_akshare_huizhaohuang/cpi.csv",
            "2008-01-01,",
            "2008-13-01,",
            r"cpi.csv: row 2, column 'date': '2008-13-01' is not a YYYY-MM-DD date",
        ),
        (
            load_cn_gdp_quarterly,
            "cn_macro_national/quarterly_gdp_nbs_tsvetoslavtsachev/nbs_quarterly_gdp_indices.csv",
            "Indices of Gross Domestic Product (preceding year=100) , Accumulated",
            "Indices of GDP, Accumulated",
            r"row 'Indices of Gross Domestic Product \(preceding year=100\) , Accumulated' not found",
        ),
        (
            load_cn_targets,
            "cn_national_targets/cn_national_targets.csv",
            ",about,3.5,",
            ",around,3.5,",
            r"row 2, column 'comparator': 'around' is not one of",
        ),
    ],
)
def test_damaged_file_names_row_column_and_problem(shipped_copy, loader, relative, old, new, message):
    path = shipped_copy / relative
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, "the damage must apply to the real file"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFormatError, match=message) as caught:
        loader(root=shipped_copy)
    # The Chinese message names the same file, row, column and value as the English one.
    err = caught.value
    zh = err.message("zh")
    assert path.name in zh and re.search(r"[\u4e00-\u9fff]", zh.replace(str(path), ""))
    named = [name for name in ("row", "column", "value", "label", "missing") if name in err.fields]
    assert named, err.fields
    for name in named:
        field = err.fields[name]
        assert all(str(item) in zh for item in (field if isinstance(field, list) else [field])), (name, zh)


@pytest.mark.parametrize(("year", "annual_cpi"), [(2019, 2.9), (2020, 2.5), (2021, 0.9), (2022, 2.0), (2023, 0.2)])
def test_cumulative_cpi_in_december_is_the_annual_rate(year, annual_cpi):
    # NBS annual CPI inflation as published in the statistical communiqués of each year.
    frame = load_cn_macro_monthly()
    assert value(frame, "cpi_ytd", "100000", f"{year}-12-01") == pytest.approx(annual_cpi)
