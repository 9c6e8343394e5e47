"""Per-step conformal intervals: coverage on a series with known noise, widening with the step, level ordering,
pooling across series, positive bands on the log scale, and the forecaster contract of ``Conformal``."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from forecasting import Drift, Naive, NotFittedError
from forecasting.conformal import Conformal, StepQuantiles, error_scale, isotonic, scaled_errors
from forecasting.errors import ForecastInputError


def random_walk(rng: np.random.Generator, n: int, sd: float = 1.0) -> np.ndarray:
    return 50 + np.cumsum(rng.normal(0, sd, n))


def test_per_step_coverage_on_a_random_walk_with_known_noise():
    """Naive on a Gaussian random walk: the step-k error is N(0, k); fresh futures land inside at the nominal rate."""
    rng = np.random.default_rng(0)
    y = random_walk(rng, 1500)  # long: overlapping windows of a random walk carry little independent information
    # the noise is the same throughout, so its scale is measured on the whole history rather than the recent part
    model = Conformal(Naive(), horizon=6, windows=1200, log=False, recent=1500).fit(y)
    out = model.predict(6, level=(80, 95))
    futures = y[-1] + np.cumsum(rng.normal(0, 1, (4000, 6)), axis=1)
    for level, tolerance in ((80, 5), (95, 3)):
        inside = (futures >= out[f"lo-{level}"].to_numpy()) & (futures <= out[f"hi-{level}"].to_numpy())
        coverage = 100 * inside.mean(axis=0)
        assert np.all(np.abs(coverage - level) <= tolerance), f"{level}%: per-step coverage {coverage.round(1)}"
    # and the half-widths follow the known √k growth of the noise
    z = NormalDist().inv_cdf(0.975)
    half = (out["hi-95"] - out["mean"]).to_numpy()
    np.testing.assert_allclose(half, z * np.sqrt(np.arange(1, 7)), rtol=0.2)


def test_error_scale_reads_the_recent_part():
    calm_then_wild = np.r_[np.arange(0.0, 100.0), 100 + 10 * np.arange(1, 21) % 3]
    assert error_scale(calm_then_wild, 1, log=False) == pytest.approx(np.mean(np.abs(np.diff(calm_then_wild)[-20:])))
    assert error_scale(calm_then_wild, 1, log=False, recent=1000) < error_scale(calm_then_wild, 1, log=False)
    assert np.isnan(error_scale(np.array([1.0, -1.0, 2.0]), 1, log=True))


def test_intervals_widen_with_the_step_and_levels_nest():
    rng = np.random.default_rng(1)
    out = Conformal(Drift(), horizon=8, windows=60, log=False).fit(random_walk(rng, 120)).predict(8, (50, 80, 95))
    for a, b in (("lo-95", "lo-80"), ("lo-80", "lo-50"), ("lo-50", "mean"), ("mean", "hi-50"), ("hi-50", "hi-80")):
        assert (out[a] <= out[b]).all()
    width = (out["hi-95"] - out["lo-95"]).to_numpy()
    assert width[-1] > width[0]


def test_noisy_step_quantiles_are_made_monotone_without_widening_every_later_step():
    """A wide first step followed by calmer ones: a running maximum would carry the first step's width to every later
    step and cover far more than asked; the isotonic fit keeps the bands monotone and the coverage nominal."""
    rng = np.random.default_rng(3)
    errors = np.abs(rng.normal(0, 1, (400, 4)) * np.array([2.0, 1.0, 1.0, 1.0]))
    quantiles = StepQuantiles((80, 95)).fit(errors)
    for level in (80, 95):
        q = quantiles.quantile(level, 4)
        assert (np.diff(q) >= 0).all()
        coverage = 100 * (errors <= q[None, :]).mean()
        assert abs(coverage - level) <= 3, f"{level}%: in-sample coverage {coverage:.1f}"
        running_max = np.maximum.accumulate(np.quantile(errors, level / 100, axis=0))
        # what a running maximum would cover: more than half the misses asked for gone
        assert 100 * (errors <= running_max[None, :]).mean() > level + (100 - level) / 2
    assert (quantiles.quantile(95, 4) >= quantiles.quantile(80, 4)).all()


def test_isotonic_pools_adjacent_violators_by_weight():
    np.testing.assert_allclose(isotonic(np.array([1.0, 3.0, 2.0, 4.0]), np.ones(4)), [1.0, 2.5, 2.5, 4.0])
    np.testing.assert_allclose(isotonic(np.array([3.0, 1.0]), np.array([1.0, 3.0])), [1.5, 1.5])
    np.testing.assert_allclose(isotonic(np.array([1.0, 2.0, 5.0]), np.ones(3)), [1.0, 2.0, 5.0])


def test_a_short_series_borrows_across_steps():
    """Ten windows give too few errors per step: every step's errors, rescaled by √step, make the band."""
    rng = np.random.default_rng(2)
    model = Conformal(Naive(), horizon=4, windows=10, log=False).fit(random_walk(rng, 20))
    assert (model.quantiles_.points_ < 30).all()
    q = model.quantiles_.quantile(80, 4)
    np.testing.assert_allclose(q / q[0], np.sqrt(np.arange(1, 5)))


