"""The level-break detector: injected shifts and spikes are found, calm series raise few alarms, the shipped
provincial GDP breaks (a mixed vintage, a census revision) are found where they are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.breaks import consistent_start, detect_breaks
from forecasting.errors import ForecastInputError

PANEL = Path(__file__).resolve().parents[1] / "data" / "shipped" / "cn_prov_panel" / "cn_prov_panel_1949_2022_wide.csv"


def growing(rng: np.random.Generator, n: int = 30, sd: float = 0.03) -> np.ndarray:
    """A positive series growing 8% a period with Gaussian growth noise (``sd`` in log points)."""
    return np.exp(np.cumsum(np.r_[np.log(1000), rng.normal(0.08, sd, n - 1)]))


def test_injected_level_shift_is_found_where_it_is():
    rng = np.random.default_rng(3)
    found = 0
    for _ in range(200):
        y = growing(rng)
        y[18:] *= 0.75  # a 25% drop from position 18 on, as a census revision would make
        breaks = detect_breaks(y)
        hit = [b for b in breaks if b.position == 18]
        if hit and hit[0].kind == "level":
            found += 1
            assert hit[0].relative == pytest.approx(-0.25, abs=0.1)
            assert consistent_start(y, breaks) == 18 or breaks[-1].position > 18
    assert found >= 190, f"a 25% shift on 3% noise is ~9 standard deviations; found {found} of 200"


def test_a_single_wrong_value_is_an_outlier_and_the_consistent_part_starts_after_it():
    rng = np.random.default_rng(5)
    y = growing(rng)
    y[20] *= 1.5
    breaks = detect_breaks(y)
    assert [(b.position, b.kind) for b in breaks] == [(20, "outlier")]
    assert consistent_start(y) == 21


def test_calm_series_raise_few_alarms():
    rng = np.random.default_rng(11)
    alarms = sum(bool(detect_breaks(growing(rng))) for _ in range(500))
    assert alarms / 500 < 0.02


def test_smooth_slowdown_is_not_a_break():
    """Growth falling steadily from 15% to 5% a year moves the reference, not the alarm."""
    growth = np.linspace(0.15, 0.05, 30)
    assert detect_breaks(np.exp(np.cumsum(np.r_[np.log(500), growth]))) == []


def test_series_with_zeros_or_negatives_is_read_on_its_own_scale():
    rng = np.random.default_rng(2)
    y = rng.normal(0, 1, 40)
    y[25:] += 12
    breaks = detect_breaks(y)
    assert [b.position for b in breaks] == [25] and not breaks[0].log_scale and breaks[0].relative is None
    with pytest.raises(ForecastInputError, match="positive"):
        detect_breaks(y, log=True)


def test_short_series_and_bad_input():
    assert detect_breaks([1.0, 2.0, 50.0, 3.0]) == []
    assert consistent_start([1.0, 2.0, 3.0]) == 0
    with pytest.raises(ForecastInputError, match="1-D"):
        detect_breaks(np.ones((3, 3)))


def test_gaps_are_skipped_and_positions_refer_to_the_original_series():
    rng = np.random.default_rng(8)
    y = growing(rng)
    y[18:] *= 0.7
    y[5] = np.nan
    assert 18 in [b.position for b in detect_breaks(y)]


@pytest.mark.skipif(not PANEL.exists(), reason="shipped provincial panel not present")
@pytest.mark.parametrize(
    ("province", "expected", "start"),
    [("辽宁省", [(2013, "outlier")], 2014), ("天津市", [(2013, "level"), (2019, "level")], 2019), ("广东省", [], 1990)],
)
def test_shipped_provincial_gdp_breaks(province, expected, start):
    """Liaoning 2013 (27,078 between 17,849 and 20,026 亿元) and Tianjin 2019 (the census revision, 18,810 → 14,104)."""
    panel = pd.read_csv(PANEL, usecols=["province_zh", "year", "gdp"])
    rows = panel[(panel.province_zh == province) & (panel.year >= 1990)].dropna().sort_values("year")
    years, gdp = rows.year.to_numpy(), rows.gdp.to_numpy()
    breaks = detect_breaks(gdp)
    assert [(int(years[b.position]), b.kind) for b in breaks] == expected
    assert years[consistent_start(gdp, breaks)] == start
