"""Every forecaster through the same contract checks, and the benchmark models against hand-computed values."""

from __future__ import annotations

import builtins
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from forecasting import (
    ARIMA,
    ETS,
    Drift,
    Ensemble,
    ForecastInputError,
    MissingDependencyError,
    Naive,
    NotFittedError,
    ProphetModel,
    SeasonalNaive,
    Theta,
    make_model,
    model_names,
    statistical,
)
from forecasting.backtest import WindowPlan, run_backtest
from forecasting.series import prepare_series

Z80 = NormalDist().inv_cdf(0.9)


@pytest.fixture(scope="module")
def trending() -> pd.Series:
    """Quarterly series: trend, season and noise, with dates (Prophet needs them)."""
    rng = np.random.default_rng(7)
    t = np.arange(40)
    values = 100 + 1.5 * t + 6 * np.sin(2 * np.pi * t / 4) + rng.normal(0, 2, 40)
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=40, freq="QS"))


CONTRACT = [
    pytest.param(lambda: Naive(), id="naive"),
    pytest.param(lambda: SeasonalNaive(season_length=4), id="seasonal_naive"),
    pytest.param(lambda: Drift(), id="drift"),
    pytest.param(lambda: ETS(season_length=4), id="ets"),
    # The reference engine without seasons: its seasonal search takes about a second per form.
    pytest.param(lambda: ETS(engine="statsmodels"), id="ets-statsmodels"),
    pytest.param(lambda: ARIMA(season_length=4), id="arima"),
    pytest.param(lambda: Theta(season_length=4), id="theta"),
    pytest.param(lambda: Theta(season_length=4, variant="auto"), id="theta-auto"),
    pytest.param(lambda: Theta(season_length=4, variant="dynamic"), id="theta-dynamic"),
    pytest.param(lambda: ProphetModel(season_length=4, uncertainty_samples=200), id="prophet"),
    pytest.param(lambda: Ensemble(("ets", "theta", "drift"), season_length=4), id="ensemble-mean"),
    pytest.param(
        lambda: Ensemble(("naive", "drift", "theta"), combine="median", season_length=4), id="ensemble-median"
    ),
    pytest.param(lambda: make_model("ets_damped", 4), id="ets_damped"),
    pytest.param(lambda: make_model("dotm", 4), id="dotm"),
    pytest.param(lambda: make_model("ces", 4), id="ces"),
    pytest.param(lambda: make_model("arima_small", 4), id="arima_small"),
    pytest.param(lambda: make_model("combination", 4), id="combination-seasonal"),
    pytest.param(lambda: make_model("combination", 1), id="combination-yearly"),
]


@pytest.mark.parametrize("build", CONTRACT)
def test_contract(build, trending):
    model = build()
    with pytest.raises(ValueError, match=rf"^{type(model).__name__} is not fitted yet; call fit\(y\)") as raised:
        model.predict(3)
    assert isinstance(raised.value, NotFittedError), "predict before fit raises the library's named error"
    with pytest.raises(NotFittedError):
        model.forecast_arrays(3, (80, 95))
    assert model.fit(trending) is model
    assert [k for k in vars(model) if k.endswith("_")], "fitted state lives in attributes ending in _"

    out = model.predict(6, level=(95, 80))
    assert list(out.columns) == ["mean", "lo-80", "hi-80", "lo-95", "hi-95"]
    assert len(out) == 6 and list(out.index) == [1, 2, 3, 4, 5, 6]
    assert np.isfinite(out.to_numpy()).all()
    assert (out["lo-80"] <= out["mean"]).all() and (out["mean"] <= out["hi-80"]).all()
    assert (out["lo-95"] <= out["lo-80"]).all() and (out["hi-80"] <= out["hi-95"]).all()
    assert ((out["hi-95"] - out["lo-95"]) > (out["hi-80"] - out["lo-80"])).all(), "95% must be wider than 80%"

    again = build().fit(trending).predict(6, level=(80, 95))
    pd.testing.assert_frame_equal(out, again)
    clone = model.clone()
    assert clone.get_params() == model.get_params() and not clone.is_fitted


