"""One run: the forecast, the backtests and the leaderboard scored from them, per-series errors, progress, workers."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pandas as pd
import pytest

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
    assert (one_run.h, one_run.levels, one_run.model) == (3, (80, 95), "auto")


def test_the_leaderboard_is_scored_from_the_backtests(one_run):
    scored = evaluate(one_run.backtests, ["mase", "smape", "coverage_80", "coverage_95"])
    board = one_run.leaderboard.merge(scored, on=["unique_id", "model"], suffixes=("", "_evaluated"), how="outer")
    assert len(board) == len(one_run.leaderboard) == len(scored)
    for metric in ("mase", "smape", "coverage_80", "coverage_95"):
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


def test_raw_intervals_are_the_models_own_and_calibration_only_widens(one_run):
    raw, calibrated = one_run.raw_forecast, one_run.forecast
    assert list(raw.columns) == ["unique_id", "ds", "auto", "auto-lo-80", "auto-hi-80", "auto-lo-95", "auto-hi-95"]
    np.testing.assert_array_equal(raw["auto"], calibrated["auto"])
    for level in (80, 95):
        assert (calibrated[f"auto-lo-{level}"] <= raw[f"auto-lo-{level}"]).all()
        assert (calibrated[f"auto-hi-{level}"] >= raw[f"auto-hi-{level}"]).all()
    assert (calibrated["auto-hi-80"] - calibrated["auto-lo-80"] > raw["auto-hi-80"] - raw["auto-lo-80"]).any()


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
    for name in ("forecast", "raw_forecast", "backtests", "leaderboard", "errors"):
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(one_run, name))
    assert calls[0] == (0, 12) and calls[-1] == (12, 12) and len(calls) == 5
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
