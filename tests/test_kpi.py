"""KPI cards as data: latest value, changes matched by date, sparkline; the headline indicator lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.kpi import HEADLINES_FILE, HeadlineFileError, change, compute_kpi, headline_kpis, load_headlines

NAT = "100000"


def value(obs, indicator_id, region, period) -> float:
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["region_code"] == region) & (obs["period"] == period)]
    return float(rows["value"].iloc[0])


def test_a_rate_changes_in_percentage_points(obs, cat):
    kpi = compute_kpi(obs, cat.get("cpi_yoy"), NAT)
    assert kpi.period == pd.Timestamp("2026-07-01") and kpi.value == value(obs, "cpi_yoy", NAT, "2026-07-01")
    assert kpi.previous_period == pd.Timestamp("2026-06-01")
    assert kpi.change_previous == pytest.approx(kpi.value - value(obs, "cpi_yoy", NAT, "2026-06-01"))
    assert kpi.year_ago_period == pd.Timestamp("2025-07-01")
    assert kpi.change_year == pytest.approx(kpi.value - value(obs, "cpi_yoy", NAT, "2025-07-01"))
    assert kpi.change_unit == "pp"
    assert len(kpi.spark) == 36 and kpi.spark["period"].max() == kpi.period


def test_an_amount_changes_in_per_cent_and_a_quarter_steps_by_three_months(obs, cat):
    kpi = compute_kpi(obs, cat.get("gdp"), "440000")
    latest = obs.loc[(obs["indicator_id"] == "gdp") & obs["value"].notna(), "period"].max()
    now, before = value(obs, "gdp", "440000", latest), value(obs, "gdp", "440000", latest - pd.DateOffset(years=1))
    assert kpi.period == latest == pd.Timestamp("2024-01-01")  # the portal exports reach 2024
    assert kpi.value == pytest.approx(now) and kpi.change_unit == "pct" and not kpi.preliminary
    assert kpi.change_previous == pytest.approx((now / before - 1) * 100)
    assert kpi.change_year == kpi.change_previous  # annual data: the previous period is a year earlier
    gdp = compute_kpi(obs, cat.get("gdp_real_growth_ytd"), NAT)
    assert (gdp.period, gdp.previous_period) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2025-10-01"))
    assert compute_kpi(obs, cat.get("pmi_manufacturing"), NAT).change_unit == "diff"


def test_a_preliminary_latest_value_is_flagged(obs, cat):
    kpi = compute_kpi(obs, cat.get("gdp_per_capita"), "110000")
    assert kpi.period == pd.Timestamp("2025-01-01") and kpi.preliminary
    assert kpi.value == value(obs, "gdp_per_capita", "110000", "2025-01-01")  # 238,705 (SOURCE.md)
    final = obs[~((obs["indicator_id"] == "gdp_per_capita") & (obs["period"] == "2025-01-01"))]
    assert not compute_kpi(final, cat.get("gdp_per_capita"), "110000").preliminary


def test_a_gap_gives_a_missing_change_never_a_neighbour(obs, cat):
    holed = obs[~((obs["indicator_id"] == "cpi_yoy") & (obs["period"] == "2026-06-01"))]
    kpi = compute_kpi(holed, cat.get("cpi_yoy"), NAT)
    assert kpi.change_previous is None and kpi.previous_value is None
    assert kpi.change_year is not None
    nan_last = obs.copy()
    nan_last.loc[(nan_last["indicator_id"] == "cpi_yoy") & (nan_last["period"] == "2026-07-01"), "value"] = np.nan
    kpi = compute_kpi(nan_last, cat.get("cpi_yoy"), NAT)
    assert kpi.period == pd.Timestamp("2026-06-01")  # the latest *reported* month …
    assert kpi.last_row_period == pd.Timestamp("2026-07-01")  # … while the data have a row for July
    assert kpi.spark["period"].max() == kpi.period


def test_no_data_at_all(obs, cat):
    kpi = compute_kpi(obs, cat.get("cpi_yoy"), "440000")
    assert (kpi.value, kpi.period, kpi.change_previous, kpi.change_year) == (None, None, None, None)
    assert kpi.spark.empty


@pytest.mark.parametrize(
    ("now", "before", "unit", "expected"),
    [
        (5.2, 5.0, "pp", 0.2),
        (110.0, 100.0, "pct", 10.0),
        (49.2, 50.3, "diff", -1.1),
        (10.0, 0.0, "pct", None),  # growth from zero is undefined
        (10.0, -5.0, "pct", None),
        (None, 1.0, "pp", None),
        (1.0, np.nan, "pct", None),
    ],
)
def test_change(now, before, unit, expected):
    result = change(now, before, unit)
    assert result == (None if expected is None else pytest.approx(expected))


def test_headline_lists(obs, cat):
    heads = load_headlines()
    assert heads.national[0] == "gdp_real_growth_ytd" and "cpi_yoy" in heads.national
    kpis = headline_kpis(obs, list(heads.national), NAT, cat)
    assert [k.indicator_id for k in kpis] == list(heads.national)
    assert all(k.value is not None for k in kpis)
    assert heads.standings[0] == "gdp"


def test_a_bad_headline_entry_names_its_line(tmp_path):
    text = HEADLINES_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "headlines.yaml"
    bad.write_text(text.replace("  - pmi_manufacturing\n", "  - pmi_manufacturin\n", 1), encoding="utf-8")
    with pytest.raises(HeadlineFileError) as caught:
        load_headlines(bad)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row == "  - pmi_manufacturing")
    assert (caught.value.line, caught.value.field) == (line, "national[2]")
