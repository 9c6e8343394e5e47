"""Derived figures on hand-checkable frames, and derived views on the shipped data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import DerivationError, derived
from indicators.views import apply_view, available_views


def frame(rows, indicator="x", freq="A"):
    """Build a long frame from (region, period, value) tuples."""
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "region_code": [r for r, _, _ in rows],
            "period": pd.to_datetime([p for _, p, _ in rows]),
            "freq": freq,
            "value": [float(v) if v is not None else np.nan for _, _, v in rows],
        }
    )


def values(result):
    keys = zip(result["region_code"], result["period"].dt.strftime("%Y-%m"), strict=True)
    return dict(zip(keys, result["value"], strict=True))


def test_yoy_growth_matches_dates_not_positions():
    obs = frame([("A", "2019", 100), ("A", "2020", 110), ("A", "2022", 121), ("A", "2023", 0), ("A", "2024", 5)])
    out = values(derived.yoy_growth(obs))
    assert out[("A", "2020-01")] == pytest.approx(10.0)
    assert np.isnan(out[("A", "2022-01")])  # 2021 is missing: no growth against 2020 across the gap
    assert out[("A", "2023-01")] == pytest.approx(-100.0)
    assert np.isnan(out[("A", "2024-01")])  # growth from zero is undefined
    assert np.isnan(out[("A", "2019-01")])


def test_yoy_growth_monthly_uses_same_month_last_year():
    obs = frame([("A", "2020-03-01", 50), ("A", "2021-02-01", 60), ("A", "2021-03-01", 55)], freq="M")
    out = values(derived.yoy_growth(obs))
    assert out[("A", "2021-03")] == pytest.approx(10.0)
    assert np.isnan(out[("A", "2021-02")])


def test_per_capita_with_unit_factor():
    gdp = frame([("A", "2020", 2.0), ("B", "2020", 3.0)])  # 亿元
    pop = frame([("A", "2020", 4.0), ("B", "2020", None)], indicator="pop")  # 万人
    out = values(derived.per_capita(gdp, pop, factor=10000))
    assert out[("A", "2020-01")] == pytest.approx(5000.0)  # 2e8 元 / 4e4 人
    assert np.isnan(out[("B", "2020-01")])


def test_share_of_sum_only_when_every_region_reports():
    obs = frame([("A", "2020", 30), ("B", "2020", 70), ("A", "2021", 40), ("B", "2021", None)])
    out = values(derived.share_of_total(obs, "sum_of_regions", ["A", "B"]))
    assert out[("A", "2020-01")] == pytest.approx(30.0)
    assert out[("B", "2020-01")] == pytest.approx(70.0)
    assert np.isnan(out[("A", "2021-01")])  # B missing: the sum would not be the total


def test_share_of_reported_total():
    obs = frame([("T", "2020", 200), ("A", "2020", 50), ("A", "2019", 10)])
    out = values(derived.share_of_total(obs, "T"))
    assert out == pytest.approx({("A", "2020-01"): 25.0, ("A", "2019-01"): np.nan}, nan_ok=True)


def test_index_to_base():
    obs = frame([("A", "2010", 50), ("A", "2011", 75), ("B", "2011", 10)])
    out = values(derived.index_to_base(obs, pd.Timestamp("2010-01-01")))
    assert out[("A", "2010-01")] == 100.0 and out[("A", "2011-01")] == 150.0
    assert np.isnan(out[("B", "2011-01")])  # no base value for B


def test_cagr():
    obs = frame([("A", "2010", 100), ("A", "2020", 200), ("B", "2010", None), ("B", "2020", 5)])
    out = derived.cagr(obs, pd.Timestamp("2010-01-01"), pd.Timestamp("2020-01-01")).set_index("region_code")
    assert out.loc["A", "cagr"] == pytest.approx((2**0.1 - 1) * 100)
    assert np.isnan(out.loc["B", "cagr"])
    with pytest.raises(DerivationError, match="end period after the start"):
        derived.cagr(obs, pd.Timestamp("2020-01-01"), pd.Timestamp("2010-01-01"))


@pytest.mark.parametrize(("polarity", "best"), [("higher_is_better", "B"), ("lower_is_better", "A"), ("neutral", "B")])
def test_rank_follows_polarity(polarity, best):
    obs = frame([("A", "2020", 1), ("B", "2020", 3), ("C", "2020", 2), ("D", "2020", None)])
    ranks = dict(zip(obs["region_code"], derived.rank(obs, polarity)["value"], strict=True))
    assert ranks[best] == 1
    assert np.isnan(ranks["D"])


def test_ranking_table_changes_and_rank_moves():
    obs = frame([("A", "2020", 10), ("B", "2020", 20), ("A", "2021", 30), ("B", "2021", 25), ("C", "2021", None)])
    table = derived.ranking_table(obs, pd.Timestamp("2021-01-01"), "higher_is_better").set_index("region_code")
    assert table.loc["A", "rank"] == 1 and table.loc["A", "previous_rank"] == 2 and table.loc["A", "rank_change"] == 1
    assert table.loc["A", "change"] == 20 and table.loc["A", "change_pct"] == pytest.approx(200.0)
    assert table.loc["B", "rank_change"] == -1
    assert list(table.index) == ["A", "B", "C"]  # no value sorts last
    assert table.loc["A", "previous_period"] == pd.Timestamp("2020-01-01")


def test_views_on_shipped_data(obs, cat):
    gdp = cat.get("gdp")
    assert available_views(gdp) == ["level", "yoy", "per_capita", "share", "index"]
    assert available_views(cat.get("cpi_yoy")) == ["level"]
    pc, info = apply_view("per_capita", gdp, obs, cat)
    gd = pc[(pc["region_code"] == "440000") & (pc["period"] == "2022-01-01")]["value"].iloc[0]
    gdp_2022 = obs[(obs["indicator_id"] == "gdp") & (obs["region_code"] == "440000") & (obs["period"] == "2022-01-01")]
    assert gdp_2022["value"].iloc[0] == 132547.1  # the census-revised figure of the portal export
    assert gd == pytest.approx(132547.1 / 12657 * 10000, rel=1e-3)  # Guangdong 2022 resident population 12657 万人
    assert info.unit["zh"] == "元/人" and "× 10000" in info.derived["zh"] and info.inputs == ("gdp", "population")
    share, info = apply_view("share", gdp, obs, cat)
    total_2022 = share[share["period"] == "2022-01-01"]["value"].sum()
    assert total_2022 == pytest.approx(100.0)
    assert "31" in info.derived["zh"]
    with pytest.raises(DerivationError, match="does not apply"):
        apply_view("per_capita", cat.get("cpi_yoy"), obs, cat)
