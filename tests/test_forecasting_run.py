"""One run: the forecast, the backtests and the leaderboard scored from them, per-series errors, progress, workers."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pandas as pd
import pytest

import forecasting
from forecasting import ForecastInputError, evaluate, forecast, leaderboard, run
from forecasting import pool as pool_module


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """Twelve annual series of different lengths and levels, one with a negative level."""
    rng = np.random.default_rng(5)
    frames = []
    for i in range(12):
        n = 8 + 2 * i
        values = (-1) ** (i == 3) * (50 + 10 * i) + np.cumsum(rng.normal(1, 2, n))
        ds = pd.date_range(f"{2020 - n}-01-01", periods=n, freq="YS")
        frames.append(pd.DataFrame({"unique_id": f"s{i:02d}", "ds": ds, "y": values}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def one_run(panel):
    """The default run of the panel, three years ahead."""
    return run(panel, h=3)


def test_forecast_and_leaderboard_are_views_of_one_run(panel, one_run):
    pd.testing.assert_frame_equal(one_run.forecast, forecast(panel, h=3))
    pd.testing.assert_frame_equal(one_run.leaderboard, leaderboard(panel, h=3))
    assert one_run.errors.empty
    assert (one_run.h, one_run.levels, one_run.model) == (3, (80, 95), "combination")


def test_the_leaderboard_is_scored_from_the_backtests(one_run):
    metrics = ["mase", "smape", "mae", "coverage_80", "coverage_95"]
    scored = evaluate(one_run.backtests, metrics)
    board = one_run.leaderboard.merge(scored, on=["unique_id", "model"], suffixes=("", "_evaluated"), how="outer")
    assert len(board) == len(one_run.leaderboard) == len(scored)
    for metric in metrics:
        np.testing.assert_allclose(board[metric], board[f"{metric}_evaluated"], rtol=1e-12)
    points = one_run.backtests.groupby("unique_id")["y"].size()
    chosen = one_run.leaderboard[one_run.leaderboard["chosen"]].set_index("unique_id")
    assert (chosen["backtest_points"] <= points.reindex(chosen.index)).all()


def test_backtests_hold_the_outcomes_after_each_cutoff(panel, one_run):
    bt = one_run.backtests
    assert list(bt.columns[:5]) == ["unique_id", "cutoff", "ds", "y", "mase_scale"]
    assert (bt["ds"] > bt["cutoff"]).all(), "no window sees its own test points"
    outcomes = bt.merge(panel, on=["unique_id", "ds"], suffixes=("", "_data"))
    assert len(outcomes) == len(bt)
    np.testing.assert_array_equal(outcomes["y"], outcomes["y_data"])
    for uid, rows in bt.groupby("unique_id"):
        last = panel.loc[panel["unique_id"] == uid, "ds"].max()
        assert rows["ds"].max() == last, f"{uid}: the newest window ends at the series end"


def test_bands_are_per_step_from_the_pooled_errors_ordered_and_widening(one_run):
    raw, fc = one_run.raw_forecast, one_run.forecast
    columns = ["combination", "combination-lo-80", "combination-hi-80", "combination-lo-95", "combination-hi-95"]
    assert list(raw.columns) == ["unique_id", "ds", *columns]
    np.testing.assert_array_equal(raw["combination"], fc["combination"])
    assert (fc["combination-lo-95"] <= fc["combination-lo-80"]).all()
    assert (fc["combination-lo-80"] <= fc["combination"]).all() and (fc["combination"] <= fc["combination-hi-80"]).all()
    assert (fc["combination-hi-80"] <= fc["combination-hi-95"]).all()
    # the negative series is calibrated on plain errors, the eleven positive ones on log errors, pooled
    groups = one_run.calibration.set_index("group")
    assert groups.loc["YS-JAN|log", "series"] == 11 and groups.loc["YS-JAN|plain", "series"] == 1
    assert set(fc["calibration"]) == set(groups.index)
    positive = fc[fc["calibration"] == "YS-JAN|log"]
    for _, rows in positive.groupby("unique_id"):
        for level in (80, 95):
            width = np.log(rows[f"combination-hi-{level}"] / rows["combination"]).to_numpy()
            assert (np.diff(width) >= -1e-12).all(), "a band never narrows with the horizon"
            lower = np.log(rows["combination"] / rows[f"combination-lo-{level}"]).to_numpy()
            np.testing.assert_allclose(width, lower)  # symmetric on the log scale: positive, never below zero
    assert (positive["combination-lo-95"] > 0).all()


def test_the_group_reports_coverage_only_on_enough_outcomes(one_run):
    groups = one_run.calibration.set_index("group")
    pooled = groups.loc["YS-JAN|log"]
    assert pooled["points"] >= 50 and 0 <= pooled["coverage-80"] <= pooled["coverage-95"] <= 100
    assert pooled["msis-95"] > 0
    lone = groups.loc["YS-JAN|plain"]
    assert lone["points"] < 50 and np.isnan(lone["coverage-80"])  # one short series: too few outcomes to say
    assert one_run.calibration_of("s00") == groups.loc["YS-JAN|log"].to_dict() | {"group": "YS-JAN|log"}


def test_progress_reports_every_chunk(panel):
    calls: list[tuple[int, int]] = []
    run(panel, h=2, chunk_size=5, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 12), (5, 12), (10, 12), (12, 12)]


def test_bad_series_are_reported_without_failing_the_run(panel):
    broken = pd.concat(
        [
            panel,
            pd.DataFrame({"unique_id": "dup", "ds": pd.to_datetime(["2000-01-01", "2000-01-01"]), "y": [1.0, 2.0]}),
            pd.DataFrame({"unique_id": "one", "ds": pd.to_datetime(["2000-01-01"]), "y": [1.0]}),
            pd.DataFrame({"unique_id": "none", "ds": pd.to_datetime(["2000-01-01", "2001-01-01"]), "y": np.nan}),
        ]
    )
    result = run(broken, h=2)
    errors = result.errors.set_index("unique_id")["error"]
    assert list(errors.index) == ["dup", "one", "none"]
    assert "duplicate dates" in errors["dup"] and "1 observed value" in errors["one"]
    assert "0 observed value" in errors["none"]
    assert result.forecast["unique_id"].nunique() == 12
    assert set(result.backtests["unique_id"]) == set(result.leaderboard["unique_id"]) == set(panel["unique_id"])
    with pytest.raises(ForecastInputError, match="duplicate dates within a series"):
        run(broken, h=2, strict=True)
    with pytest.raises(ForecastInputError, match="series 'one' has 1 observed value"):
        run(broken[~broken["unique_id"].isin(["dup", "none"])], h=2, strict=True)


def test_frame_level_problems_and_bad_settings_raise(panel):
    with pytest.raises(ForecastInputError, match="lacks column"):
        run(panel.drop(columns="y"), h=2)
    with pytest.raises(ForecastInputError, match="h must be"):
        run(panel, h=0)
    with pytest.raises(ForecastInputError, match="n_jobs"):
        run(panel, h=2, n_jobs=0)


def test_broken_workers_fall_back_to_this_process(panel, monkeypatch):
    class Broken:
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("worker died")

    monkeypatch.setattr(pool_module, "_executor", lambda jobs: Broken())
    with pytest.warns(RuntimeWarning, match="finishing the batch in this process"):
        result = run(panel, h=2, n_jobs=2)
    pd.testing.assert_frame_equal(result.forecast, forecast(panel, h=2))


@pytest.mark.slow
def test_worker_processes_give_the_same_run(panel, one_run):
    calls: list[tuple[int, int]] = []
    parallel = run(panel, h=3, n_jobs=2, chunk_size=3, progress=lambda d, t: calls.append((d, t)))
    for name in ("forecast", "raw_forecast", "backtests", "leaderboard", "calibration", "breaks", "errors"):
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(one_run, name))
    assert calls[0] == (0, 12) and calls[-1] == (12, 12) and len(calls) == 5
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_integer_periods_are_numbered_periods(panel, one_run):
    numbered = panel.assign(ds=panel["ds"].dt.year)
    result = run(numbered, h=3)
    assert result.forecast["ds"].dtype.kind == "i" and result.backtests["cutoff"].dtype.kind == "i"
    firsts = result.forecast.groupby("unique_id")["ds"].first()
    assert (firsts == 2020).all()  # every panel series ends in 2019
    # consecutive years as numbers: the same series, the same forecasts as with dates
    np.testing.assert_allclose(result.forecast["combination"], one_run.forecast["combination"])
    np.testing.assert_allclose(result.forecast["combination-hi-95"], one_run.forecast["combination-hi-95"])
    assert (result.forecast["fit_start"] == one_run.forecast["fit_start"].dt.year).all()


def test_numbered_periods_with_a_step_and_without_a_season():
    values = 50 + 10 * np.sin(np.arange(40) * np.pi / 2) + np.arange(40)  # a period-4 pattern numbers cannot tell
    frame = pd.DataFrame({"unique_id": "k", "ds": np.arange(0, 200, 5), "y": values})
    out = forecast(frame, h=2)
    assert out["ds"].tolist() == [200, 205]
    stepped = forecast(frame.assign(ds=np.arange(1, 41)), h=2, freq=1)
    assert stepped["ds"].tolist() == [41, 42]
    np.testing.assert_allclose(out["combination"], stepped["combination"])
    with pytest.raises(ForecastInputError, match="positive integer step"):
        forecast(frame, h=2, freq="MS")
    with pytest.raises(ForecastInputError, match="not on the step 10"):
        forecast(frame, h=2, freq=10)


def injected_shift(n: int = 30, at: int = 20, shift: float = -0.3, seed: int = 11) -> pd.DataFrame:
    """An annual series growing 8% ± 1% a year with a level shift of ``shift`` (log) at position ``at``."""
    rng = np.random.default_rng(seed)
    log = np.cumsum(rng.normal(0.08, 0.01, n)) + np.log(1000)
    log[at:] += shift
    ds = pd.date_range("1995-01-01", periods=n, freq="YS")
    return pd.DataFrame({"unique_id": "shift", "ds": ds, "y": np.exp(log)})


def test_an_injected_level_shift_is_found_and_the_forecast_fitted_after_it():
    frame = injected_shift()
    result = run(frame, h=3)
    found = result.breaks
    assert len(found) == 1 and found["kind"].iloc[0] == "level" and bool(found["fit_from"].iloc[0])
    assert found["ds"].iloc[0] == pd.Timestamp("2015-01-01")
    assert found["change"].iloc[0] == pytest.approx(-0.26, abs=0.03)
    assert result.forecast["fit_start"].iloc[0] == pd.Timestamp("2015-01-01")
    # fitted on the new level: the forecast continues from it instead of splitting the difference
    assert result.forecast["combination"].iloc[0] == pytest.approx(frame["y"].iloc[-1] * 1.08, rel=0.05)
    ignored = run(frame, h=3, breaks=False)
    assert ignored.breaks.empty and ignored.forecast["fit_start"].iloc[0] == pd.Timestamp("1995-01-01")


def test_a_break_too_close_to_the_end_is_reported_but_not_fitted_from():
    result = run(injected_shift(at=25), h=3)
    assert len(result.breaks) == 1 and not result.breaks["fit_from"].iloc[0]  # 5 points after it: too few
    assert result.forecast["fit_start"].iloc[0] == pd.Timestamp("1995-01-01")


# --- daily and weekly counts ---------------------------------------------------------------------------------------


def _poisson_days(n: int = 200, start: str = "2025-01-01", seed: int = 1) -> pd.DataFrame:
    """Cases per day: about 8 on weekdays and 5 at weekends."""
    ds = pd.date_range(start, periods=n, freq="D")
    y = np.random.default_rng(seed).poisson(5 + 3 * (ds.dayofweek < 5)).astype(float)
    return pd.DataFrame({"unique_id": "cases", "ds": ds, "y": y})


@pytest.mark.parametrize(("freq", "n", "h"), [("D", 200, 14), ("W-MON", 120, 8), ("W-SUN", 60, 4)])
def test_daily_and_weekly_counts_forecast_with_bands_that_stay_sensible(freq, n, h):
    ds = pd.date_range("2023-01-01", periods=n, freq=freq)
    y = np.random.default_rng(3).poisson(6 + 3 * np.sin(np.arange(n) * 2 * np.pi / (7 if freq == "D" else 52)))
    out = run(pd.DataFrame({"unique_id": "c", "ds": ds, "y": y.astype(float)}), h)
    assert out.errors.empty
    fc = out.forecast
    assert list(fc["ds"]) == list(pd.date_range(ds[-1], periods=h + 1, freq=freq)[1:])
    assert (fc["combination-lo-95"] >= 0).all()  # a count's band never goes below zero
    # counting noise of a mean of 6–9 is ±6; log errors made the last step's 95% bound 50–90 times the forecast
    assert (fc["combination-hi-95"] < fc["combination"] + 25).all()
    assert fc["mase"].notna().all() and (fc["backtest_points"] > 0).all()


def test_counts_are_read_on_the_plain_scale_unless_told_otherwise():
    df = _poisson_days()
    auto = run(df, 14).forecast
    logged = run(df, 14, counts=False).forecast
    assert auto["calibration"].iloc[0] == "D|plain" and logged["calibration"].iloc[0] == "D|log"
    assert auto["combination-hi-95"].iloc[-1] < 0.2 * logged["combination-hi-95"].iloc[-1]
    # a monthly series of whole numbers is not taken for a count (levels such as population are whole too)
    monthly = df.assign(ds=pd.date_range("2000-01-01", periods=len(df), freq="MS"))
    assert run(monthly, 3).forecast["calibration"].iloc[0] == "MS|log"
    assert run(monthly, 3, counts=True).forecast["calibration"].iloc[0] == "MS|plain"


def test_chinese_public_holidays_are_not_comparable_days():
    # A hotline series through the 2024 National Day week (1–7 October), forecast into the 2025 New Year.
    df = _poisson_days(n=245, start="2024-05-01")  # to 31 December 2024
    assert df["ds"].iloc[-1] == pd.Timestamp("2024-12-31")
    out = run(df, 3, n_windows=100)  # a single series: windows one day apart, reaching back into October
    # 1–3 October and the rest days moved onto 4 and 7 October (调休); the 5th and 6th are an ordinary weekend
    national_day = pd.to_datetime(["2024-10-01", "2024-10-02", "2024-10-03", "2024-10-04", "2024-10-07"])
    assert not out.backtests["ds"].isin(national_day).any()
    plain = run(df, 3, n_windows=100, holidays=None)
    assert plain.backtests["ds"].isin(national_day).sum() > 0
    assert out.holidays[["ds", "name_zh", "name_en"]].values.tolist() == [
        [pd.Timestamp("2025-01-01"), "元旦", "New Year's Day"]
    ]
    assert plain.holidays.empty


def test_a_falling_count_is_never_forecast_below_zero():
    ds = pd.date_range("2024-01-01", periods=40, freq="W-MON")
    y = np.maximum(np.round(np.linspace(40, 1, 40) + np.random.default_rng(2).normal(0, 1.5, 40)), 0)
    fc = run(pd.DataFrame({"unique_id": "c", "ds": ds, "y": y}), 8).forecast
    band = fc.filter(like="combination")
    assert (band >= 0).all().all()
    # the same numbers as a level (not a count) are forecast on below zero: the clip is the count's
    level = run(pd.DataFrame({"unique_id": "c", "ds": ds, "y": y}), 8, counts=False).forecast
    assert (level["combination"] < 0).any() or (level["combination-lo-95"] < 0).any()


def test_a_run_without_comparison_models_gives_the_same_forecast_at_less_cost(panel, one_run):
    bare = run(panel, h=3, models=())
    pd.testing.assert_frame_equal(bare.forecast, one_run.forecast)
    pd.testing.assert_frame_equal(bare.calibration, one_run.calibration)
    members = {"combination", "ets", "ets_damped", "dotm"}
    assert set(bare.leaderboard["model"]) == members  # the leaderboard's naive, drift and Theta were not fitted
    assert {"naive", "drift", "theta"} & set(bare.backtests.columns) == set()
    assert {"naive", "drift", "theta"} <= set(one_run.leaderboard["model"])
    named = run(panel, h=3, model="theta", models=())
    assert set(named.leaderboard["model"]) == {"theta"}  # a named model with no comparison is backtested alone
    assert named.reading("s05").points > 0
    with pytest.raises(ForecastInputError, match="chooses among models"):
        run(panel, h=3, model="auto", models=())


def test_a_series_alone_is_banded_exactly_as_its_peers_run_banded_it(panel, one_run):
    pooled = run(panel, h=3, models=()).pooled
    for uid in ("s00", "s05", "s11", "s03"):  # s03: the one negative series, alone in its group
        alone = run(panel[panel["unique_id"] == uid], h=3, pooled=pooled)
        mine = one_run.forecast[one_run.forecast["unique_id"] == uid].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone.forecast, mine)  # bands, coverage, MSIS and group, to the last bit
        board = one_run.leaderboard[one_run.leaderboard["unique_id"] == uid].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone.leaderboard, board)  # the run's windows, not ten dense ones
        group = one_run.calibration[one_run.calibration["group"] == mine["calibration"].iloc[0]]
        pd.testing.assert_frame_equal(alone.calibration, group.reset_index(drop=True))
    # without the peers' calibration a lone series is calibrated on its own ten dense windows: a different band
    lone = run(panel[panel["unique_id"] == "s05"], h=3)
    assert not np.allclose(
        lone.forecast["combination-hi-95"], one_run.forecast.loc[lambda f: f.unique_id == "s05", "combination-hi-95"]
    )


def test_a_lone_series_with_the_leaderboard_is_banded_as_by_its_own_calibration(panel):
    # The Forecast page runs an indicator's only series once, with the leaderboard's models, instead of a calibration
    # run without them followed by the series again with it: the bands must be the same.
    one = panel[panel["unique_id"] == "s05"]
    pooled = run(one, h=3, models=()).pooled
    assert pooled.dense
    pd.testing.assert_frame_equal(run(one, h=3).forecast, run(one, h=3, pooled=pooled).forecast)


def test_a_pooled_calibration_applies_only_to_its_horizon_levels_and_model(panel):
    pooled = run(panel, h=3, models=()).pooled
    one = panel[panel["unique_id"] == "s05"]
    for settings in ({"h": 2}, {"h": 3, "level": (90,)}, {"h": 3, "model": "ets"}):
        with pytest.raises(ForecastInputError, match="pooled was calibrated"):
            run(one, pooled=pooled, **settings)
    with pytest.raises(ForecastInputError, match="a run's `pooled`"):
        run(one, h=3, pooled=pooled.quantiles)


def test_a_series_whose_band_overflows_fails_alone(obs):
    """Shipped agricultural-hukou population: in 2011 some provinces report persons, not 万人 (a 10,000-fold slip the
    chart marks as a probable revision); their log bands overflow, and only they fail — the run and the others stand."""
    rows = obs[obs["indicator_id"] == "population_agri_hukou"]
    spiked = set(rows.loc[rows["value"] > 1e5, "region_code"])
    frame = pd.DataFrame({"unique_id": rows["region_code"], "ds": rows["period"], "y": rows["value"]})
    result = forecasting.run(frame, 5, models=(), breaks=True)
    failed = set(result.errors["unique_id"])
    assert failed and failed <= spiked
    assert result.errors["error"].str.contains("non-finite").all()
    banded = set(result.forecast["unique_id"])
    assert len(banded) > 10 and not banded & failed and np.isfinite(result.forecast["combination-hi-95"]).all()
    with pytest.raises(forecasting.ModelFitError):
        forecasting.run(frame, 5, models=(), breaks=True, strict=True)
