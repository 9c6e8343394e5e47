"""Driver changes: elasticities recovered from synthetic data, VAR paths equal to statsmodels' impulse responses.

The real-data test uses the shipped observations through the session fixture ``obs`` (``data.load_observations``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import toeplitz
from statsmodels.tsa.api import VAR

from forecasting.scenarios import Baseline, DriverChange, DriverDataError, Scenario, simulate
from forecasting.scenarios.drivers import elasticity, growth_pairs, unit_responses

KEY = ("driver", "R1")


def levels(growth_pct: np.ndarray, start: str = "1940") -> pd.DataFrame:
    """Annual levels from per-cent log growth rates."""
    return pd.DataFrame(
        {
            "ds": pd.date_range(start, periods=len(growth_pct) + 1, freq="YS"),
            "y": 100 * np.exp(np.r_[0, np.cumsum(growth_pct)] / 100),
        }
    )


def elastic_pair(seed: int, beta: float = 0.6, n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Driver and target whose growth rates satisfy dz = 1 + beta·dx + noise."""
    rng = np.random.default_rng(seed)
    dx = rng.normal(5, 3, n)
    return levels(dx), levels(1 + beta * dx + rng.normal(0, 1.5, n))


def var_pair(seed: int = 7, n: int = 80) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Driver and target growth from a stable VAR(1) with correlated innovations (driver first)."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 2))
    for t in range(1, n):
        e = rng.normal(0, [2.0, 1.0])
        x[t] = [2 + 0.4 * x[t - 1, 0] + e[0], 1 + 0.2 * x[t - 1, 0] + 0.3 * x[t - 1, 1] + e[1] + 0.5 * e[0]]
    return levels(x[1:, 0]), levels(x[1:, 1])


def baseline_after(history: pd.DataFrame, h: int = 5) -> Baseline:
    """A drift-like baseline after ``history``: 3% growth, 2% sd per step."""
    last = history["y"].iloc[-1]
    mean = last * 1.03 ** np.arange(1, h + 1)
    sd = 0.02 * mean
    start = history["ds"].iloc[-1] + pd.DateOffset(years=1)
    forecast = pd.DataFrame({"ds": pd.date_range(start, periods=h, freq="YS"), "mean": mean})
    forecast["lo-80"], forecast["hi-80"] = mean - 1.2816 * sd, mean + 1.2816 * sd
    forecast["lo-95"], forecast["hi-95"] = mean - 1.96 * sd, mean + 1.96 * sd
    return Baseline.from_forecast(history, forecast, model="drift")


def run(change: DriverChange, driver: pd.DataFrame, target: pd.DataFrame, n_draws: int = 500):
    base = baseline_after(target)
    s = Scenario("s", "target", "R1", 5, "drift", "A", adjustments=[change])
    return simulate(s, base, {KEY: driver}, n_draws=n_draws), base


@pytest.mark.parametrize("seed", [0, 1])
def test_elasticity_recovers_the_known_coefficient(seed):
    driver, target = elastic_pair(seed)
    outcome, _ = run(DriverChange(*KEY, 10.0, "2001", "2002"), driver, target)
    estimate = outcome.estimates[0]
    assert (estimate.method, estimate.n, estimate.sample_start, estimate.sample_end) == (
        "elasticity",
        60,
        "1941",
        "2000",
    )
    assert abs(estimate.coef - 0.6) <= 2 * estimate.se  # a 95% statement; the next test checks the se itself
    assert 0 < estimate.r2 < 1 and estimate.intercept == pytest.approx(1, abs=1.5)


def test_the_standard_error_is_honest_about_one_in_three_misses():
    change = DriverChange(*KEY, 10.0, "2001")
    within = []
    for seed in range(200):
        driver, target = elastic_pair(seed, n=30)
        estimate, _ = elasticity(
            growth_pairs(target, driver, "level", "A", change), change, 10, np.random.default_rng(0)
        )
        within.append(abs(estimate.coef - 0.6) <= estimate.se)
    assert 0.60 <= np.mean(within) <= 0.76  # nominal 68% (t with 28 df: 67.4%)


def test_a_temporary_driver_change_moves_the_target_by_its_elasticity_power():
    driver, target = elastic_pair(3)
    outcome, base = run(DriverChange(*KEY, 10.0, "2002", "2003"), driver, target)
    beta = outcome.estimates[0].coef
    np.testing.assert_allclose(outcome.central / base.forecast["mean"], [1, 1.1**beta, 1.1**beta, 1, 1], rtol=1e-13)
    # Each draw carries its own elasticity: the same multiplier on both periods of the window.
    log_ratio = np.log(
        outcome.draws / simulate(Scenario("b", "target", "R1", 5, "drift", "A"), base, n_draws=500).draws
    )
    betas = log_ratio[:, 1] / np.log(1.1)
    np.testing.assert_allclose(log_ratio[:, 2], log_ratio[:, 1], rtol=1e-12)
    np.testing.assert_allclose(log_ratio[:, [0, 3, 4]], 0, atol=1e-12)
    assert betas.mean() == pytest.approx(beta, abs=0.2 * outcome.estimates[0].se)
    assert betas.std() == pytest.approx(outcome.estimates[0].se, rel=0.15)


