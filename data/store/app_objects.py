"""Saved app objects (scenarios, office targets, …) in the store: a kind, a unique name and a JSON payload.

Other features own what a payload means; the store only keeps it, with who saved it and when. Saving and deleting
need an analyst (`data.access.object_action`) and are audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.access import Actor, object_action
from data.errors import DataFormatError, ObjectNotFound
from data.store.audit import authorised, record
from data.store.schema import check_lengths, objects_table, utc, write_transaction


@dataclass(frozen=True)
class AppObject:
    """One saved object."""

    kind: str
    name: str
    payload: Any
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


def _from_row(row) -> AppObject:
    return AppObject(
        kind=row.kind,
        name=row.name,
        payload=row.payload,
        created_by=row.created_by,
        created_at=utc(row.created_at),
        updated_by=row.updated_by,
        updated_at=utc(row.updated_at),
    )


class AppObjects:
    """Save, load, list and delete app objects by (kind, name)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def save(self, kind: str, name: str, payload: Any, *, actor: Actor) -> AppObject:
        """Create the object, or replace its payload if (kind, name) exists; returns what is stored.

        Raises:
            AccessDenied: the actor may not save this kind (nothing changes; recorded as denied).
            DataFormatError: the payload cannot be stored as JSON.
            TextTooLong: the kind, name or user name is longer than the store keeps.
            StoreBusy: another change held the writer lock longer than the lock wait.
        """
        check_lengths(kind=kind, name=name, by=actor.user)
        action = object_action(kind, "save")
        with authorised(self.engine, actor, action, f"{kind}:{name}"):
            try:
                payload = json.loads(json.dumps(payload, allow_nan=False))
            except (TypeError, ValueError) as exc:
                raise DataFormatError(code="payload_not_json", kind=kind, name=name, detail=str(exc)) from None
            now, by, t = datetime.now(UTC), actor.user, objects_table
            with write_transaction(self.engine) as conn:
                found = conn.execute(sa.select(t.c.id).where(t.c.kind == kind, t.c.name == name)).scalar()
                if found is None:
                    row = {"kind": kind, "name": name, "payload": payload, "created_by": by, "created_at": now}
                    conn.execute(t.insert().values(**row, updated_by=by, updated_at=now))
                else:
                    values = {"payload": payload, "updated_by": by, "updated_at": now}
                    conn.execute(t.update().where(t.c.id == found).values(**values))
                record(conn, actor, action, "ok", f"{kind}:{name}", detail="new" if found is None else "replaced")
        return self.load(kind, name)

    def load(self, kind: str, name: str) -> AppObject:
        """The stored object.

        Raises:
            ObjectNotFound: nothing of this kind has this name.
        """
        t = objects_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.kind == kind, t.c.name == name)).first()
        if row is None:
            raise ObjectNotFound(kind, name)
        return _from_row(row)

    def list(self, kind: str | None = None) -> list[AppObject]:
        """Objects of one kind (or all), by kind and name."""
        t = objects_table
        query = sa.select(t).order_by(t.c.kind, t.c.name)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        with self.engine.connect() as conn:
            return [_from_row(row) for row in conn.execute(query)]

    def delete(self, kind: str, name: str, *, actor: Actor) -> None:
        """Remove one object (an explicit user action; uploads never call this).

        Raises:
            AccessDenied: the actor may not delete this kind (nothing changes; recorded as denied).
            ObjectNotFound: nothing of this kind has this name.
        """
        action = object_action(kind, "delete")
        t = objects_table
        with authorised(self.engine, actor, action, f"{kind}:{name}"):
            with write_transaction(self.engine) as conn:
                gone = conn.execute(t.delete().where(t.c.kind == kind, t.c.name == name)).rowcount
                if gone:
                    record(conn, actor, action, "ok", f"{kind}:{name}")
            if not gone:
                raise ObjectNotFound(kind, name)
