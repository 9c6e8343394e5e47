"""Large batches on a ``dask.distributed`` cluster: chunks of series as tasks, retried when a worker dies.

A run goes to Dask when its series count reaches :data:`DASK_MIN_SERIES` (``$COCKPIT_DASK_MIN_SERIES``, default
10,000: below that the start of a cluster costs more than it saves, and the shipped batches of ~4,500 series keep
the process pool of :mod:`forecasting.pool`), or when the caller hands :func:`forecasting.run` a client. The
cluster is ``$COCKPIT_DASK_SCHEDULER`` (a scheduler address such as ``tcp://10.0.0.7:8786``, whose workers must
have this package importable) when set, else a :class:`distributed.LocalCluster` of one single-threaded worker
process per core, started on first use and kept for the life of the process. The scheduler hands the chunks of a
worker that dies to the others (Dask's ``allowed-failures``, three by default), so a killed worker costs time, not
the run. Results come back to this process, which calibrates the bands as before: a chunk computes the same numbers
wherever it runs.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from forecasting.errors import ForecastInputError
from forecasting.pool import workers_skip_main

if TYPE_CHECKING:  # distributed is imported on first use: it costs ~1 s and most runs never need it
    from distributed import Client

Chunk = TypeVar("Chunk")
Out = TypeVar("Out")

SCHEDULER_ENV = "COCKPIT_DASK_SCHEDULER"
MIN_SERIES_ENV = "COCKPIT_DASK_MIN_SERIES"
DASK_MIN_SERIES = 10_000

_CLIENT: dict[str, Any] = {}
_LOCK = threading.RLock()


def min_series() -> int:
    """The series count from which :func:`forecasting.run` uses Dask by default (``$COCKPIT_DASK_MIN_SERIES``)."""
    text = os.environ.get(MIN_SERIES_ENV, "").strip()
    if not text:
        return DASK_MIN_SERIES
    try:
        value = int(text)
    except ValueError:
        raise ForecastInputError(f"{MIN_SERIES_ENV} must be a whole number of series. Got: {text!r}") from None
    if value < 1:
        raise ForecastInputError(f"{MIN_SERIES_ENV} must be at least 1. Got: {value}")
    return value


def shared_client(n_workers: int) -> Client:
    """The process's Dask client: connected to ``$COCKPIT_DASK_SCHEDULER``, else to a LocalCluster of ``n_workers``
    single-threaded worker processes (started once, closed at exit)."""
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    key = address or f"local:{n_workers}"
    with _LOCK:
        client = _CLIENT.get(key)
        if client is not None and client.status == "running":
            return client
        from distributed import Client, LocalCluster

        if address:
            client = Client(address, set_as_default=False)
        else:
            with workers_skip_main():  # spawned workers must not re-run a Streamlit page (see forecasting.pool)
                cluster = LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                )
            client = Client(cluster, set_as_default=False)
        _CLIENT[key] = client
        return client


@atexit.register
def shutdown_clusters() -> None:
    """Close the process's Dask clients and the local clusters they started (also run at interpreter exit)."""
    with _LOCK:
        for client in _CLIENT.values():
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
        _CLIENT.clear()


def worker_count(client: Client) -> int:
    """The workers the scheduler knows now (at least 1, for sizing chunks)."""
    return max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))


def map_chunks_dask(
    task: Callable[[Chunk], Out], chunks: Sequence[Chunk], client: Client, done: Callable[[Out], None]
) -> list[Out]:
    """``task(chunk)`` for every chunk as Dask tasks, in chunk order; ``done`` gets each result as it arrives.

    Each chunk is its own task (``pure=False``: two equal chunks are still two tasks). A task whose worker dies is
    rescheduled by the scheduler; an exception raised by the task itself is a bug and is raised here.
    """
    from distributed import as_completed

    futures = client.map(task, list(chunks), pure=False)
    index = {future.key: i for i, future in enumerate(futures)}
    results: dict[int, Out] = {}
    try:
        for future in as_completed(futures, loop=client.loop):
            out = future.result()
            results[index[future.key]] = out
            done(out)
    finally:
        client.cancel(futures)  # nothing left running for a caller that stopped early
    return [results[i] for i in range(len(chunks))]
