"""The warnings ledger: what checks found, compared with what was open, and the messages that are owed.

`reconcile` runs in one transaction under the store's writer lock, so two checks at once (after a commit, and the
timer's) never raise one warning twice: a finding whose key has an open warning only refreshes its facts; a new key
opens a warning and owes one "raised" message per subscriber; an open warning the check no longer finds is cleared
and owes one "cleared" message to each subscriber who was owed its "raised". Nothing here sends anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from alerts.book import Subscription, subscription_of
from alerts.findings import Finding
from data.access import Actor, in_scope
from data.store.alert_tables import alert_outbox_table, alert_subscriptions_table, alert_warnings_table
from data.store.audit import authorised, record
from data.store.schema import utc, write_transaction


@dataclass(frozen=True)
class WarningRow:
    """A warning as the history lists it."""

    id: int
    key: str
    occurrence: int
    finding: Finding
    raised_at: datetime
    cleared_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    sent: int  # messages delivered about it
    owed: int  # messages still to deliver


@dataclass(frozen=True)
class Outcome:
    """What one reconciliation changed: warnings raised, cleared and refreshed, and messages now owed."""

    raised: int = 0
    cleared: int = 0
    refreshed: int = 0
    owed: int = 0


def matches(sub: Subscription, finding: Finding) -> bool:
    """Whether a subscription wants a finding (within the subscriber's region scope)."""
    if sub.scope and not in_scope(finding.region_code, sub.scope):
        return False
    wanted = {"rule": finding.rule_id, "indicator": finding.indicator_id, "region": finding.region_code}
    return sub.target_kind == "all" or wanted.get(sub.target_kind) == sub.target


def recipients(subs: Iterable[Subscription], finding: Finding) -> list[Subscription]:
    """One subscription per subscriber and address among those that want the finding (the oldest): a user who
    subscribed to both the indicator and the region hears of the warning once."""
    chosen: dict[tuple[str, str, str], Subscription] = {}
    for sub in subs:
        if sub.active and matches(sub, finding):
            chosen.setdefault((sub.user, sub.channel, sub.address), sub)
    return list(chosen.values())


def _owe(conn: Connection, sub_ids: Iterable[int], warning_id: int, event: str, now: datetime) -> int:
    o, n = alert_outbox_table, 0
    for sub_id in sub_ids:
        there = sa.select(o.c.id).where(o.c.subscription_id == sub_id, o.c.warning_id == warning_id, o.c.event == event)
        if conn.execute(there).first() is None:
            conn.execute(o.insert().values(subscription_id=sub_id, warning_id=warning_id, event=event,
                                           status="pending", attempts=0, next_at=now, created_at=now))  # fmt: skip
            n += 1
    return n


def reconcile(engine: Engine, findings: list[Finding], covered: set[tuple[str, str]] | None,
              subs: list[Subscription], now: datetime | None = None) -> Outcome:  # fmt: skip
    """Open, refresh and clear warnings against what a check found.

    Args:
        findings: everything the check found.
        covered: the (source, indicator) pairs the check looked at; an open warning outside them is left alone (a
            check after a commit looks only at the committed dataset's indicators, and a source that failed looked
            at nothing). None: everything was looked at.
        subs: the active subscriptions.
    """
    w, now = alert_warnings_table, now or datetime.now(UTC)
    by_key = {f.key: f for f in findings}
    raised = cleared = refreshed = owed = 0
    with write_transaction(engine) as conn:
        open_rows = {r.key: r for r in conn.execute(sa.select(w).where(w.c.cleared_at.is_(None)))}
        for key, finding in by_key.items():
            row = open_rows.get(key)
            if row is not None:
                if row.facts != finding.to_json():
                    conn.execute(w.update().where(w.c.id == row.id).values(facts=finding.to_json(),
                                                                           severity=finding.severity))  # fmt: skip
                    refreshed += 1
                continue
            last = conn.execute(sa.select(sa.func.max(w.c.occurrence)).where(w.c.key == key)).scalar() or 0
            values = {
                "key": key, "occurrence": last + 1, "source": finding.source, "rule_id": finding.rule_id,
                "indicator_id": finding.indicator_id, "region_code": finding.region_code,
                "severity": finding.severity, "facts": finding.to_json(), "raised_at": now,
            }  # fmt: skip
            warning_id = conn.execute(w.insert().values(**values)).inserted_primary_key[0]
            raised += 1
            owed += _owe(conn, [s.id for s in recipients(subs, finding)], warning_id, "raised", now)
        active = {s.id for s in subs if s.active}
        o = alert_outbox_table
        for key, row in open_rows.items():
            if key in by_key or (covered is not None and (row.source, row.indicator_id) not in covered):
                continue
            conn.execute(w.update().where(w.c.id == row.id).values(cleared_at=now))
            cleared += 1
            told = conn.execute(sa.select(o.c.subscription_id).where(o.c.warning_id == row.id, o.c.event == "raised"))
            owed += _owe(conn, [s for s in told.scalars() if s in active], row.id, "cleared", now)
    return Outcome(raised, cleared, refreshed, owed)


def _count(conn: Connection, status_sent: bool) -> dict[int, int]:
    o = alert_outbox_table
    where = o.c.status == "sent" if status_sent else o.c.status != "sent"
    query = sa.select(o.c.warning_id, sa.func.count()).where(where).group_by(o.c.warning_id)
    return dict(conn.execute(query).all())


def history(engine: Engine, *, limit: int = 500, scope: str | None = None) -> list[WarningRow]:
    """Warnings newest first, with how many messages were sent and are still owed (within a region scope)."""
    w = alert_warnings_table
    with engine.connect() as conn:
        rows = conn.execute(sa.select(w).order_by(w.c.id.desc()).limit(limit)).all()
        sent, owed = _count(conn, True), _count(conn, False)
    return [
        WarningRow(
            r.id,
            r.key,
            r.occurrence,
            Finding.from_json(r.facts),
            utc(r.raised_at),
            utc(r.cleared_at) if r.cleared_at else None,
            r.acknowledged_by,
            utc(r.acknowledged_at) if r.acknowledged_at else None,
            sent.get(r.id, 0),
            owed.get(r.id, 0),
        )  # fmt: skip
        for r in rows
        if scope is None or in_scope(r.region_code, scope)
    ]


def acknowledge(engine: Engine, warning_id: int, *, actor: Actor) -> bool:
    """Mark a warning as seen and being handled (who and when); False when it was acknowledged already, or lies
    outside the actor's region scope (a scoped user never sees it, so cannot acknowledge it)."""
    w = alert_warnings_table
    with authorised(engine, actor, "alert.acknowledge", str(warning_id)), write_transaction(engine) as conn:
        region = conn.execute(sa.select(w.c.region_code).where(w.c.id == warning_id)).scalar()
        if region is None or not in_scope(region, actor.scope):
            return False
        where = (w.c.id == warning_id, w.c.acknowledged_at.is_(None))
        done = conn.execute(w.update().where(*where).values(acknowledged_by=actor.user,
                                                            acknowledged_at=datetime.now(UTC))).rowcount  # fmt: skip
        if done:
            record(conn, actor, "alert.acknowledge", "ok", str(warning_id))
    return bool(done)


def subscription_rows(engine: Engine) -> dict[int, Subscription]:
    """Every subscription (ended ones too: messages owed to them are still delivered), by id."""
    with engine.connect() as conn:
        return {r.id: subscription_of(r) for r in conn.execute(sa.select(alert_subscriptions_table))}
