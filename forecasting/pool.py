"""The worker pool: chunks of series spread over processes, with a fall-back to this process.

Workers are started with ``spawn``, which is safe inside a multi-threaded server such as Streamlit, and are kept alive
between calls so that only the first call pays the start-up. The pool holds no results: each call gets its own.
Workers run at a lower priority (``WORKER_NICE``): on a shared server a batch or a slow model's run waits for the
pages being viewed, not the other way round.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import TypeVar

Chunk = TypeVar("Chunk")
Out = TypeVar("Out")

_POOL: dict[int, ProcessPoolExecutor] = {}
#: Added to a worker's niceness: a busy worker then gets about a third of the CPU share of a page's thread. Measured
#: under 50 sessions on two replicas (issue 22), +10 and +5 both kept p95 under a second (936 and 856 ms, one run
#: each); +5 leaves the session that asked for the run more of the machine.
WORKER_NICE = 5
# A web server calls from several threads: the worker pool is shared, so guard its bookkeeping.
_LOCK = threading.RLock()


@contextlib.contextmanager
def workers_skip_main() -> Iterator[None]:
    """While workers start, show them a bare ``__main__``.

    A spawned worker re-runs the parent's ``__main__`` file before it can unpickle a task (multiprocessing's
    ``_fixup_main_from_path``). Streamlit installs the script it is running as ``__main__`` (``app.py`` on the
    server, the page under AppTest), so without this every worker would run the whole app once more in bare mode:
    open the store, load the data, draw the page into nowhere. The workers only need this package, which they
    import by name.
    """
    real = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


def _executor(n_jobs: int) -> ProcessPoolExecutor:
    with _LOCK:
        pool = _POOL.get(n_jobs)
        if pool is None or getattr(pool, "_broken", False):
            pool = ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context("spawn"), initializer=_lower_priority)
            _POOL[n_jobs] = pool
        return pool


def _lower_priority() -> None:
    os.nice(WORKER_NICE)


@atexit.register
def shutdown_workers() -> None:
    """Stop the worker processes (also run at interpreter exit)."""
    with _LOCK:
        for pool in _POOL.values():
            pool.shutdown(wait=False, cancel_futures=True)
        _POOL.clear()


def map_chunks(
    task: Callable[[Chunk], Out], chunks: Sequence[Chunk], n_jobs: int, done: Callable[[Out], None]
) -> list[Out]:
    """``task(chunk)`` for every chunk, on ``n_jobs`` worker processes (in this process when 1), in chunk order.

    Args:
        task: a picklable function (module-level, or a ``functools.partial`` of one).
        done: called with each result as it arrives (in completion order), e.g. to report progress.
    """
    results: dict[int, Out] = {}

    def record(index: int, out: Out) -> None:
        results[index] = out
        done(out)

    if n_jobs > 1 and len(chunks) > 1:
        try:
            with workers_skip_main():  # workers start lazily, inside submit()
                pool = _executor(n_jobs)
                futures = {pool.submit(task, chunk): i for i, chunk in enumerate(chunks)}
            for future in as_completed(futures):
                record(futures[future], future.result())
        except BrokenProcessPool:
            # A worker died (killed, out of memory, or a script without a __main__ guard under spawn): finish the
            # remaining chunks in this process rather than fail the call.
            with _LOCK:
                _POOL.pop(n_jobs, None)
            warnings.warn("worker processes failed; finishing the batch in this process", RuntimeWarning, stacklevel=3)
    for i, chunk in enumerate(chunks):
        if i not in results:
            record(i, task(chunk))
    return [results[i] for i in range(len(chunks))]
