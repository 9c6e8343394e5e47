"""Batch forecasting on Dask: the same run as in this process, progress per chunk, a killed worker survived."""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys

import numpy as np
import pandas as pd
import pytest

from forecasting import ForecastInputError, cluster, run

run_module = importlib.import_module("forecasting.run")  # the module; ``forecasting.run`` is also the function

FRAMES = ("forecast", "raw_forecast", "backtests", "leaderboard", "calibration", "breaks", "errors")


def panel(count: int, seed: int = 11) -> pd.DataFrame:
    """``count`` annual series of different lengths and levels."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(count):
        n = 10 + i % 9
        values = (40 + 7 * (i % 13)) + np.cumsum(rng.normal(1, 2, n))
        ds = pd.date_range(f"{2022 - n}-01-01", periods=n, freq="YS")
        frames.append(pd.DataFrame({"unique_id": f"s{i:03d}", "ds": ds, "y": values}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two single-threaded worker processes on loopback, closed after the module."""
    from distributed import Client, LocalCluster

    with (
        _main_not_rerun(),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as local,
        Client(local, set_as_default=False) as connected,
    ):
        yield connected


@contextlib.contextmanager
def _main_not_rerun():
    """Worker processes start by spawning, which runs the parent's ``__main__`` file again; under pytest-xdist that
    file is execnet's bootstrap, which fails outside its channel ("name '__args' is not defined"). Without a
    ``__file__`` the spawned process skips it (the app runs as ``python -m ui.serve``: spawn imports the module by
    name, under its ``if __name__ == "__main__"`` guard)."""
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if path is not None:
            main.__file__ = path


def assert_same_run(left, right) -> None:
    """Every frame of two runs equal to the last bit (no tolerance)."""
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name), check_exact=True)


@pytest.mark.slow
def test_the_dask_path_gives_the_in_process_run_bit_for_bit_with_progress_per_chunk(client):
    frame = panel(30)
    calls: list[tuple[int, int]] = []
    on_dask = run(frame, h=3, dask=client, chunk_size=4, progress=lambda d, t: calls.append((d, t)))
    in_process = run(frame, h=3, dask=False)
    assert_same_run(on_dask, in_process)
    assert calls[0] == (0, 30) and calls[-1] == (30, 30)
    assert len(calls) == 1 + 8  # the start, then one call per chunk of four (the last holds two)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.slow
def test_a_worker_killed_mid_run_is_survived_and_its_chunks_retried(client):
    frame = panel(60, seed=3)
    pids = client.run(os.getpid)  # {worker address: pid}
    killed: dict[str, object] = {}

    def kill_one_busy_worker(done: int, total: int) -> None:
        if killed or done == 0:
            return
        busy = {address: keys for address, keys in client.processing().items() if keys}
        if not busy:
            return
        address = next(iter(busy))
        killed.update(address=address, running=list(busy[address]))
        os.kill(pids[address], signal.SIGKILL)

    on_dask = run(frame, h=2, dask=client, chunk_size=2, progress=kill_one_busy_worker)
    assert killed and killed["running"], "no worker was busy after the first chunk: nothing was killed"
    with pytest.raises(ProcessLookupError):
        os.kill(pids[killed["address"]], 0)  # the process is gone
    assert_same_run(on_dask, run(frame, h=2, dask=False))
    assert on_dask.forecast["unique_id"].nunique() == 60


def test_large_runs_go_to_dask_by_default_and_small_ones_do_not(monkeypatch):
    chosen: list[int] = []
    monkeypatch.setattr(cluster, "shared_client", lambda n: chosen.append(n) or "client")
    monkeypatch.setenv(cluster.MIN_SERIES_ENV, "5")
    assert run_module._dask_client(None, 4, 2) is None
    assert run_module._dask_client(None, 5, 2) == "client"
    assert run_module._dask_client(False, 50_000, 2) is None
    assert chosen == [2]
    monkeypatch.delenv(cluster.MIN_SERIES_ENV)
    assert cluster.min_series() == cluster.DASK_MIN_SERIES == 10_000


@pytest.mark.parametrize("text", ["many", "0", "-3"])
def test_a_bad_threshold_is_named(monkeypatch, text):
    monkeypatch.setenv(cluster.MIN_SERIES_ENV, text)
    with pytest.raises(ForecastInputError, match=cluster.MIN_SERIES_ENV):
        cluster.min_series()


def test_the_scheduler_address_comes_from_the_environment(monkeypatch):
    seen: list[str] = []

    class FakeClient:
        status = "running"

        def __init__(self, address, set_as_default):
            seen.append(address)

    import distributed

    monkeypatch.setattr(distributed, "Client", FakeClient)
    monkeypatch.setenv(cluster.SCHEDULER_ENV, "tcp://10.1.2.3:8786")
    monkeypatch.setattr(cluster, "_CLIENT", {})
    first = cluster.shared_client(2)
    assert seen == ["tcp://10.1.2.3:8786"] and cluster.shared_client(2) is first  # kept, not reconnected
