"""Delivery of what the outbox owes: immediate messages now, digests when due, failures retried with back-off.

Rows are claimed in a short transaction (status ``sending``) and sent outside it, so a slow mail server never holds
the store's writer lock; a claim older than `LEASE` (a process that died while sending) is taken up again. A failed
send keeps the row, counts the attempt, records the error and waits ``1, 2, 4 … minutes`` (at most six hours) before
the next try — a message is never dropped, and admins see the rows still failing (`failures`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from alerts.book import Subscription
from alerts.channels import CHANNELS, DeliveryFailed, Outgoing, masked
from alerts.config import Settings
from alerts.findings import Finding
from alerts.ledger import subscription_rows
from alerts.messages import digest, single
from data.citation import Upload
from data.regions import RegionRegistry
from data.store.alert_tables import alert_outbox_table, alert_subscriptions_table, alert_warnings_table
from data.store.schema import utc, write_transaction
from indicators.metadata import Catalogue

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
DIGEST_EVERY = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
DUE = ("pending", "retrying")


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most six hours."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def digest_due(sub: Subscription, now: datetime) -> bool:
    """Whether a digest subscription's next digest is due (a day or a week after the last, or after subscribing)."""
    return (sub.last_digest_at or sub.created_at) + DIGEST_EVERY[sub.mode] <= now


@dataclass(frozen=True)
class Delivery:
    """What one delivery pass did."""

    sent: int = 0
    failed: int = 0
    digests: int = 0


@dataclass(frozen=True)
class Failure:
    """A message still owed after failing (for the Admin page)."""

    outbox_id: int
    user: str
    channel: str
    address: str  # masked
    event: str
    attempts: int
    next_at: datetime
    error: str


def _claim(engine: Engine, subs: dict[int, Subscription], now: datetime) -> list:
    o = alert_outbox_table
    due = sa.or_(sa.and_(o.c.status.in_(DUE), o.c.next_at <= now),
                 sa.and_(o.c.status == "sending", o.c.claimed_at <= now - LEASE))  # fmt: skip
    with write_transaction(engine) as conn:
        rows = conn.execute(sa.select(o).where(due).order_by(o.c.id)).all()
        rows = [
            r for r in rows if subs[r.subscription_id].mode == "immediate" or digest_due(subs[r.subscription_id], now)
        ]
        if rows:
            conn.execute(o.update().where(o.c.id.in_([r.id for r in rows])).values(status="sending", claimed_at=now))
    return rows


def _findings(engine: Engine, warning_ids: set[int]) -> dict[int, Finding]:
    w = alert_warnings_table
    with engine.connect() as conn:
        rows = conn.execute(sa.select(w.c.id, w.c.facts).where(w.c.id.in_(list(warning_ids)))).all()
    return {r.id: Finding.from_json(r.facts) for r in rows}


def _settle(engine: Engine, ids: list[int], now: datetime, error: str | None, sub: Subscription) -> None:
    o, s = alert_outbox_table, alert_subscriptions_table
    with write_transaction(engine) as conn:
        for row in conn.execute(sa.select(o.c.id, o.c.attempts).where(o.c.id.in_(ids))).all():
            attempts = row.attempts + 1
            if error is None:
                values = {"status": "sent", "sent_at": now, "attempts": attempts, "last_error": ""}
            else:
                values = {"status": "retrying", "attempts": attempts, "next_at": now + backoff(attempts),
                          "last_error": error[:500]}  # fmt: skip
            conn.execute(o.update().where(o.c.id == row.id).values(claimed_at=None, **values))
        if error is None and sub.mode in DIGEST_EVERY:
            conn.execute(s.update().where(s.c.id == sub.id).values(last_digest_at=now))


def deliver(
    engine: Engine,
    settings: Settings,
    cat: Catalogue,
    regions: RegionRegistry,
    *,
    now: datetime | None = None,
    uploads: dict[str, Upload] | None = None,
    channels: dict[str, Callable[[Outgoing, str, Settings], None]] | None = None,
) -> Delivery:
    """Send every immediate message due and every digest due, now; record each outcome."""
    now = now or datetime.now(UTC)
    subs = subscription_rows(engine)
    rows = _claim(engine, subs, now)
    if not rows:
        return Delivery()
    findings = _findings(engine, {r.warning_id for r in rows})
    batches: dict[tuple, list] = {}
    for r in rows:
        sub = subs[r.subscription_id]
        batches.setdefault((sub.id,) if sub.mode in DIGEST_EVERY else (sub.id, r.id), []).append(r)
    sent = failed = digests = 0
    for batch in batches.values():
        sub = subs[batch[0].subscription_id]
        args = (sub.lang, cat, regions, settings.base_url, uploads)
        if sub.mode in DIGEST_EVERY:
            message = digest([(findings[r.warning_id], r.event) for r in batch], sub.mode, *args)
        else:
            message = single(findings[batch[0].warning_id], batch[0].event, *args)
        send = (channels or {}).get(sub.channel) or CHANNELS[sub.channel].send
        try:
            send(message, sub.address, settings)
        except DeliveryFailed as err:
            log.warning("alert delivery %s to %s failed: %s", sub.channel, masked(sub.address), err)
            _settle(engine, [r.id for r in batch], now, str(err), sub)
            failed += 1
            continue
        _settle(engine, [r.id for r in batch], now, None, sub)
        sent += 1
        digests += sub.mode in DIGEST_EVERY
    return Delivery(sent, failed, digests)


def failures(engine: Engine) -> list[Failure]:
    """Messages still owed after at least one failed attempt, oldest first."""
    o = alert_outbox_table
    subs = subscription_rows(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(o).where(o.c.status != "sent", o.c.attempts > 0).order_by(o.c.id)).all()
    return [
        Failure(r.id, subs[r.subscription_id].user, subs[r.subscription_id].channel,
                masked(subs[r.subscription_id].address), r.event, r.attempts, utc(r.next_at), r.last_error)
        for r in rows
    ]  # fmt: skip
