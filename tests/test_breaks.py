"""The vintage-break check: the old mixed-vintage panel flags 2013; the consistent vintage flags nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.breaks import BreakRules, break_rules, breaks_frame, jumps, vintage_breaks
from data.loaders import load_cn_prov_panel
from data.nbs_portal import load_cn_prov_nbs
from indicators import catalogue


def frame(series: dict[str, list[float]], start: int = 2000, indicator: str = "x") -> pd.DataFrame:
    """A canonical frame of annual series by region, from `start`."""
    rows = [
        (indicator, region, pd.Timestamp(f"{start + i}-01-01"), "A", v)
        for region, values in series.items()
        for i, v in enumerate(values)
    ]
    return pd.DataFrame(rows, columns=["indicator_id", "region_code", "period", "freq", "value"])


def growing(n: int, rate: float, seed: int) -> list[float]:
    """A level growing at about `rate` a year with a little noise."""
    rng = np.random.default_rng(seed)
    return list(100 * np.cumprod(1 + rate + rng.normal(0, 0.01, n)))


@pytest.fixture(scope="module")
def levels():
    """The catalogue's level indicators: the ones the check examines."""
    return [i.id for i in catalogue() if i.kind == "level"]


def test_the_old_panel_flags_2013(levels):
    found = vintage_breaks(load_cn_prov_panel(), levels)
    gdp_2013 = [b for b in found if b.indicator_id == "gdp" and b.period == pd.Timestamp("2013-01-01")]
    assert len(gdp_2013) == 1
    brk = gdp_2013[0]
    # Liaoning, Inner Mongolia and Tianjin: first-published 2013 figures between census-revised 2012 and 2014.
    assert {"210000", "150000", "120000"} <= set(brk.regions)
    liaoning = dict(zip(brk.regions, brk.changes, strict=True))["210000"]
    assert liaoning == pytest.approx((27077.7 / 17848.6 - 1) * 100, rel=1e-3)
    assert brk.reporting == 31 and len(brk.regions) >= break_rules().min_regions


def test_the_portal_vintage_flags_nothing(levels):
    assert vintage_breaks(load_cn_prov_nbs(), levels) == []


def test_the_provincial_data_as_stored_flag_nothing_where_the_portal_vintage_rules(levels, obs):
    portal_indicators = set(load_cn_prov_nbs()["indicator_id"])
    provincial = obs[obs["indicator_id"].isin(portal_indicators)]
    assert vintage_breaks(provincial, levels) == []


def test_a_revision_in_several_regions_is_flagged_with_its_sizes():
    series = {f"R{i}": growing(20, 0.08, i) for i in range(10)}
    for region in ("R1", "R4", "R7"):  # a census revision lowers three regions' levels from 2012 on
        series[region] = series[region][:12] + [v * 0.75 for v in series[region][12:]]
    found = vintage_breaks(frame(series))
    assert [(b.period, b.regions) for b in found] == [(pd.Timestamp("2012-01-01"), ("R1", "R4", "R7"))]
    assert all(-25 < c < -15 for c in found[0].changes) and all(4 < u < 12 for u in found[0].usual)
    assert found[0].reporting == 10


def test_a_shock_every_region_shares_is_not_a_revision():
    series = {f"R{i}": growing(20, 0.08, i) for i in range(10)}
    for region in series:  # a lockdown year: every region falls, then recovers
        series[region] = series[region][:12] + [v * 0.85 for v in series[region][12:]]
    assert vintage_breaks(frame(series)) == []


def test_one_region_alone_is_not_a_probable_revision():
    series = {f"R{i}": growing(20, 0.08, i) for i in range(10)}
    series["R3"] = series["R3"][:12] + [v * 0.7 for v in series["R3"][12:]]
    assert not jumps(frame(series)).query("jump")["region_code"].ne("R3").any()
    assert vintage_breaks(frame(series)) == []  # a real local event, or a local error: not many regions


def test_a_short_history_is_not_judged():
    series = {f"R{i}": growing(5, 0.08, i) for i in range(10)}
    for region in ("R1", "R4", "R7"):
        series[region] = series[region][:3] + [v * 0.6 for v in series[region][3:]]
    assert vintage_breaks(frame(series), rules=BreakRules(min_history=6)) == []


def test_only_the_indicators_asked_for_are_examined():
    series = {f"R{i}": growing(20, 0.08, i) for i in range(10)}
    for region in ("R1", "R4", "R7"):
        series[region] = series[region][:12] + [v * 0.75 for v in series[region][12:]]
    assert vintage_breaks(frame(series), indicator_ids=["other"]) == []


def test_the_table_of_breaks():
    series = {f"R{i}": growing(20, 0.08, i) for i in range(10)}
    for region in ("R1", "R4", "R7"):
        series[region] = series[region][:12] + [v * 1.3 for v in series[region][12:]]
    table = breaks_frame(vintage_breaks(frame(series)))
    assert table.loc[0, ["indicator_id", "regions", "reporting"]].tolist() == ["x", 3, 10]
    assert table.loc[0, "median_change"] > 25
