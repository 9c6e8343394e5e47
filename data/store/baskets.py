"""Each user's briefing basket in the store (`store.baskets`): the charts and tables they collected, in order.

What an item holds belongs to the briefing layer (`briefing.stored` turns a pack item into JSON text and back); the
store keeps that text per user with the page's key, the kind, title and caption, bounded in number and in size.
Every change is one transaction under the store's writer lock, so a second tab of the same user never overwrites a
change it has not seen, and a failure part-way leaves the basket as it was. Adding is recorded in the audit trail,
as the exports it leads to are (`basket.add`); removing, reordering and captions change only the user's own basket
and are not recorded (a click each would flood the trail).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data.access import Actor
from data.errors import MB, BasketFull, BasketItemTooLarge
from data.store.audit import authorised, record
from data.store.schema import basket_table, check_lengths, write_transaction

KINDS = ("chart", "table")


@dataclass(frozen=True)
class BasketLimits:
    """How much one user's basket may hold: items, and bytes of one item's stored text."""

    items: int = 30
    item_bytes: int = 5 * MB  # a provincial choropleth is ~0.25 MB, a few thousand table rows ~1 MB


@dataclass(frozen=True)
class BasketRow:
    """One item as listed (without its payload). `token` changes whenever the payload does."""

    key: str
    kind: str
    title: str
    caption: str
    size: int
    token: str


def key_digest(key: str) -> str:
    """The stored digest of a page's key (keys name selections and can be long)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _row(r) -> BasketRow:
    return BasketRow(r.key, r.kind, r.title, r.caption, r.size, r.token)


def _ordered(conn: Connection, user: str) -> list:
    t = basket_table
    query = sa.select(t.c.id, t.c.key_digest, t.c.position).where(t.c.user == user).order_by(t.c.position, t.c.id)
    return conn.execute(query).all()


def _place(conn: Connection, row_id: int, position: int) -> None:
    conn.execute(basket_table.update().where(basket_table.c.id == row_id).values(position=position))


class Baskets:
    """Read and change users' baskets; each call acts on one user's own rows only."""

    def __init__(self, engine: Engine, limits: BasketLimits | None = None):
        self.engine = engine
        self.limits = limits or BasketLimits()

    def rows(self, user: str) -> list[BasketRow]:
        """The user's items in basket order, without payloads (cheap enough for every run of every page)."""
        t = basket_table
        columns = (t.c.key, t.c.kind, t.c.title, t.c.caption, t.c.size, t.c.token)
        query = sa.select(*columns).where(t.c.user == user).order_by(t.c.position, t.c.id)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query)]

    def payloads(self, user: str, tokens: Iterable[str]) -> dict[str, str]:
        """The stored text of the user's items with these tokens, by token (a token no longer there is left out)."""
        tokens, t = list(tokens), basket_table
        if not tokens:
            return {}
        query = sa.select(t.c.token, t.c.payload).where(t.c.user == user, t.c.token.in_(tokens))
        with self.engine.connect() as conn:
            return {r.token: r.payload for r in conn.execute(query)}

    def put(self, key: str, kind: str, title: str, caption: str, payload: str, *, actor: Actor) -> BasketRow:
        """Add an item at the end of the actor's basket, or replace the item with the same key where it stands.

        Raises:
            BasketFull: the basket holds `limits.items` items already (nothing changes).
            BasketItemTooLarge: the payload is larger than `limits.item_bytes` (nothing changes).
            TextTooLong: the caption or user name is longer than the store keeps.
            StoreBusy: another change held the writer lock longer than the lock wait.
            ValueError: an unknown kind or an empty key (a programming error).
        """
        if kind not in KINDS or not key:
            raise ValueError(f"a basket item needs a key and a kind of {KINDS}; got {key!r}, {kind!r}")
        check_lengths(by=actor.user, caption=caption)
        size = len(payload.encode("utf-8"))
        t, digest, now = basket_table, key_digest(key), datetime.now(UTC)
        with authorised(self.engine, actor, "basket.add", title):
            if size > self.limits.item_bytes:
                raise BasketItemTooLarge(size, self.limits.item_bytes)
            values = {"kind": kind, "title": title, "caption": caption, "payload": payload, "size": size}
            values |= {"token": uuid.uuid4().hex, "updated_at": now}
            with write_transaction(self.engine) as conn:
                found = conn.execute(sa.select(t.c.id).where(t.c.user == actor.user, t.c.key_digest == digest))
                row_id = found.scalar()
                if row_id is None:
                    rows = _ordered(conn, actor.user)
                    if len(rows) >= self.limits.items:
                        raise BasketFull(self.limits.items)
                    position = rows[-1].position + 1 if rows else 0
                    mine = {"user": actor.user, "key_digest": digest, "key": key, "position": position}
                    conn.execute(t.insert().values(**mine, **values, added_at=now))
                else:
                    conn.execute(t.update().where(t.c.id == row_id).values(**values))
                detail = f"{kind}, {size} bytes, {'new' if row_id is None else 'replaced'}"
                record(conn, actor, "basket.add", "ok", title, detail=detail)
        return BasketRow(key, kind, title, caption, size, values["token"])

    def remove(self, key: str, *, actor: Actor) -> bool:
        """Take the item out of the actor's basket; False when it was not there (e.g. removed in another tab)."""
        t = basket_table
        with write_transaction(self.engine) as conn:
            gone = conn.execute(t.delete().where(t.c.user == actor.user, t.c.key_digest == key_digest(key)))
            return bool(gone.rowcount)

    def move(self, key: str, step: int, *, actor: Actor) -> None:
        """Move the item `step` places (-1 up, +1 down), staying within the basket; positions are renumbered from 0
        in one transaction. Nothing happens when the item is not there."""
        digest = key_digest(key)
        with write_transaction(self.engine) as conn:
            rows = _ordered(conn, actor.user)
            i = next((n for n, r in enumerate(rows) if r.key_digest == digest), None)
            if i is None:
                return
            j = min(max(i + step, 0), len(rows) - 1)
            rows.insert(j, rows.pop(i))
            for position, r in enumerate(rows):
                if r.position != position:
                    _place(conn, r.id, position)

    def set_caption(self, key: str, caption: str, *, actor: Actor) -> None:
        """Change the item's caption (nothing happens when the item is not there).

        Raises:
            TextTooLong: the caption is longer than the store keeps.
        """
        check_lengths(caption=caption)
        t = basket_table
        with write_transaction(self.engine) as conn:
            where = (t.c.user == actor.user, t.c.key_digest == key_digest(key), t.c.caption != caption)
            conn.execute(t.update().where(*where).values(caption=caption, updated_at=datetime.now(UTC)))

    def clear(self, *, actor: Actor) -> int:
        """Empty the actor's basket; returns how many items it held."""
        with write_transaction(self.engine) as conn:
            return conn.execute(basket_table.delete().where(basket_table.c.user == actor.user)).rowcount