@pytest.mark.parametrize("build", CONTRACT[:8])
def test_contract_plain_arrays(build, trending):
    """Models fit plain arrays too, and the forecast continues from the last value."""
    out = build().fit(trending.to_numpy()).predict(2, level=80)
    assert list(out.columns) == ["mean", "lo-80", "hi-80"]
    assert abs(out["mean"].iloc[0] - trending.iloc[-1]) < 0.5 * (trending.max() - trending.min())


def test_the_contract_covers_every_registered_model():
    covered = {p.id.split("-")[0] for p in CONTRACT}
    assert {n for n in model_names() if n != "auto"} <= covered


@pytest.mark.parametrize("name", [n for n in model_names() if n != "auto"])
def test_registry_builds_every_model(name):
    model = make_model(name, season_length=12)
    assert model.name == name and not model.is_fitted


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_predict_rejects_bad_horizon(bad):
    model = Naive().fit([1.0, 2.0, 3.0])
    with pytest.raises(ForecastInputError, match="positive integer"):
        model.predict(bad)


@pytest.mark.parametrize("bad", [0, 100, 150, -5, "80", (80, True), [[80]]])
def test_predict_rejects_bad_level(bad):
    model = Naive().fit([1.0, 2.0, 3.0])
    with pytest.raises(ForecastInputError, match="between 0 and 100"):
        model.predict(2, level=bad)


@pytest.mark.parametrize(
    ("model", "y", "message"),
    [
        (ETS(), [1.0, 2.0, 3.0], "at least 8 observations; got 3"),
        (Drift(), [1.0, 2.0], "at least 3 observations; got 2"),
        (ETS(), [1.0, 2.0, np.nan, 4, 5, 6, 7, 8, 9], "without missing values"),
        (Naive(), ["a", "b"], "numeric"),
        (Naive(), [1.0, np.inf, 2.0], "finite"),
        (Naive(), [[1.0, 2.0]], "1-D"),
    ],
)
def test_fit_rejects_unusable_series(model, y, message):
    with pytest.raises(ForecastInputError, match=message):
        model.fit(y)


def test_naive_by_hand():
    out = Naive().fit([10.0, 12.0, 11.0, 13.0]).predict(2, level=80)
    sigma = np.sqrt((4 + 1 + 4) / 3)  # one-step changes 2, -1, 2
    np.testing.assert_allclose(out["mean"], [13, 13])
    np.testing.assert_allclose(out["hi-80"] - out["mean"], Z80 * sigma * np.sqrt([1, 2]))


def test_drift_by_hand():
    out = Drift().fit([1.0, 3.0, 4.0, 7.0]).predict(2, level=80)
    slope = 2.0  # (7 - 1) / 3
    residuals = np.array([2, 1, 3]) - slope
    sigma = np.sqrt((residuals**2).sum() / 2)
    np.testing.assert_allclose(out["mean"], [9, 11])
    k = np.array([1, 2])
    np.testing.assert_allclose(out["hi-80"] - out["mean"], Z80 * sigma * np.sqrt(k * (1 + k / 3)))


def test_seasonal_naive_by_hand():
    y = [1.0, 5, 3, 2, 4, 6]  # m = 3: last season is 2, 4, 6; seasonal changes 1, -1, 3
    out = SeasonalNaive(season_length=3).fit(y).predict(5, level=80)
    np.testing.assert_allclose(out["mean"], [2, 4, 6, 2, 4])
    sigma = np.sqrt((1 + 1 + 9) / 3)
    np.testing.assert_allclose(out["hi-80"] - out["mean"], Z80 * sigma * np.sqrt([1, 1, 1, 2, 2]))


def test_baselines_treat_gaps_as_unobserved_periods():
    """A gap is a longer step of the random walk: nothing is filled in."""
    naive = Naive().fit([1.0, 2.0, np.nan, 4.0, 5.0, np.nan])
    # Increments 1 (1 step), 2 (2 steps), 1 (1 step) → standardised 1, √2, 1; the origin is 1 period after 5.
    sigma = np.sqrt((1 + 2 + 1) / 3)
    out = naive.predict(1, level=80)
    assert out["mean"].iloc[0] == 5
    np.testing.assert_allclose(out["hi-80"] - out["mean"], Z80 * sigma * np.sqrt(2))
    drift = Drift().fit([0.0, np.nan, 2.0, 3.0])
    np.testing.assert_allclose(drift.predict(1)["mean"], [4.0])
    seasonal = SeasonalNaive(season_length=2).fit([1.0, 10.0, 2.0, np.nan, 3.0, 12.0, np.nan, np.nan])
    np.testing.assert_allclose(seasonal.predict(2)["mean"], [3.0, 12.0])


