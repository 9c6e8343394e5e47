"""Each app process reads a new data version's observations as soon as it sees the version, before a visitor asks.

Without it the first view after a commit (through any replica) pays reading ~140k rows from the store (1–3 s on a
busy machine) on top of its own work. One daemon thread per process looks at the store's data version every
``cache.FRESH_SECONDS`` (one single-row read) and, when it changed, fills `cache`'s observation read for the new
current versions — the same cached function every page calls, so the page finds it done. Results the precompute job
stored (`precompute`) are read by the pages themselves.

The same look asks for a precompute job (`precompute.background.start`) when the version changed while the process
ran, and once a minute when the newest job fell silent (its process died): the store's claim lets one replica compute,
so a version committed by a command, or a job whose replica died, is still computed.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from data.store.precomputed import RUNNING
from precompute import background
from ui import cache

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_thread: threading.Thread | None = None
STALLED_AFTER = 150  # seconds without a heartbeat before another process asks for the job (the claim allows 120)
LOOKS_PER_MINUTE = 30


def start() -> None:
    """Start the thread unless it runs (app.py's frame calls this on every run; it costs a lock)."""
    global _thread
    with _lock:
        if _thread is not None:
            return
        _thread = threading.Thread(target=_loop, name="warm-observations", daemon=True)
        _thread.start()


def warm_once(seen: int | None) -> int:
    """Read the observations of the store's current data version into the shared cache if `seen` is not it; the
    version now."""
    store = cache.store()
    version = store.data_version()
    if version != seen:
        cache.warm_observations(version)
        if seen is not None:  # not at the process's start: a fresh install runs `make precompute` once
            background.start(store)
    return version


def restart_if_stalled() -> bool:
    """Ask for the job again when the newest one has had no heartbeat for `STALLED_AFTER` seconds; True if asked."""
    store = cache.store()
    state = store.precomputed.latest()
    if state is None or state.status != RUNNING:
        return False
    if (datetime.now(UTC) - state.heartbeat_at).total_seconds() < STALLED_AFTER:
        return False
    return background.start(store)


def _loop() -> None:
    seen, looks = None, 0
    while True:
        try:
            seen = warm_once(seen)
            looks += 1
            if looks % LOOKS_PER_MINUTE == 0:
                restart_if_stalled()
        except Exception:  # a store briefly away must not end the thread: the pages read it themselves
            _log.exception("warming the observations failed")
        time.sleep(cache.FRESH_SECONDS)
