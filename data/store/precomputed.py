"""Results computed once per data version (issue 22; the computing is in the `precompute` package).

* ``precomputed``: one row per result — the store-wide data version it was computed from, a fingerprint of the code
  that computed it (a new release of the forecasting code must not serve an older release's numbers), its kind
  (``forecast``, ``warnings``, ``standings`` …), the digest of its inputs (and the inputs as JSON, for reading), the
  payload bytes, when it was stored and how many seconds it took.
* ``precompute_runs``: one row per data version a job was started for — the claim (a replica's name; the primary key
  makes a second replica's claim fail), its progress (done of total), heartbeat, status and when it finished. Every
  replica's Data page reads it, so progress shows wherever a user looks.

Old versions are pruned when a newer one finishes: a result of an old data version is never read again (readers
ask for the current version only). Writes hold the store's writer lock (`write_transaction`); none of them is a
person's change, so nothing here is audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.store.schema import UtcDateTime, metadata, write_transaction

RUNNING, DONE, SUPERSEDED, FAILED = "running", "done", "superseded", "failed"
KEPT_RUNS = 20  # run rows kept for the record; results are kept for the newest finished version only

precomputed_table = sa.Table(
    "precomputed",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("data_version", sa.BigInteger, nullable=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("key_digest", sa.String(64), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("seconds", sa.Double, nullable=False),
    sa.UniqueConstraint("data_version", "code", "kind", "key_digest", name="uq_precomputed_key"),
)

precompute_runs_table = sa.Table(
    "precompute_runs",
    metadata,
    sa.Column("data_version", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),  # host:pid of the process computing
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("done", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("heartbeat_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("error", sa.Text, nullable=False, server_default=""),
)


@dataclass(frozen=True)
class RunState:
    """One job as the Data page shows it."""

    data_version: int
    owner: str
    status: str
    done: int
    total: int
    started_at: datetime
    heartbeat_at: datetime
    finished_at: datetime | None
    error: str

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def key_digest(key: str) -> str:
    """The stored digest of a result's inputs (their JSON text)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime | None) -> datetime | None:
    """A stored time as UTC (SQLite hands them back without their zone)."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


class Precomputed:
    """Read and write precomputed results and the jobs that make them."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self, data_version: int, code: str, kind: str, key: str) -> bytes | None:
        """The stored payload for these inputs at this data version, or None."""
        t = precomputed_table
        query = sa.select(t.c.payload).where(
            t.c.data_version == data_version, t.c.code == code, t.c.kind == kind, t.c.key_digest == key_digest(key)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else bytes(found)

    def put(self, data_version: int, code: str, kind: str, key: str, payload: bytes, seconds: float) -> None:
        """Store one result (replacing one stored for the same inputs)."""
        t, digest = precomputed_table, key_digest(key)
        same = (t.c.data_version == data_version, t.c.code == code, t.c.kind == kind, t.c.key_digest == digest)
        with write_transaction(self.engine) as conn:
            conn.execute(t.delete().where(*same))
            conn.execute(
                t.insert().values(
                    data_version=data_version,
                    code=code,
                    kind=kind,
                    key_digest=digest,
                    key=key,
                    payload=payload,
                    created_at=_now(),
                    seconds=float(seconds),
                )
            )

    def count(self, data_version: int | None = None) -> int:
        """How many results are stored (for one data version)."""
        t = precomputed_table
        query = sa.select(sa.func.count()).select_from(t)
        if data_version is not None:
            query = query.where(t.c.data_version == data_version)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def claim(self, data_version: int, code: str, owner: str, *, stale_after: float = 120, force: bool = False) -> bool:
        """Take the job of a data version: True when this owner now holds it.

        Nobody else may hold it, unless the holder's heartbeat is older than ``stale_after`` seconds (its process
        died) or ``force`` (the command run by hand). A finished job is taken only with ``force``, or by other code
        (a new release: the results stored by the old one are not read by it, so the version is computed again).
        """
        t, now = precompute_runs_table, _now()
        row_values = dict(code=code, owner=owner, status=RUNNING, done=0, total=0, started_at=now, heartbeat_at=now)
        with write_transaction(self.engine) as conn:
            row = conn.execute(sa.select(t).where(t.c.data_version == data_version)).first()
            if row is None:
                conn.execute(t.insert().values(data_version=data_version, **row_values))
                return True
            stale = row.status == RUNNING and _utc(row.heartbeat_at) < now - timedelta(seconds=stale_after)
            if not (force or stale or (row.status in (FAILED, DONE) and row.code != code)):
                return False
            conn.execute(
                t.update().where(t.c.data_version == data_version).values(finished_at=None, error="", **row_values)
            )
            return True

    def progress(self, data_version: int, owner: str, done: int, total: int) -> bool:
        """Record progress (and a heartbeat); False when the job is no longer this owner's."""
        t = precompute_runs_table
        mine = (t.c.data_version == data_version, t.c.owner == owner, t.c.status == RUNNING)
        with write_transaction(self.engine) as conn:
            changed = conn.execute(t.update().where(*mine).values(done=done, total=total, heartbeat_at=_now()))
            return changed.rowcount == 1

    def finish(self, data_version: int, owner: str, status: str, error: str = "") -> None:
        """Close a job as done, superseded or failed; a done job prunes every older version's results and runs, and
        results of other code (an older release)."""
        t, r = precompute_runs_table, precomputed_table
        with write_transaction(self.engine) as conn:
            conn.execute(
                t.update()
                .where(t.c.data_version == data_version, t.c.owner == owner)
                .values(status=status, finished_at=_now(), heartbeat_at=_now(), error=error[:2000])
            )
            if status == DONE:  # older versions, and results of other code at this one, are never read again
                code = conn.execute(sa.select(t.c.code).where(t.c.data_version == data_version)).scalar()
                conn.execute(r.delete().where(sa.or_(r.c.data_version < data_version, r.c.code != code)))
                kept = sa.select(t.c.data_version).order_by(t.c.data_version.desc()).limit(KEPT_RUNS).subquery()
                conn.execute(t.delete().where(t.c.data_version.not_in(sa.select(kept.c.data_version))))

    def latest(self) -> RunState | None:
        """The job of the newest data version any process started, or None."""
        t = precompute_runs_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).order_by(t.c.data_version.desc()).limit(1)).first()
        if row is None:
            return None
        return RunState(
            int(row.data_version),
            row.owner,
            row.status,
            int(row.done),
            int(row.total),
            _utc(row.started_at),
            _utc(row.heartbeat_at),
            _utc(row.finished_at),
            row.error,
        )
