"""One job: compute every result of the current data version once, store it, record progress; and the reading.

A job claims its data version in the store (`data.store.precomputed`): a second process or replica asking for the
same version finds the claim and does nothing. Between tasks it records progress and checks the store's data
version: when a newer version is current (a commit through any replica) the job stops as superseded, since its
results would never be read. A task that raises (a series the page could not forecast either) is not stored — the
page computes it and shows its error as it does today — and is listed in the job's record. A finished job prunes
older versions' results.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

import data
import indicators
from data.store import Store
from data.store.precomputed import DONE, FAILED, SUPERSEDED
from indicators.kpi import load_headlines
from indicators.targets import load_targets
from indicators.warnings import load_rules
from precompute import codec, settings
from precompute.kinds import DEFAULT_KINDS, KINDS, Context, Task
from services.boston import DATASET_ID as BOSTON
from services.boston import read_boston
from services.cases import from_bytes

ROOT = Path(__file__).resolve().parents[1]
#: The code whose results are stored: a change to any of it (a new release) makes older results unreadable.
CODE_PACKAGES = ("forecasting", "indicators", "precompute")
PROGRESS_EVERY = 1.0  # seconds between progress writes (each a small write transaction)

_log = logging.getLogger(__name__)
Report = Callable[[int, int, str], None]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the computing code (Python and YAML of `CODE_PACKAGES`), 16 hex characters."""
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".yaml") and path.is_file():
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def owner_name() -> str:
    """This process, as a claim names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def read(store: Store, data_version: int, kind: str, key: str) -> object | None:
    """The stored result of these inputs at this data version, or None (not computed, or unreadable)."""
    payload = store.precomputed.get(data_version, code_fingerprint(), kind, key)
    if payload is None:
        return None
    try:
        return codec.loads(payload)
    except codec.CodecError:
        return None


def context(store: Store, config: settings.Settings | None = None) -> tuple[int, Context] | None:
    """The data version and what the tasks read, or None when the data changed while they were read."""
    version = store.data_version()
    # As ui.cache reads them; the job runs after every commit, so it also leaves the version's snapshot file for every
    # process's first read (data.store.snapshot).
    obs = store.current_observations().drop(columns="dataset_id")
    if store.data_version() != version:
        return None
    ctx = Context(
        obs,
        indicators.catalogue(),
        data.region_registry(),
        load_headlines(),
        load_rules(),
        load_targets(),
        config or settings.load(),
        case_logs(store),
    )
    return version, ctx


def _stored_cases(store: Store, log_id: str, version: int) -> pd.DataFrame:
    return from_bytes(store.case_logs.payload(log_id, version))


def case_logs(store: Store) -> dict[tuple[str, int | None], Callable[[], pd.DataFrame]]:
    """The shipped case log and every imported one with a current version, each with a reader of its cases."""
    logs: dict[tuple[str, int | None], Callable[[], pd.DataFrame]] = {(BOSTON, None): read_boston}
    for found in store.case_logs.logs():
        if version := found.current_version:
            logs[(found.id, version)] = functools.partial(_stored_cases, store, found.id, version)
    return logs


def tasks(ctx: Context, kinds: Iterable[str] = DEFAULT_KINDS) -> list[Task]:
    """Every task of the given kinds, in the order they are computed."""
    return [task for kind in kinds for task in KINDS[kind](ctx)]


def run(
    store: Store,
    config: settings.Settings | None = None,
    *,
    kinds: Iterable[str] = DEFAULT_KINDS,
    report: Report | None = None,
    force: bool = False,
) -> str:
    """Compute and store the results of the current data version; the job's status (``done``, ``superseded``,
    ``failed``) or ``claimed`` when another process holds it (or did it already)."""
    version, owner, code = store.data_version(), owner_name(), code_fingerprint()
    if not store.precomputed.claim(version, code, owner, force=force):  # before reading anything: cheap to lose
        return "claimed"
    try:
        found = context(store, config)
        if found is None or found[0] != version:
            store.precomputed.finish(version, owner, SUPERSEDED)
            return SUPERSEDED
        todo = tasks(found[1], kinds)
        total, last, skipped = len(todo), 0.0, []
        store.precomputed.progress(version, owner, 0, total)
        for done, task in enumerate(todo, 1):
            if store.data_version() != version:
                store.precomputed.finish(version, owner, SUPERSEDED)
                return SUPERSEDED
            started = time.perf_counter()
            try:
                payload = codec.dumps(task.compute())
            except Exception as exc:  # the page computes it and shows its error as it does today
                skipped.append((task.kind, task.key, f"{type(exc).__name__}: {exc}"))
                _log.warning("precompute: %s %s not stored: %s", task.kind, task.key, exc)
            else:
                store.precomputed.put(version, code, task.kind, task.key, payload, time.perf_counter() - started)
            if report:
                report(done, total, task.kind)
            if time.perf_counter() - last >= PROGRESS_EVERY or done == total:
                last = time.perf_counter()
                if not store.precomputed.progress(version, owner, done, total):
                    return "claimed"  # a forced run by hand took the job over
    except Exception:
        store.precomputed.finish(version, owner, FAILED, traceback.format_exc())
        raise
    note = "\n".join(f"{kind} {key}: {error}" for kind, key, error in skipped)
    store.precomputed.finish(version, owner, DONE, note)
    return DONE
