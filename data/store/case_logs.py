"""Case logs an office imported (`store.case_logs`): each log a list of versions, one of them current, and the
column mapping remembered per office or source system.

A version keeps the whole canonical case table as bytes (Parquet, written and read by `services.importer`: this
layer does not know the case columns), with the file it came from, its row count, the mapping used and the personal
columns dropped. Like datasets, nothing is deleted: a commit adds a version, a rollback moves the current pointer,
each is one transaction under the store's writer lock, checked (steward) and audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data.access import Actor
from data.errors import StaleVersion, UnknownStoredDataset, UnknownVersion
from data.store.audit import authorised, record
from data.store.schema import Json, UtcDateTime, check_lengths, metadata, utc, write_transaction

case_logs_table = sa.Table(
    "case_logs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("current_version", sa.Integer, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

case_log_versions_table = sa.Table(
    "case_log_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("log_id", sa.String(64), sa.ForeignKey("case_logs.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("file_name", sa.String(500), nullable=False, server_default=""),
    sa.Column("checksum", sa.String(80), nullable=False, server_default=""),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),  # the canonical case table as Parquet
    sa.Column("mapping", Json, nullable=True),  # canonical field → the file's header
    sa.Column("dropped", Json, nullable=True),  # personal-data headers dropped
    sa.Column("base_version", sa.Integer, nullable=True),
    sa.UniqueConstraint("log_id", "number", name="uq_case_log_versions_number"),
)

case_mappings_table = sa.Table(
    "case_log_mappings",
    metadata,
    sa.Column("source", sa.String(200), primary_key=True),  # the office or source system, as the steward names it
    sa.Column("mapping", Json, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True)
class LogVersion:
    """One version of a case log, as its history lists it."""

    log_id: str
    number: int
    created_by: str
    created_at: datetime
    file_name: str
    checksum: str
    row_count: int
    mapping: dict = field(default_factory=dict)
    dropped: list = field(default_factory=list)
    base_version: int | None = None
    current: bool = False


@dataclass(frozen=True)
class LogState:
    """A stored case log: its title and current version."""

    id: str
    title: str
    current_version: int | None
    versions: int


def _current(conn: Connection, log_id: str) -> int | None:
    row = conn.execute(sa.select(case_logs_table.c.current_version).where(case_logs_table.c.id == log_id)).first()
    return None if row is None else row.current_version


class CaseLogs:
    """Read and change the imported case logs and the remembered mappings."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def logs(self) -> list[LogState]:
        """Every stored case log, by id."""
        t, v = case_logs_table, case_log_versions_table
        counts = sa.select(v.c.log_id, sa.func.count().label("n")).group_by(v.c.log_id).subquery()
        query = sa.select(t, counts.c.n).outerjoin(counts, counts.c.log_id == t.c.id).order_by(t.c.id)
        with self.engine.connect() as conn:
            return [LogState(r.id, r.title, r.current_version, r.n or 0) for r in conn.execute(query)]

    def history(self, log_id: str) -> list[LogVersion]:
        """Every version of a log, newest first."""
        v = case_log_versions_table
        columns = [c for c in v.c if c.name != "payload"]
        with self.engine.connect() as conn:
            current = _current(conn, log_id)
            rows = conn.execute(sa.select(*columns).where(v.c.log_id == log_id).order_by(v.c.number.desc())).all()
        return [
            LogVersion(
                r.log_id, r.number, r.created_by, utc(r.created_at), r.file_name, r.checksum, r.row_count,
                r.mapping or {}, r.dropped or [], r.base_version, r.number == current,
            )
            for r in rows
        ]  # fmt: skip

    def payload(self, log_id: str, number: int | None = None) -> bytes:
        """The stored case table of a version (default the current one).

        Raises:
            UnknownStoredDataset, UnknownVersion: no such log or version.
        """
        v = case_log_versions_table
        with self.engine.connect() as conn:
            number = _check(conn, log_id, number)
            return conn.execute(sa.select(v.c.payload).where(v.c.log_id == log_id, v.c.number == number)).scalar_one()

    def mapping(self, source: str) -> dict | None:
        """The mapping last confirmed for this office or source system, or None."""
        m = case_mappings_table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(m.c.mapping).where(m.c.source == source)).scalar()

    def commit(
        self,
        log_id: str,
        payload: bytes,
        *,
        actor: Actor,
        title: str,
        row_count: int,
        file_name: str = "",
        checksum: str = "",
        mapping: dict | None = None,
        dropped: list | None = None,
        source: str | None = None,
        base_version: int | None | object = ...,
    ) -> LogVersion:
        """Store a case table as the log's next version and make it current; remember `mapping` for `source`.

        Raises:
            AccessDenied: the actor is not a steward (nothing changes; recorded as denied).
            StaleVersion: another version became current since `base_version` was read (nothing changes).
            StoreBusy, TextTooLong.
        """
        check_lengths(dataset_id=log_id, by=actor.user, file_name=file_name)
        t, v, m, now = case_logs_table, case_log_versions_table, case_mappings_table, datetime.now(UTC)
        with (
            authorised(self.engine, actor, "upload.commit", f"case_log:{log_id}"),
            write_transaction(self.engine) as conn,
        ):
            current = _current(conn, log_id)
            if base_version is not ... and base_version != current:
                raise StaleVersion(log_id, current, base_version)
            if conn.execute(sa.select(t.c.id).where(t.c.id == log_id)).first() is None:
                conn.execute(t.insert().values(id=log_id, title=title[:200], current_version=None, created_at=now))
            last = conn.execute(sa.select(sa.func.max(v.c.number)).where(v.c.log_id == log_id)).scalar() or 0
            number = last + 1
            conn.execute(
                v.insert().values(
                    log_id=log_id, number=number, created_by=actor.user, created_at=now, file_name=file_name,
                    checksum=checksum, row_count=row_count, payload=payload, mapping=mapping or {},
                    dropped=dropped or [], base_version=current,
                )
            )  # fmt: skip
            conn.execute(t.update().where(t.c.id == log_id).values(current_version=number, title=title[:200]))
            if source and mapping:
                conn.execute(m.delete().where(m.c.source == source[:200]))
                conn.execute(
                    m.insert().values(source=source[:200], mapping=mapping, updated_by=actor.user, updated_at=now)
                )
            detail = f"case log: {row_count} cases, {len(dropped or [])} personal columns dropped"
            record(
                conn, actor, "upload.commit", "ok", f"case_log:{log_id}", before=current, after=number, detail=detail
            )
        return next(h for h in self.history(log_id) if h.number == number)

    def rollback(self, log_id: str, number: int, *, actor: Actor) -> LogVersion:
        """Make an earlier (or any) version current again; nothing is deleted.

        Raises:
            AccessDenied, UnknownStoredDataset, UnknownVersion, StoreBusy.
        """
        t = case_logs_table
        with (
            authorised(self.engine, actor, "data.rollback", f"case_log:{log_id}"),
            write_transaction(self.engine) as conn,
        ):
            _check(conn, log_id, number)
            current = _current(conn, log_id)
            conn.execute(t.update().where(t.c.id == log_id).values(current_version=number))
            record(conn, actor, "data.rollback", "ok", f"case_log:{log_id}", before=current, after=number)
        return next(h for h in self.history(log_id) if h.number == number)


def _check(conn: Connection, log_id: str, number: int | None) -> int:
    """The version number asked for (the current one when None), after checking it exists."""
    row = conn.execute(sa.select(case_logs_table.c.current_version).where(case_logs_table.c.id == log_id)).first()
    if row is None:
        raise UnknownStoredDataset(log_id)
    number = row.current_version if number is None else number
    v = case_log_versions_table
    found = conn.execute(sa.select(v.c.id).where(v.c.log_id == log_id, v.c.number == number)).first()
    if found is None:
        numbers = conn.execute(sa.select(v.c.number).where(v.c.log_id == log_id).order_by(v.c.number)).scalars()
        raise UnknownVersion(log_id, number, list(numbers))
    return number