def test_a_growth_change_of_the_driver_accumulates_and_its_level_gain_stays():
    driver, target = elastic_pair(4)
    outcome, base = run(DriverChange(*KEY, 2.0, "2002", "2003", mode="growth_pp"), driver, target)
    beta = outcome.estimates[0].coef
    expected = 1.02 ** (beta * np.array([0, 1, 2, 2, 2]))
    np.testing.assert_allclose(outcome.central / base.forecast["mean"], expected, rtol=1e-13)


def test_var_unit_responses_are_statsmodels_orthogonalised_impulse_responses():
    driver, target = var_pair()
    pairs = growth_pairs(target, driver, "level", "A", DriverChange(*KEY, 1.0, "2021"))
    result = VAR(pairs[["dx", "dz"]].to_numpy()).fit(2)
    orth = result.irf(9).orth_irfs
    np.testing.assert_allclose(
        unit_responses(result.coefs, result.sigma_u, 10), orth[:, :, 0] / orth[0, 0, 0], rtol=1e-12
    )


def test_var_scenario_path_follows_the_impulse_responses_exactly():
    driver, target = var_pair()
    outcome, base = run(DriverChange(*KEY, 10.0, "2021", "2022", method="var"), driver, target)
    estimate = outcome.estimates[0]
    pairs = growth_pairs(target, driver, "level", "A", DriverChange(*KEY, 1.0, "2021"))
    result = VAR(pairs[["dx", "dz"]].to_numpy()).fit(estimate.lags)
    assert estimate.n == result.nobs and (estimate.sample_start, estimate.sample_end) == ("1941", "2019")
    orth = result.irf(4).orth_irfs
    a, b = orth[:, 0, 0] / orth[0, 0, 0], orth[:, 1, 0] / orth[0, 0, 0]
    step = 100 * np.log(1.1)
    delta = np.array([0, step, 0, -step, 0])  # the driver's growth: up in 2021, back down in 2023
    shocks = np.linalg.solve(toeplitz(a, np.zeros(5)), delta)  # innovations that make the driver follow delta
    expected = np.cumsum(toeplitz(b, np.zeros(5)) @ shocks)
    np.testing.assert_allclose(100 * np.log(outcome.central / base.forecast["mean"]), expected, rtol=1e-10, atol=1e-12)
    assert estimate.coef == estimate.responses[-1] and estimate.se > 0 and len(estimate.response_se) == 5


def test_real_data_fiscal_expenditure_to_gdp_in_guangdong(obs):
    def series(indicator: str) -> pd.DataFrame:
        rows = obs[(obs["indicator_id"] == indicator) & (obs["region_code"] == "440000")]
        return pd.DataFrame({"ds": rows["period"], "y": rows["value"]}).sort_values("ds")

    gdp, spending = series("gdp"), series("fiscal_expenditure")
    base = baseline_after(gdp)
    drivers = {("fiscal_expenditure", "440000"): spending}
    for method in ("elasticity", "var"):
        # The history ends in 2024 (the portal vintage): the horizon starts in 2025.
        change = DriverChange("fiscal_expenditure", "440000", 10.0, "2025", method=method, estimation_start="1980")
        s = Scenario(method, "gdp", "440000", 5, "drift", "A", adjustments=[change])
        outcome = simulate(s, base, drivers, n_draws=500)
        estimate = outcome.estimates[0]
        assert np.isfinite([estimate.coef, estimate.se]).all() and estimate.se > 0 and estimate.n >= 12
        assert estimate.sample_start >= "1980" and estimate.sample_end <= "2024"
        assert ("弹性" if method == "elasticity" else "VAR(") in outcome.assumptions("zh")[1]


def test_driver_problems_are_named():
    driver, target = elastic_pair(0)
    base = baseline_after(target)
    s = Scenario("s", "target", "R1", 5, "drift", "A", adjustments=[DriverChange(*KEY, 10.0, "2001")])
    with pytest.raises(DriverDataError, match="no history given for driver"):
        simulate(s, base, {}, n_draws=200)
    with pytest.raises(DriverDataError, match="need positive values"):
        simulate(s, base, {KEY: driver.assign(y=driver["y"] - 200)}, n_draws=200)
    monthly = pd.DataFrame({"ds": pd.date_range("1990-01", periods=36, freq="MS"), "y": 1.0 + np.arange(36)})
    with pytest.raises(DriverDataError, match="several rows fall in one period"):
        simulate(s, base, {KEY: monthly}, n_draws=200)
    short = s.without_adjustment(0).with_adjustment(DriverChange(*KEY, 10.0, "2001", estimation_start="1996"))
    with pytest.raises(DriverDataError, match="5 period"):
        simulate(short, base, {KEY: driver}, n_draws=200)
    gappy = driver.assign(y=driver["y"].where(driver.index % 9 != 0))
    var = s.without_adjustment(0).with_adjustment(DriverChange(*KEY, 10.0, "2001", method="var"))
    with pytest.raises(DriverDataError, match="consecutive periods"):
        simulate(var, base, {KEY: gappy}, n_draws=200)
