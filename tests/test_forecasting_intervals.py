"""The run's interval calibration: per-step bands from pooled backtest errors that cover what they claim, on series
whose noise is known, measured on outcomes the run never saw; levels ordered and bands widening with the step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import run
from forecasting.intervals import MIN_COVERAGE_POINTS

N_SERIES, LENGTH, H = 120, 30, 4


@pytest.fixture(scope="module")
def known_noise() -> tuple[pd.DataFrame, np.ndarray]:
    """120 annual series growing 3% a year with 5% Gaussian shocks (a random walk on logs), and the h=4 values that
    followed each, drawn from the same process."""
    rng = np.random.default_rng(15)
    steps = rng.normal(0.03, 0.05, (N_SERIES, LENGTH + H))
    paths = 100 * np.exp(np.cumsum(steps, axis=1))
    ds = pd.date_range("1990-01-01", periods=LENGTH, freq="YS")
    frame = pd.DataFrame(
        {"unique_id": np.repeat([f"r{i:03d}" for i in range(N_SERIES)], LENGTH), "ds": np.tile(ds, N_SERIES)}
    )
    frame["y"] = paths[:, :LENGTH].ravel()
    return frame, paths[:, LENGTH:]


@pytest.fixture(scope="module")
def calibrated(known_noise):
    """The default run of the known-noise panel at the 50, 80 and 95% levels."""
    return run(known_noise[0], h=H, level=(50, 80, 95))


@pytest.mark.parametrize("level", [50, 80, 95])
def test_bands_cover_the_future_as_claimed(calibrated, known_noise, level):
    future = known_noise[1]
    fc = calibrated.forecast
    lo = fc[f"combination-lo-{level}"].to_numpy().reshape(N_SERIES, H)
    hi = fc[f"combination-hi-{level}"].to_numpy().reshape(N_SERIES, H)
    inside = (future >= lo) & (future <= hi)
    # 480 outcomes, correlated within a series: ±8 points is about three standard errors at 80%
    assert abs(100 * inside.mean() - level) <= 8, f"{level}%: covered {100 * inside.mean():.1f}%"
    first, last = 100 * inside[:, 0].mean(), 100 * inside[:, -1].mean()
    assert abs(first - level) <= 12 and abs(last - level) <= 12, "calibrated per step, not only on average"


def test_the_measured_coverage_agrees_with_the_future(calibrated):
    group = calibrated.calibration.set_index("group").loc["YS-JAN|log"]
    assert group["series"] == N_SERIES and group["points"] >= MIN_COVERAGE_POINTS
    for level in (50, 80, 95):
        assert abs(group[f"coverage-{level}"] - level) <= 6  # cross-validated over series: no self-flattery
    assert all(np.isfinite(group[f"msis-{level}"]) and group[f"msis-{level}"] > 0 for level in (50, 80, 95))


def test_levels_nest_and_bands_widen_with_the_step(calibrated):
    fc = calibrated.forecast
    mean = fc["combination"].to_numpy().reshape(N_SERIES, H)
    previous = np.zeros_like(mean)
    for level in (50, 80, 95):
        half = np.log(fc[f"combination-hi-{level}"].to_numpy().reshape(N_SERIES, H) / mean)
        assert (half >= previous - 1e-12).all(), "a wider level is never narrower"
        assert (np.diff(half, axis=1) >= -1e-12).all(), "a band never narrows with the horizon"
        assert (half[:, -1] > half[:, 0]).all()  # a random walk's uncertainty grows
        previous = half


def test_a_lone_series_is_calibrated_on_its_own_dense_backtest(known_noise):
    frame, future = known_noise
    lone = run(frame[frame["unique_id"] == "r000"], h=H)
    assert lone.backtests["cutoff"].nunique() == 10  # ten windows one step apart
    assert lone.calibration["series"].iloc[0] == 1
    fc = lone.forecast
    assert (fc["combination-lo-80"] < fc["combination"]).all() and (fc["combination-lo-95"] > 0).all()
