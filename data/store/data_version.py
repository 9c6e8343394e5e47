"""The store-wide data version: one counter, bumped in the same transaction as every change of a current version.

Every replica's caches key on it (``ui/cache.py``): a commit, rollback or seed through any replica is one
increment here, so each other replica sees a new number on its next look and stops serving what it computed from
the old data. One single-row read is all a look costs. A store made before the counter existed gets the table when
it is opened (``create_schema``) and starts at 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data.store.schema import metadata

data_version_table = sa.Table(
    "data_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1: one row
    sa.Column("counter", sa.BigInteger, nullable=False),
)


def bump(conn: Connection) -> None:
    """Add one to the counter (inside the caller's write transaction, whose writer lock serialises bumps)."""
    t = data_version_table
    if conn.execute(t.update().where(t.c.id == 1).values(counter=t.c.counter + 1)).rowcount == 0:
        conn.execute(t.insert().values(id=1, counter=1))


def read(engine: Engine) -> int:
    """The counter now (0 before the first change)."""
    t = data_version_table
    with engine.connect() as conn:
        return int(conn.execute(sa.select(t.c.counter).where(t.c.id == 1)).scalar() or 0)
