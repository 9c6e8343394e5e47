"""Batch forecasting: same results as ``forecast``, progress, caching, per-series errors, worker processes."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pandas as pd
import pytest

from forecasting import ForecastInputError, batch_forecast, clear_cache, forecast, leaderboard
from forecasting import batch as batch_module


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


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts without cached results."""
    clear_cache()
    yield
    clear_cache()


def test_same_results_as_forecast_and_leaderboard(panel):
    result = batch_forecast(panel, h=3, n_jobs=1)
    pd.testing.assert_frame_equal(result.forecast, forecast(panel, h=3))
    pd.testing.assert_frame_equal(result.leaderboard, leaderboard(panel, h=3))
    assert result.errors.empty and not result.cached


def test_progress_reports_every_chunk(panel):
    calls: list[tuple[int, int]] = []
    batch_forecast(panel, h=2, n_jobs=1, chunk_size=5, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 12), (5, 12), (10, 12), (12, 12)]


def test_cache_returns_the_same_result_and_protects_it(panel):
    first = batch_forecast(panel, h=2, n_jobs=1)
    first.forecast.loc[:, "auto"] = 0.0  # a caller changing its copy must not change the cache
    calls = []
    second = batch_forecast(panel, h=2, n_jobs=1, progress=lambda d, t: calls.append((d, t)))
    assert second.cached and calls == [(12, 12)]
    assert (second.forecast["auto"] != 0).all()
    third = batch_forecast(panel, h=2, n_jobs=1, level=(90,))
    assert not third.cached, "a different setting is a different cache entry"
    assert not batch_forecast(panel.assign(y=panel.y + 1), h=2, n_jobs=1).cached, "so is different data"


def test_cache_on_disk_survives_a_cleared_memory(panel, tmp_path):
    first = batch_forecast(panel, h=2, n_jobs=1, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.pkl"))) == 1
    clear_cache()
    again = batch_forecast(panel, h=2, n_jobs=1, cache_dir=tmp_path)
    assert again.cached
    pd.testing.assert_frame_equal(first.forecast, again.forecast)


def test_bad_series_are_reported_without_failing_the_batch(panel):
    broken = pd.concat(
        [
            panel,
            pd.DataFrame({"unique_id": "dup", "ds": pd.to_datetime(["2000-01-01", "2000-01-01"]), "y": [1.0, 2.0]}),
            pd.DataFrame({"unique_id": "one", "ds": pd.to_datetime(["2000-01-01"]), "y": [1.0]}),
            pd.DataFrame({"unique_id": "none", "ds": pd.to_datetime(["2000-01-01", "2001-01-01"]), "y": np.nan}),
        ]
    )
    result = batch_forecast(broken, h=2, n_jobs=1)
    errors = result.errors.set_index("unique_id")["error"]
    assert list(errors.index) == ["dup", "one", "none"]
    assert "duplicate dates" in errors["dup"] and "1 observed value" in errors["one"]
    assert "0 observed value" in errors["none"]
    assert result.forecast["unique_id"].nunique() == 12


def test_frame_level_problems_still_raise(panel):
    with pytest.raises(ForecastInputError, match="lacks column"):
        batch_forecast(panel.drop(columns="y"), h=2)
    with pytest.raises(ForecastInputError, match="h must be"):
        batch_forecast(panel, h=0)


def test_broken_workers_fall_back_to_this_process(panel, monkeypatch):
    class Broken:
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("worker died")

    monkeypatch.setattr(batch_module, "_executor", lambda jobs: Broken())
    with pytest.warns(RuntimeWarning, match="finishing the batch in this process"):
        result = batch_forecast(panel, h=2, n_jobs=2, cache=False)
    pd.testing.assert_frame_equal(result.forecast, forecast(panel, h=2))


@pytest.mark.slow
def test_worker_processes_give_the_same_result(panel):
    calls: list[tuple[int, int]] = []
    parallel = batch_forecast(
        panel, h=3, n_jobs=2, chunk_size=3, cache=False, progress=lambda d, t: calls.append((d, t))
    )
    pd.testing.assert_frame_equal(parallel.forecast, forecast(panel, h=3))
    assert calls[0] == (0, 12) and calls[-1] == (12, 12) and len(calls) == 5
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
