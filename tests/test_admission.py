"""ui.admission: page runs go in one at a time in order of arrival; a long run stops holding the others up after its
hold or when it steps aside; a nested run is its own; a failing run gives its place up."""

import threading
import time

import pytest

from ui import admission
from ui.admission import Admission

DEADLINE = 30  # seconds: only a broken admission reaches it


def until(condition, what: str) -> None:
    """Wait for `condition()` (a deadline only to fail instead of hanging)."""
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.001)


class Run(threading.Thread):
    """A page run that goes in, notes that it is in, and leaves when told."""

    def __init__(self, gate: Admission, name: str, log: list[str], *, aside: bool = False, fail: bool = False):
        super().__init__(name=name, daemon=True)
        self.gate, self.log, self.aside, self.fail = gate, log, aside, fail
        self.inside, self.leave, self.error = threading.Event(), threading.Event(), None

    def run(self) -> None:
        try:
            with self.gate.admitted():
                self.log.append(f"in {self.name}")
                if self.aside:
                    self.gate.step_aside()
                self.inside.set()
                self.leave.wait(DEADLINE)
                self.log.append(f"out {self.name}")
                if self.fail:
                    raise RuntimeError("the page failed")
        except RuntimeError as exc:
            self.error = exc


def queued(gate: Admission, n: int) -> bool:
    with gate._lock:
        return len(gate._queue) == n


def test_one_at_a_time_in_order_of_arrival():
    gate, log = Admission(limit=1, hold=3600), []
    first = Run(gate, "a", log)
    first.start()
    until(first.inside.is_set, "the first run goes in at once")
    later = [Run(gate, name, log) for name in "bcd"]
    for n, run in enumerate(later, start=1):
        run.start()
        until(lambda n=n: queued(gate, n), f"{n} runs waiting")  # they arrive in this order
    for run in [first, *later]:
        run.leave.set()
        run.join(DEADLINE)
    assert log == ["in a", "out a", "in b", "out b", "in c", "out c", "in d", "out d"]
    assert gate.waited == 3


def test_two_places_let_two_in():
    gate, log = Admission(limit=2, hold=3600), []
    runs = [Run(gate, name, log) for name in "abc"]
    runs[0].start(), runs[1].start()
    until(lambda: runs[0].inside.is_set() and runs[1].inside.is_set(), "two runs inside")
    runs[2].start()
    until(lambda: queued(gate, 1), "the third waits")
    runs[1].leave.set()
    until(runs[2].inside.is_set, "the third goes in when one leaves")
    assert not runs[0].leave.is_set()  # beside the first, which is still inside
    for run in runs:
        run.leave.set()
        run.join(DEADLINE)


@pytest.mark.parametrize(
    ("hold", "aside"),
    [(0.05, False), (3600, True)],
    ids=["a long run stops counting after its hold", "a run waiting on workers steps aside"],
)
def test_a_run_stops_holding_up_the_next(hold, aside):
    gate, log = Admission(limit=1, hold=hold), []
    slow, quick = Run(gate, "slow", log, aside=aside), Run(gate, "quick", log)
    slow.start()
    until(slow.inside.is_set, "the slow run inside")
    quick.start()
    quick.leave.set()
    quick.join(DEADLINE)
    assert log == ["in slow", "in quick", "out quick"]  # done while the slow one is still inside
    slow.leave.set()
    slow.join(DEADLINE)


def test_a_failing_run_gives_its_place_up():
    gate, log = Admission(limit=1, hold=3600), []
    failing, next_run = Run(gate, "a", log, fail=True), Run(gate, "b", log)
    failing.start()
    until(failing.inside.is_set, "the first run inside")
    next_run.start()
    until(lambda: queued(gate, 1), "the second waits")
    failing.leave.set(), next_run.leave.set()
    failing.join(DEADLINE), next_run.join(DEADLINE)
    assert isinstance(failing.error, RuntimeError)
    assert log == ["in a", "out a", "in b", "out b"]
    assert not gate._running and not gate._queue


def test_a_run_inside_a_run_is_its_own():
    """A fragment drawn by its page's run does not wait for the place its page holds."""
    gate = Admission(limit=1, hold=3600)
    with gate.admitted(), gate.admitted():
        inner = len(gate._running)
    assert inner == 1 and not gate._running


def test_step_aside_outside_a_run_does_nothing():
    gate = Admission(limit=1, hold=3600)
    gate.step_aside()
    with gate.admitted():
        assert list(gate._running.values())[0] > 0


@pytest.mark.parametrize(("value", "limit"), [("0", 0), ("3", 3), (" 2 ", 2), ("", None), ("many", None), ("-1", None)])
def test_the_variable_sets_the_limit(monkeypatch, value, limit):
    monkeypatch.setenv(admission.VARIABLE, value)
    assert admission._from_environment().limit == (admission.LIMIT if limit is None else limit)


def test_no_limit_lets_every_run_in(monkeypatch):
    monkeypatch.setattr(admission, "_ADMISSION", Admission(limit=0))
    with admission.admitted(), admission.admitted():  # nothing waits, nothing is counted
        assert not admission._ADMISSION._running
