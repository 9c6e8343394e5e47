"""One page run at a time in a process, first come first served: twenty visitors' runs done one after another finish
sooner than twenty interleaved.

A process runs its Python one thread at a time (the interpreter lock). Twenty sessions' page runs started together
share it in 5 ms turns and all finish late, together; the thread that sends their messages waits its turn among them.
Admitted one at a time in order of arrival, the first visitor sees the page after one run's time, the last after
twenty — and the process serves more views a second (issue 17, Overview at 20 concurrent sessions: p95 1.0–1.3 s
interleaved, 0.66 s one at a time; see README "Sixth round").

A run that takes long must not hold everyone up: a run counts against the limit only for its first `HOLD_SECONDS`.
After that the next visitor is let in beside it (as every run was before), so a slow upload, a forecast computed on
the spot or a briefing pack waits no visitor more than that. A run that knows it will wait on something else —
worker processes, a browser rendering a pack — steps aside at once (`step_aside`).

Nested admission (a fragment drawn inside its page's run) is the run's own. No Streamlit here: the app frame
(app.py) and `auth.fragment` hold a run inside `admitted()`.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

#: Runs admitted at once. One: a second thread only takes turns with the first for the interpreter lock (measured at
#: 20 sessions: two at once gave the Overview, Forecast and Admin p95s of 1.2 / 1.0 / 1.2 s, one 0.66 / 0.84 / 0.88 s).
LIMIT = 1
#: A run counts against the limit this long at most; then the next visitor goes in beside it. A warm view takes
#: 30–80 ms alone; a first view after a data change 1–2 s, a forecast computed on the spot seconds.
HOLD_SECONDS = 0.5
#: Runs let in at once in this process, instead of `LIMIT`; "0": no limit (every run goes in at once, as Streamlit
#: does by itself).
VARIABLE = "COCKPIT_ADMIT"


class Admission:
    """First-come-first-served admission of runs, `limit` at a time, each counting for `hold` seconds at most."""

    def __init__(self, limit: int = LIMIT, hold: float = HOLD_SECONDS) -> None:
        self.limit, self.hold = limit, hold
        self._lock = threading.Lock()
        self._queue: deque[threading.Event] = deque()  # waiting runs, first come first
        self._running: dict[int, float] = {}  # run id → when it went in (monotonic); -inf once it stepped aside
        self._local = threading.local()
        self.waited = 0  # runs that had to wait (for the tests)

    def _counted(self, now: float) -> list[float]:
        """Start times of the runs that still count against the limit."""
        return [start for start in self._running.values() if now - start < self.hold]

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """Wait for this run's turn (at once when a place is free and nobody waits), run, give the place up."""
        if getattr(self._local, "run", None) is not None:  # already admitted: a fragment inside its page's run
            yield
            return
        ticket = threading.Event()
        run = id(ticket)
        with self._lock:
            self._queue.append(ticket)
            waited = self._queue[0] is not ticket  # others were in line first
            if not waited:
                ticket.set()
        timeout: float | None = None
        try:
            while True:
                ticket.wait(timeout)
                with self._lock:
                    now = time.monotonic()
                    counted = self._counted(now)
                    if self._queue[0] is ticket and len(counted) < self.limit:
                        self._queue.popleft()
                        self._running[run] = now
                        self.waited += waited
                        if self._queue:
                            self._queue[0].set()  # the next in line watches the places from now on
                        break
                    waited = True
                    ticket.clear()
                    # The first in line wakes when a counted run stops counting; the others when they are first.
                    timeout = min(start + self.hold - now for start in counted) if self._queue[0] is ticket else None
        except BaseException:  # never leave a ticket in the line: everyone behind it would wait for ever
            with self._lock:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                if self._queue:
                    self._queue[0].set()
            raise
        self._local.run = run
        try:
            yield
        finally:
            self._local.run = None
            with self._lock:
                del self._running[run]
                if self._queue:
                    self._queue[0].set()

    def step_aside(self) -> None:
        """This run stops counting against the limit now (it is about to wait on other processes or a browser):
        the next in line goes in."""
        run = getattr(self._local, "run", None)
        if run is None:
            return
        with self._lock:
            self._running[run] = float("-inf")
            if self._queue:
                self._queue[0].set()


def _from_environment() -> Admission:
    value = os.environ.get(VARIABLE, "").strip()
    return Admission(limit=int(value) if value.isdigit() else LIMIT)


_ADMISSION = _from_environment()


@contextmanager
def admitted() -> Iterator[None]:
    """This process's admission for a page run (see the module's text); none when `COCKPIT_ADMIT=0`."""
    if _ADMISSION.limit <= 0:
        yield
        return
    with _ADMISSION.admitted():
        yield


def step_aside() -> None:
    """The current run stops holding up the others (see `Admission.step_aside`)."""
    _ADMISSION.step_aside()
