"""The baseline: built from the engine's output, checked, and sampled so that the draws reproduce its intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import forecasting
from forecasting.scenarios import Baseline, BaselineError, simulate_baseline

Z80, Z95 = stats.norm.ppf(0.9), stats.norm.ppf(0.975)


def frames(skew: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """History 2010–2022 and a 6-year forecast whose upper side is ``skew`` times wider than its lower side."""
    history = pd.DataFrame({"ds": pd.date_range("2010", periods=13, freq="YS"), "y": np.linspace(50, 100, 13)})
    mean = 100 * 1.05 ** np.arange(1, 7)
    sd = 3.0 * np.sqrt(np.arange(1, 7))
    forecast = pd.DataFrame({"ds": pd.date_range("2023", periods=6, freq="YS"), "mean": mean})
    for level, z in ((80, Z80), (95, Z95)):
        forecast[f"lo-{level}"], forecast[f"hi-{level}"] = mean - z * sd, mean + skew * z * sd
    return history, forecast


def test_engine_output_is_renamed_and_its_model_column_kept():
    history, forecast = frames()
    engine = forecast.rename(columns=lambda c: {"mean": "auto"}.get(c, c if c == "ds" else f"auto-{c}"))
    engine = engine.assign(unique_id="gdp|440000", model="ets", spec="ETS(A,A,N)")
    base = Baseline.from_forecast(history.assign(unique_id="gdp|440000"), engine, unique_id="gdp|440000")
    assert (base.model, base.freq) == ("ets", "A")
    pd.testing.assert_frame_equal(base.forecast, forecast)
    assert base.anchor == (100.0, 1) and list(map(str, base.periods)) == [str(y) for y in range(2023, 2029)]


@pytest.mark.parametrize("seed", [1, 2])
def test_draws_reproduce_the_calibrated_intervals_including_skew(seed):
    base = Baseline.from_forecast(*frames(skew=2.0), model="ets")
    draws = base.sample(6, 40_000, seed)
    quantiles = np.quantile(draws, [0.025, 0.1, 0.5, 0.9, 0.975], axis=0).T
    expected = base.forecast[["lo-95", "lo-80", "mean", "hi-80", "hi-95"]].to_numpy()
    sd = (expected[:, 4] - expected[:, 0]) / (2 * Z95)
    assert np.abs(quantiles - expected).max() <= 0.06 * sd.max()


def test_draws_follow_a_random_walk_across_horizons_and_are_shared_by_shorter_horizons():
    base = Baseline.from_forecast(*frames(), model="ets")
    draws = base.sample(6, 20_000, 3)
    corr = np.corrcoef(draws[:, 0], draws[:, 3])[0, 1]
    assert corr == pytest.approx(np.sqrt(1 / 4), abs=0.03)  # sd grows like √h: corr(1, 4) = sd_1 / sd_4
    np.testing.assert_array_equal(base.sample(3, 20_000, 3), draws[:, :3])


def test_baseline_outcome_bands_are_the_engine_intervals():
    base = Baseline.from_forecast(*frames(skew=1.5), model="ets")
    bands = simulate_baseline(base, 4, n_draws=200).bands()
    for column in ("mean", "lo-80", "hi-80", "lo-95", "hi-95"):
        np.testing.assert_array_equal(bands[column], base.forecast[column].iloc[:4])
    assert list(bands["period"]) == ["2023", "2024", "2025", "2026"]


def test_quarterly_and_monthly_frequencies_are_inferred():
    for alias, code in (("QS", "Q"), ("MS", "M")):
        history = pd.DataFrame({"ds": pd.date_range("2020-01", periods=8, freq=alias), "y": np.arange(1.0, 9.0)})
        start = history["ds"].iloc[-1] + (pd.DateOffset(months=3) if code == "Q" else pd.DateOffset(months=1))
        forecast = frames()[1].assign(ds=pd.date_range(start, periods=6, freq=alias))
        assert Baseline.from_forecast(history, forecast, model="x").freq == code


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda h, f: (h, f.drop(columns="hi-95")), "expected columns"),
        (lambda h, f: (h.drop(columns="y"), f), "history lacks column"),
        (lambda h, f: (h, f.assign(**{"lo-80": f["hi-80"] + 1})), "lo-95 <= lo-80 <= mean"),
        (lambda h, f: (h, f.assign(mean=np.nan)), "must be finite"),
        (lambda h, f: (h, f.drop(index=2)), "consecutive periods"),
        (lambda h, f: (h, f.assign(ds=f["ds"] - pd.DateOffset(years=2))), "not after the last historical period"),
        (lambda h, f: (h.assign(y=np.nan), f), "no observed value"),
        (lambda h, f: (h, pd.concat([f.assign(unique_id="a"), f.assign(unique_id="b")])), "pass unique_id"),
    ],
)
def test_bad_baselines_are_refused_with_the_reason(change, message):
    history, forecast = change(*frames())
    with pytest.raises(BaselineError, match=message):
        Baseline.from_forecast(history, forecast, model="ets")


def test_the_baseline_keeps_the_levels_of_its_run():
    history = pd.DataFrame(
        {
            "ds": pd.date_range("2000", periods=20, freq="YS"),
            "y": 100 + np.random.default_rng(3).normal(2, 3, 20).cumsum(),
        }
    )
    engine = forecasting.forecast(history.assign(unique_id="x"), 4, level=(50, 90), model="drift")
    base = Baseline.from_forecast(history, engine)
    assert base.levels == (50, 90)
    assert list(base.forecast.columns) == ["ds", "mean", "lo-50", "hi-50", "lo-90", "hi-90"]
    draws = base.sample(4, 40_000, 1)
    quantiles = np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0).T
    expected = base.forecast[["lo-90", "lo-50", "mean", "hi-50", "hi-90"]].to_numpy()
    assert np.abs(quantiles - expected).max() <= 0.03 * (expected[:, 4] - expected[:, 0]).max()
    outcome = simulate_baseline(base, 4, n_draws=500)
    bands = outcome.bands()
    assert list(bands.columns) == ["ds", "period", "mean", "lo-50", "hi-50", "lo-90", "hi-90"]
    np.testing.assert_array_equal(bands["hi-90"], engine["drift-hi-90"])
    eighty = outcome.bands((80,))  # a level the run did not deliver comes from the draws
    assert (eighty["lo-80"] < bands["lo-50"]).all() and (eighty["lo-80"] > bands["lo-90"]).all()


@pytest.mark.parametrize(
    ("dates", "code"),
    [
        (["2015-01-01", "2016-01-01", "2019-01-01"], "A"),  # a gap is still annual
        (["2024-03-31", "2024-06-30", "2024-12-31"], "Q"),  # period ends
        (["2025-01-01", "2025-02-01", "2025-05-01"], "M"),
    ],
)
def test_frequency_is_inferred_by_the_forecasting_library(dates, code):
    ds = pd.to_datetime(dates)
    history = pd.DataFrame({"ds": ds[:-1], "y": [1.0, 2.0]})
    forecast = frames()[1].iloc[:1].assign(ds=ds[-1:])
    assert Baseline.from_forecast(history, forecast, model="x").freq == code


def test_dates_on_no_annual_quarterly_or_monthly_grid_are_refused():
    history = pd.DataFrame({"ds": pd.to_datetime(["2016-01-01", "2018-01-01"]), "y": [1.0, 2.0]})
    forecast = frames()[1].iloc[:1].assign(ds=pd.to_datetime(["2020-01-01"]))
    with pytest.raises(BaselineError, match=r"look like '2YS-JAN'\); pass freq='A', 'Q' or 'M'"):
        Baseline.from_forecast(history, forecast, model="x")
    hours = pd.to_datetime(["2016-01-01 00:00", "2016-01-01 07:00", "2016-01-02 01:00"])
    with pytest.raises(BaselineError, match="cannot infer the frequency of dates"):
        Baseline.from_forecast(history.assign(ds=hours[:2]), forecast.assign(ds=hours[2:]), model="x")