def test_positive_series_gets_a_positive_band():
    """Large relative noise: a symmetric band would cross zero; the log band cannot."""
    rng = np.random.default_rng(3)
    y = np.exp(np.log(100) + np.cumsum(rng.normal(0, 0.3, 60)))
    out = Conformal(Naive(), horizon=5, windows=40).fit(y).predict(5)
    assert (out["lo-95"] > 0).all()
    assert ((out["hi-95"] / out["mean"]) > (out["mean"] / out["lo-95"]) * 0.999).all()  # same ratio up and down


def test_pooled_errors_from_similar_series():
    """Errors pooled from many series give each step its own quantile; a series' band scales with its own scale."""
    rng = np.random.default_rng(4)
    rows, outcomes, scales = [], [], []
    for _ in range(300):
        y = random_walk(rng, 30, sd=rng.uniform(0.5, 3))
        rows.append(np.full(4, y[25]))
        outcomes.append(y[26:30])
        scales.append(error_scale(y[:26], 1, log=False))
    errors = scaled_errors(np.array(outcomes), np.array(rows), np.array(scales), log=False)
    quantiles = StepQuantiles((80, 95)).fit(errors)
    assert (quantiles.points_ == 300).all()
    assert np.all(np.diff(quantiles.quantile(95, 4)) > 0)
    narrow = quantiles.intervals(np.full(4, 10.0), 1.0, False, (95,))
    wide = quantiles.intervals(np.full(4, 10.0), 2.0, False, (95,))
    np.testing.assert_allclose(wide["hi-95"] - 10, 2 * (narrow["hi-95"] - 10))
    assert quantiles.quantile(95, 6).shape == (6,)  # beyond the learnt steps: √step growth from the last one


def test_contract_and_errors():
    rng = np.random.default_rng(5)
    y = pd.Series(random_walk(rng, 40), index=pd.date_range("1980", periods=40, freq="YS"))
    model = Conformal(Naive(), horizon=3, windows=15)
    with pytest.raises(NotFittedError, match="call fit"):
        model.predict(3)
    assert model.fit(y) is model and model.is_fitted
    out = model.predict(5, level=(95, 80, 60))  # a level not learnt at fit time is learnt on demand
    assert list(out.columns) == ["mean", "lo-60", "hi-60", "lo-80", "hi-80", "lo-95", "hi-95"]
    assert np.isfinite(out.to_numpy()).all()
    np.testing.assert_allclose(out["mean"], Naive().fit(y).predict(5)["mean"])
    assert model.clone().get_params() == model.get_params()
    with pytest.raises(ValueError, match="not fitted"):
        StepQuantiles().quantile(80, 3)
    with pytest.raises(ForecastInputError, match="no backtest errors"):
        StepQuantiles().fit(np.full((2, 3), np.nan))
    with pytest.raises(ForecastInputError, match="positive"):
        Conformal(Naive(), log=True).fit(np.r_[-1.0, np.arange(20.0)])


def test_a_count_with_zeros_is_clipped_at_zero():
    rng = np.random.default_rng(6)
    counts = rng.poisson(2.0, 80).astype(float)
    out = Conformal(Naive(), horizon=4, windows=40).fit(counts).predict(4)
    assert (out["lo-95"] >= 0).all() and (out["lo-95"] == 0).any()
    signed = Conformal(Naive(), horizon=4, windows=40).fit(counts - 3).predict(4)
    assert (signed["lo-95"] < 0).all()  # a series that can be negative is not clipped
