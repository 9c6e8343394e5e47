"""The audit trail: one append-only row per change, export, sign-in, sign-out and refusal, in the store.

A row says when, who (user and role), what (action and object), the dataset version before and after, from which
client address, the result (ok / denied / failed) and a short detail. The store's writes record their own rows:
`authorised` checks the permission first — a denial is recorded in a transaction of its own and raised, so the
refused write touches nothing else — and records a write that fails (a stale version, nothing to commit) as
failed; the write records its "ok" row inside its own transaction, so a change and its record land together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data.access import ACTIONS, SYSTEM_ACTIONS, Actor, check
from data.errors import AccessDenied, DataError
from data.store.schema import audit_table, utc, write_transaction

RESULTS = ("ok", "denied", "failed")
DETAIL_LIMIT = 500
COLUMNS = ("at", "user", "role", "action", "object", "version_before", "version_after", "address", "result", "detail")


@dataclass(frozen=True)
class AuditEntry:
    """One row of the trail."""

    id: int
    at: datetime
    user: str
    role: str
    action: str
    object: str
    version_before: int | None
    version_after: int | None
    address: str
    result: str
    detail: str


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    result: str = "ok",
    object: str = "",
    *,
    before: int | None = None,
    after: int | None = None,
    detail: str = "",
) -> None:
    """Append one row on a connection the caller holds (inside the write it records, when there is one)."""
    if action not in ACTIONS and action not in SYSTEM_ACTIONS:
        raise KeyError(f"unknown audit action {action!r}")
    if result not in RESULTS:
        raise ValueError(f"result must be one of {RESULTS}; got {result!r}")
    conn.execute(
        audit_table.insert().values(
            at=datetime.now(UTC),
            user=actor.user[:200],
            role=actor.role.label,
            action=action,
            object=str(object)[:300],
            version_before=before,
            version_after=after,
            address=(actor.address or "")[:64],
            result=result,
            detail=str(detail)[:DETAIL_LIMIT],
        )
    )


def record_alone(engine: Engine, actor: Actor, action: str, result: str = "ok", object: str = "", **extra) -> None:
    """Append one row in a transaction of its own."""
    with write_transaction(engine) as conn:
        record(conn, actor, action, result, object, **extra)


@contextmanager
def authorised(engine: Engine, actor: Actor, action: str, object: str = "") -> Iterator[None]:
    """Run a write only if `actor` may do `action`; record a denial or a failure of the write.

    Raises:
        AccessDenied: the actor's role may not (recorded as denied; the write never starts).
        DataError: whatever the write raised (recorded as failed, then re-raised).
    """
    try:
        check(actor, action)
    except AccessDenied as err:
        record_alone(engine, actor, action, "denied", object, detail=err.message("en"))
        raise
    try:
        yield
    except DataError as err:
        record_alone(engine, actor, action, "failed", object, detail=err.message("en"))
        raise


class AuditLog:
    """The store's audit trail (`store.audit`): append and read, never change."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def record(self, actor: Actor, action: str, result: str = "ok", object: str = "", **extra) -> None:
        """Append one row: an export, a sign-in or sign-out, a refusal the app decided (``detail`` short text).

        Exports and sign-ins are not writes of the store and need no permission beyond being signed in; their
        actions still must be known ones.
        """
        record_alone(self.engine, actor, action, result, object, **extra)

    def trail(
        self,
        *,
        user: str | None = None,
        action: str | None = None,
        result: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 10_000,
    ) -> list[AuditEntry]:
        """Rows matching every filter given, newest first; `since` and `until` are whole days (UTC), inclusive.

        `action` matches the action or its family: "upload" finds upload.prepare and upload.commit.
        """
        a = audit_table
        query = sa.select(a).order_by(a.c.id.desc()).limit(limit)
        if user:
            query = query.where(a.c.user == user)
        if action:
            query = query.where(sa.or_(a.c.action == action, a.c.action.startswith(f"{action}.", autoescape=True)))
        if result:
            query = query.where(a.c.result == result)
        if since is not None:
            query = query.where(a.c.at >= datetime.combine(since, time.min, UTC))
        if until is not None:
            query = query.where(a.c.at < datetime.combine(until + timedelta(days=1), time.min, UTC))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AuditEntry(
                r.id,
                utc(r.at),
                r.user,
                r.role,
                r.action,
                r.object,
                r.version_before,
                r.version_after,
                r.address,
                r.result,
                r.detail,
            )
            for r in rows
        ]

    def users(self) -> list[str]:
        """Every user name in the trail, sorted (for a filter)."""
        with self.engine.connect() as conn:
            return sorted(conn.execute(sa.select(audit_table.c.user).distinct()).scalars())


def trail_frame(entries: list[AuditEntry]) -> pd.DataFrame:
    """The trail as a table with the columns of `COLUMNS` (times in UTC, naive, for export)."""
    return pd.DataFrame(
        [{c: getattr(e, c) for c in COLUMNS} | {"at": e.at.replace(tzinfo=None)} for e in entries],
        columns=list(COLUMNS),
    )
