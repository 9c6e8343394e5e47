"""The worker pool: workers never re-run the parent's ``__main__`` (Streamlit installs the running page there)."""

from __future__ import annotations

import os
import sys
import types
import warnings

from forecasting import pool


def test_workers_do_not_run_the_parents_main_script(tmp_path, monkeypatch):
    marker = tmp_path / "main-ran"
    script = tmp_path / "page.py"
    script.write_text(f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)  # what a spawned worker would re-run before unpickling a task
    fake_main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    pool.shutdown_workers()  # fresh workers, started while the fake page is __main__

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fall-back to this process
        pids = pool.map_chunks(os.readlink, ["/proc/self"] * 4, n_jobs=2, done=lambda _: None)

    pool.shutdown_workers()
    assert str(os.getpid()) not in pids  # the chunks ran in worker processes
    assert not marker.exists()


def test_workers_run_at_a_lower_priority():
    pool.shutdown_workers()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = pool.map_chunks(os.nice, [0, 0, 0, 0], n_jobs=2, done=lambda _: None)  # os.nice(0): the niceness
    pool.shutdown_workers()
    assert set(found) == {min(19, os.nice(0) + pool.WORKER_NICE)}
