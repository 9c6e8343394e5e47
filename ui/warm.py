"""Each app process reads a new data version's observations as soon as it sees the version, before a visitor asks.

Without it the first view after a commit (through any replica) pays reading ~140k rows from the store (1–3 s on a
busy machine) on top of its own work. One daemon thread per process looks at the store's data version every
``cache.FRESH_SECONDS`` (one single-row read) and, when it changed, fills `cache`'s observation read for the new
current versions — the same cached function every page calls, so the page finds it done. Results the precompute job
stored (`precompute`) are read by the pages themselves; this thread only removes the shared read.
"""

from __future__ import annotations

import logging
import threading
import time

from ui import cache

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_thread: threading.Thread | None = None


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
    return version


def _loop() -> None:
    seen = None
    while True:
        try:
            seen = warm_once(seen)
        except Exception:  # a store briefly away must not end the thread: the pages read it themselves
            _log.exception("warming the observations failed")
        time.sleep(cache.FRESH_SECONDS)
