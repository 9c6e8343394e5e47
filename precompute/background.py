"""The job in the background of an app process: one thread at a time, started after a commit (`ui/landed.py`).

A commit while a job runs does not start a second thread: it marks that another pass is wanted; the running job
sees the new data version, stops as superseded, and the thread runs again for the newest version. The thread runs
at a lower priority (Linux: a nice value per thread) so the sessions the process serves come first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading

from data.store import Store
from precompute import job

ENABLED_VARIABLE = "COCKPIT_PRECOMPUTE"  # "0" / "off" / "false": no job after a commit (the command still works)
NICE = 10
_log = logging.getLogger(__name__)
_lock = threading.Lock()
_wanted = threading.Event()
_thread: threading.Thread | None = None


def enabled() -> bool:
    """Whether commits start a job in this process ($COCKPIT_PRECOMPUTE, on unless set to 0, off or false)."""
    return os.environ.get(ENABLED_VARIABLE, "1").strip().lower() not in ("0", "off", "false", "no")


def start(store: Store) -> bool:
    """Ask for a job on the store's current data version; True when a new thread was started for it (False: one is
    running and will pass again, or jobs are off)."""
    global _thread
    if not enabled():
        return False
    with _lock:
        _wanted.set()
        if _thread is not None:
            return False
        _thread = threading.Thread(target=_loop, args=(store,), name="precompute", daemon=True)
        _thread.start()
        return True


def running() -> threading.Thread | None:
    """The job's thread while it runs (tests wait on it)."""
    return _thread


def _loop(store: Store) -> None:
    global _thread
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not permitted: the process's priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    while True:
        with _lock:
            if not _wanted.is_set():
                _thread = None
                return
            _wanted.clear()
        try:
            status = job.run(store)
            _log.info("precompute: %s", status)
        except Exception:  # recorded in the store as failed; the thread must not die silently with a lock held
            _log.exception("precompute failed")