def test_constant_series_gives_flat_forecast_with_zero_width():
    for model in (Naive(), Drift(), ETS(), Theta()):
        out = model.fit(np.full(12, 4.0)).predict(3)
        np.testing.assert_allclose(out.to_numpy(), 4.0, atol=1e-6)


def test_negative_series_stays_in_its_range():
    rng = np.random.default_rng(3)
    y = -50 + rng.normal(0, 1, 30)
    for model in (ETS(), Theta(), Drift()):
        out = model.fit(y).predict(4)
        assert ((out["mean"] > -60) & (out["mean"] < -40)).all()


def test_ets_reports_its_form_and_matches_the_statsmodels_reference():
    rng = np.random.default_rng(11)
    y = 20 + 0.8 * np.arange(40) + rng.normal(0, 1, 40)
    fast = ETS().fit(y)
    reference = ETS(engine="statsmodels").fit(y)
    assert fast.describe().startswith("ETS(") and reference.describe().startswith("ETS(")
    # Both pick a trend model; their 5-step forecasts agree to well within the noise.
    assert "N," not in fast.describe()[6:8] and "N," not in reference.describe()[6:8]
    diff = fast.predict(5)["mean"] - reference.predict(5)["mean"]
    assert np.abs(diff).max() < 1.0


def test_ensemble_combines_its_members():
    y = np.array([3.0, 5, 4, 6, 8, 7, 9, 11, 10, 12])
    members = [Naive().fit(y).predict(3), Drift().fit(y).predict(3)]
    ensemble = Ensemble(("naive", "drift")).fit(y)
    pd.testing.assert_frame_equal(ensemble.predict(3), (members[0] + members[1]) / 2)
    assert ensemble.describe() == "mean(naive, drift)"


def test_ensemble_skips_members_that_cannot_fit():
    ensemble = Ensemble(("ets", "naive", "drift")).fit([1.0, 2.0, 4.0, 5.0])  # ETS needs 8 points
    assert ensemble.used_ == ("naive", "drift")


def test_unknown_ensemble_combiner():
    with pytest.raises(ForecastInputError, match="combine must be one of"):
        Ensemble(("naive",), combine="mode").fit([1.0, 2.0, 3.0])


