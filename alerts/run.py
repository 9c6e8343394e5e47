"""Checks that run by themselves: after a data commit (in the background; the commit is already done) and from the
system timer (`python -m alerts run`), each one check of every source then one delivery pass.

A check is idempotent (alerts/ledger.py): run twice on the same data, the second raises, clears and owes nothing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from alerts.book import AlertBook
from alerts.config import Settings, load_settings
from alerts.deliver import Delivery, deliver
from alerts.kinds import Context
from alerts.ledger import Outcome, reconcile
from alerts.sources import SOURCES
from data import region_registry
from data.citation import current_uploads
from data.store import Store
from indicators.metadata import catalogue
from indicators.targets import load_targets
from indicators.warnings import load_rules

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckReport:
    """One check and delivery: what the ledger did, what was delivered, and the sources that failed."""

    outcome: Outcome
    delivery: Delivery
    broken: list[str] = field(default_factory=list)


def check(store: Store, indicator_ids: set[str] | None = None, *, now: datetime | None = None) -> tuple[Outcome, list]:
    """Run every registered source over the store's current data (only `indicator_ids`, when given) and reconcile.

    Returns:
        The ledger's outcome and the names of the sources that raised (logged; their warnings stay as they were).
    """
    obs, cat = store.observations(), catalogue()
    book = AlertBook(store.engine)
    ctx = Context(obs, cat, load_targets(), extra={"ruleset": load_rules(), "user_rules": book.rules()})
    wanted = frozenset(indicator_ids) if indicator_ids is not None else None
    findings, broken = [], []
    for name, source in SOURCES.items():
        try:
            findings += source(ctx, wanted)
        except Exception:  # one broken source must not hide the others' warnings
            log.exception("warning source %s failed", name)
            broken.append(name)
    covered = None
    if wanted is not None or broken:
        every = wanted if wanted is not None else {*cat.ids, *obs["indicator_id"].unique()}
        covered = {(name, i) for name in SOURCES if name not in broken for i in every}
    return reconcile(store.engine, findings, covered, book.subscriptions(), now), broken


def run_once(store: Store, settings: Settings | None = None, *, now: datetime | None = None) -> CheckReport:
    """What the timer runs: a full check, then every immediate message and digest that is due."""
    now = now or datetime.now(UTC)
    outcome, broken = check(store, now=now)
    delivery = deliver(store.engine, settings or load_settings(), catalogue(), region_registry(), now=now,
                       uploads=current_uploads(store))  # fmt: skip
    return CheckReport(outcome, delivery, broken)


def dataset_indicators(store: Store, dataset_id: str) -> set[str]:
    """The indicators a dataset's current version holds, and the catalogue's that name it as their source."""
    cat = catalogue()
    held = set(store.observations([dataset_id])["indicator_id"].unique())
    return held | {i for i in cat.ids if cat.get(i).source == dataset_id}


def after_commit(store: Store, dataset_id: str, *, background: bool = True) -> threading.Thread | None:
    """Check the committed dataset's indicators and deliver, after the commit and outside it: in a daemon thread
    (the page answers at once), never raising (a failure is logged; the timer's next run catches up)."""

    def work() -> None:
        try:
            check(store, dataset_indicators(store, dataset_id))
            deliver(store.engine, load_settings(), catalogue(), region_registry(), uploads=current_uploads(store))
        except Exception:
            log.exception("alerts after the commit of %s failed; the next scheduled run catches up", dataset_id)

    if not background:
        work()
        return None
    thread = threading.Thread(target=work, name=f"alerts-after-{dataset_id}", daemon=True)
    thread.start()
    return thread
