"""The fixed combination: the contract, equal to the median / mean / trimmed mean of its members, robust to a member
that cannot fit; and wrapped in per-step conformal intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecasting
from forecasting import ETS, Drift, Forecaster, ForecastInputError, ModelFitError, Naive, NotFittedError, Theta
from forecasting.combine import (
    DEFAULT_MEMBERS,
    OTHER_SEASONS,
    Combination,
    combine_outputs,
    default_combination,
    default_recipe,
)
from forecasting.conformal import Conformal


@pytest.fixture(scope="module")
def quarterly() -> pd.Series:
    rng = np.random.default_rng(7)
    t = np.arange(40)
    values = 100 + 1.5 * t + 6 * np.sin(2 * np.pi * t / 4) + rng.normal(0, 2, 40)
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=40, freq="QS"))


def members():
    return (ETS(season_length=4), Theta(season_length=4), Drift())


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: Combination(members(), "median"), id="median"),
        pytest.param(lambda: Combination(members(), "mean"), id="mean"),
        pytest.param(lambda: Conformal(Combination(members()), horizon=4, windows=8, season_length=4), id="conformal"),
    ],
)
def test_contract(build, quarterly):
    model = build()
    with pytest.raises(NotFittedError, match="call fit"):
        model.predict(3)
    assert model.fit(quarterly) is model
    assert [k for k in vars(model) if k.endswith("_")]
    out = model.predict(6, level=(95, 80))
    assert list(out.columns) == ["mean", "lo-80", "hi-80", "lo-95", "hi-95"]
    assert np.isfinite(out.to_numpy()).all()
    assert (out["lo-95"] <= out["lo-80"]).all() and (out["lo-80"] <= out["mean"]).all()
    assert (out["mean"] <= out["hi-80"]).all() and (out["hi-80"] <= out["hi-95"]).all()
    assert ((out["hi-95"] - out["lo-95"]) > (out["hi-80"] - out["lo-80"])).all()
    pd.testing.assert_frame_equal(out, build().fit(quarterly).predict(6, level=(80, 95)))
    assert model.clone().get_params() == model.get_params() and not model.clone().is_fitted


@pytest.mark.parametrize("how", ["median", "mean", "trimmed"])
def test_combination_equals_its_combiner_over_the_members(how, quarterly):
    parts = (*members(), Naive())
    outputs = [m.clone().fit(quarterly).predict(5) for m in parts]
    stacked = np.stack([o.to_numpy() for o in outputs])
    expected = {
        "median": np.median(stacked, axis=0),
        "mean": stacked.mean(axis=0),
        "trimmed": np.sort(stacked, axis=0)[1:-1].mean(axis=0),
    }[how]
    np.testing.assert_allclose(Combination(parts, how).fit(quarterly).predict(5).to_numpy(), expected)


def test_members_that_cannot_fit_are_left_out():
    y = np.arange(1.0, 7.0)  # six points: too short for ETS (8), enough for Theta and drift
    model = Combination(members()).fit(y)
    assert [name.split(" ")[0] for name in model.used_] == ["Theta", "drift"]
    assert model.describe().startswith("median(")
    with pytest.raises(ModelFitError, match="no member"):
        Combination((Broken(), Broken())).fit(np.arange(1.0, 9.0))


class Broken(Forecaster):
    """A member whose optimiser always fails."""

    name = "broken"

    def _fit(self, y, index):
        raise RuntimeError("optimiser failed")


def test_bad_configuration():
    with pytest.raises(ForecastInputError, match="at least one member"):
        Combination(()).fit(np.arange(10.0))
    with pytest.raises(ForecastInputError, match="combine must be"):
        Combination(members(), "mode").fit(np.arange(10.0))
    with pytest.raises(ForecastInputError, match="combine must be"):
        combine_outputs([{"mean": np.zeros(2)}], "mode")


@pytest.mark.parametrize("season", [1, 4, 12, 7, 52])
def test_default_combination_builds_the_recipe_of_its_season(season, quarterly):
    model = default_combination(season)
    names, how = DEFAULT_MEMBERS.get(season, OTHER_SEASONS)
    assert model.combine == how and [m.name for m in model.members] == list(names)
    assert all(getattr(m, "season_length", season) == season for m in model.members)
    out = model.fit(quarterly.to_numpy()).predict(4)
    assert np.isfinite(out.to_numpy()).all()


# The recipes chosen on the tourism training series' held-back last h points (benchmarks/forecast_seasonal_recipe.py
# --guard, issue 15); weekly and daily counts keep the cheap recipe (no evidence for ARIMA or CES there, and the
# searches are slowest on long seasons).
CHOSEN = {
    4: (("ets", "theta", "seasonal_naive", "arima_small"), "median"),
    12: (("theta", "ces", "seasonal_naive", "arima_small"), "mean"),
    7: (("ets", "theta", "seasonal_naive"), "mean"),
    52: (("ets", "theta", "seasonal_naive"), "mean"),
}


@pytest.mark.parametrize("season", sorted(CHOSEN))
def test_the_seasonal_default_combines_the_chosen_members(season):
    assert default_recipe(season) == CHOSEN[season]


@pytest.mark.parametrize(("freq", "season"), [("QS", 4), ("MS", 12)])
def test_a_seasonal_run_delivers_its_members_combined(freq, season):
    # Through the whole engine: the members are backtested (the leaderboard of a run without comparison models shows
    # them) and the delivered point forecast is their combination.
    rng = np.random.default_rng(3)
    t = np.arange(48)
    values = 200 + 2 * t + 15 * np.sin(2 * np.pi * t / season) + rng.normal(0, 3, 48)
    frame = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2010-01-01", periods=48, freq=freq), "y": values})
    names, how = CHOSEN[season]
    result = forecasting.run(frame, 6, models=())
    assert set(result.leaderboard["model"]) == {"combination", *names}
    alone = [forecasting.run(frame, 6, model=name, models=()).raw_forecast[name].to_numpy() for name in names]
    combined = np.median(alone, axis=0) if how == "median" else np.mean(alone, axis=0)
    np.testing.assert_allclose(result.raw_forecast["combination"].to_numpy(), combined)


FALLING = np.array([100, 95, 90, 80, 70, 55, 45, 30, 20, 12, 8, 5], float)  # positive; drift runs it below zero


def test_a_member_forecasting_a_positive_series_below_zero_is_left_out():
    # Drift takes the fall on to −3, −12, −21; naive stays at 5. A mean would pass half of the fall on.
    model = Combination((Drift(), Naive()), "mean").fit(FALLING)
    assert (Drift().fit(FALLING).predict(3)["mean"] < 0).all()
    pd.testing.assert_frame_equal(model.predict(3), Naive().fit(FALLING).predict(3))
    assert model.describe() == "mean(naive)"
    # Not positive throughout (a zero): nothing is left out. Every member below zero: combined as they are.
    with_zero = np.append(FALLING[:-1], 0.0)
    expected = (Drift().fit(with_zero).predict(3)["mean"] + Naive().fit(with_zero).predict(3)["mean"]) / 2
    np.testing.assert_allclose(Combination((Drift(), Naive()), "mean").fit(with_zero).predict(3)["mean"], expected)
    both = Combination((Drift(), Drift()), "mean").fit(FALLING)
    np.testing.assert_allclose(both.predict(3)["mean"], Drift().fit(FALLING).predict(3)["mean"])
    assert both.describe().count("drift (") == 2


def test_the_engine_backtests_the_guarded_combination_window_by_window(monkeypatch):
    # The combination's backtest is its members' forecasts combined window by window: with the guard, exactly what
    # the combination fitted on each window forecasts (drift goes below zero in the later windows only).
    monkeypatch.setitem(DEFAULT_MEMBERS, 1, (("drift", "naive"), "mean"))
    frame = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2000", periods=12, freq="YS"), "y": FALLING})
    result = forecasting.run(frame, 3, models=(), breaks=False)
    backtests = result.backtests
    left_out = 0
    for cutoff, window in backtests.groupby("cutoff"):
        train = FALLING[: int((frame.ds <= cutoff).sum())]
        fitted = Combination((Drift(), Naive()), "mean").fit(train)
        np.testing.assert_allclose(window["combination"], fitted.predict(len(window))["mean"])
        left_out += fitted.describe() == "mean(naive)"
    assert 0 < left_out < backtests.cutoff.nunique()
    np.testing.assert_allclose(result.raw_forecast["combination"], Naive().fit(FALLING).predict(3)["mean"])