def test_prophet_missing_library_says_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_prophet(name, *args, **kwargs):
        if name == "prophet" or name.startswith("prophet."):
            raise ImportError("No module named 'prophet'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_prophet)
    with pytest.raises(MissingDependencyError, match="pip install prophet"):
        ProphetModel().fit(np.arange(10.0))


@pytest.mark.parametrize(
    "build",
    [
        lambda: ETS(season_length=4),
        lambda: ARIMA(season_length=4),
        lambda: make_model("arima_small", 4),
        lambda: make_model("ces", 4),
    ],
    ids=["ets", "arima", "arima_small", "ces"],
)
def test_frozen_keeps_the_automatic_choices(build, trending):
    """Backtests reuse the form chosen on the oldest window: refitting it on the same data gives the same model."""
    fitted = build().fit(trending.to_numpy())
    frozen = fitted.frozen()
    assert not frozen.is_fitted and frozen.get_params() != build().get_params()
    refitted = frozen.fit(trending.to_numpy())
    assert refitted.describe() == fitted.describe() and refitted.name == fitted.name
    pd.testing.assert_frame_equal(refitted.predict(4), fitted.predict(4), rtol=1e-4)
    assert Naive().frozen().get_params() == {}


@pytest.mark.parametrize("name", ["arima", "arima_small"])
def test_arima_frozen_with_its_estimates_runs_the_same_model(name, trending):
    """Windows one step apart keep ARIMA's coefficients: the frozen copy re-run on the same data forecasts the same,
    and on one more point it estimates nothing (its coefficients stay those of the fit)."""
    fitted = make_model(name, 4).fit(trending.to_numpy()[:-1])
    frozen = fitted.frozen(estimates=True)
    assert frozen.get_params()["fixed"] == pytest.approx(dict(fitted.model_.model_["coef"]))
    assert fitted.frozen().get_params()["fixed"] is None
    again, before = frozen.clone().fit(trending.to_numpy()[:-1]).predict(4), fitted.predict(4)
    np.testing.assert_allclose(again["mean"], before["mean"], rtol=1e-6)
    pd.testing.assert_frame_equal(again, before, rtol=1e-3)  # σ² counts no estimated coefficients: bands move 0.05%
    later = frozen.clone().fit(trending.to_numpy())
    assert dict(later.model_.model_["coef"]) == pytest.approx(dict(fitted.model_.model_["coef"]))
    assert later.describe() == fitted.describe()


def test_only_windows_one_step_apart_keep_the_estimates(trending, monkeypatch):
    asked = []
    real = ARIMA.frozen

    def record(self, *, estimates=False):
        asked.append(estimates)
        return real(self, estimates=estimates)

    monkeypatch.setattr(ARIMA, "frozen", record)
    series = prepare_series("s", trending.index, trending.to_numpy(), None)
    run_backtest(series, {"arima": ARIMA(season_length=4)}, WindowPlan(4, (24, 25, 26, 27)), (80,))
    run_backtest(series, {"arima": ARIMA(season_length=4)}, WindowPlan(4, (24, 28, 32)), (80,))
    assert asked == [True, False]


def test_ces_intervals_are_statsforecasts_simulation_with_fewer_paths(trending, monkeypatch):
    # With statsforecast's own 5,000 paths the bounds are exactly its own; with CES_PATHS they stay close.
    model = make_model("ces", 4).fit(trending)
    own = model.model_.predict(8, level=[80, 95])
    monkeypatch.setattr(statistical, "CES_PATHS", 5000)
    same = model.predict(8, level=(80, 95))
    for key in ("lo-80", "hi-80", "lo-95", "hi-95"):
        np.testing.assert_allclose(same[key], own[key])
    monkeypatch.undo()
    fewer = model.predict(8, level=(80, 95))
    width = own["hi-95"] - own["lo-95"]
    assert np.max(np.abs(fewer["hi-95"] - own["hi-95"]) / width) < 0.1
    assert np.max(np.abs(fewer["lo-95"] - own["lo-95"]) / width) < 0.1
    np.testing.assert_allclose(fewer["mean"], own["mean"])


def test_ces_needs_ten_observations():
    # Below ten residuals statsforecast's simulation of its intervals takes a path ~20× slower; the engine then
    # leaves CES out of a combination or falls back to naive.
    with pytest.raises(ForecastInputError, match="ces needs at least 10 observations; got 9"):
        make_model("ces", 12).fit(np.arange(1.0, 10.0))
    assert np.isfinite(make_model("ces", 12).fit(np.arange(1.0, 11.0)).predict(3).to_numpy()).all()


def test_ces_on_a_constant_series():
    """statsforecast fits a naive model, not a CES, to a constant series; the wrapper still describes and freezes."""
    model = make_model("ces", 4).fit(np.full(12, 5.0))
    assert model.describe() == "CES (constant series: naive)" and model.frozen().get_params()["form"] == "Z"
    np.testing.assert_allclose(model.predict(3, level=())["mean"], 5.0)


def test_cached_normal_quantiles_match_scipy():
    """The cache that spares statsforecast a scipy call per predict returns the same numbers."""
    from scipy.stats import norm
    from statsforecast import utils

    ETS().fit(np.arange(10.0) + np.sin(np.arange(10.0)))  # installs the cache
    assert getattr(utils._quantiles, "cached_normal", False)
    np.testing.assert_allclose(utils._quantiles(np.array([80, 95])), norm.ppf([0.9, 0.975]), rtol=1e-12)
    from statsforecast.distributions import frozen_error_distribution

    other = frozen_error_distribution(1.0, "t", {"df": 5}).ppf([0.75])  # other distributions take the original path
    np.testing.assert_allclose(utils._quantiles([50], "t", {"df": 5}), other, rtol=1e-12)


def test_arima_searches_with_the_approximation_on_long_series_as_r_does():
    rng = np.random.default_rng(9)
    short, long = (np.cumsum(rng.normal(0.5, 1, n)) for n in (40, 160))
    assert not ARIMA().fit(short)._engine().approximation
    assert ARIMA().fit(long)._engine().approximation
    assert not ARIMA(approximation=False).fit(long)._engine().approximation
    assert ARIMA(season_length=24)._engine().approximation
