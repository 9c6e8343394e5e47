"""Case logs an office imported (`store.case_logs`): each log a list of versions, one of them current, and the
column mapping remembered per office or source system.

A version keeps the whole canonical case table as bytes (Parquet, written and read by `services.importer`: this
layer does not know the case columns), with the file it came from, its row count, the mapping used and the personal
columns dropped. Like datasets, nothing is deleted: a commit adds a version, a rollback moves the current pointer,
each is one transaction under the store's writer lock, checked (steward) and audited in the same transaction.

A log's monthly figures (catalogue indicators of the region it covers) are a dataset of the store with the log's id:
a commit handed `figures` writes them as that dataset's next version in the same transaction as the case version
(both land or neither), the dataset version naming the log version it was computed from (``summary
["case_log_version"]``); a rollback of the log makes that dataset version current too (or none, for a log version
stored without figures). Every commit and rollback bumps the store's data version, so every cache refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data.access import Actor
from data.errors import StaleVersion, UnknownStoredDataset, UnknownVersion
from data.store import data_version, sql
from data.store.audit import authorised, record
from data.store.schema import (
    Json,
    UtcDateTime,
    check_lengths,
    datasets_table,
    metadata,
    utc,
    versions_table,
    write_transaction,
)
from data.store.versioning import DiffSummary, check_canonical, diff_frames, frame_checksum

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

case_regions_table = sa.Table(
    "case_log_regions",
    metadata,
    sa.Column("source", sa.String(200), primary_key=True),  # as in case_log_mappings
    sa.Column("region_code", sa.String(32), nullable=False),  # the registry region the source's logs cover
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True)
class Figures:
    """A log version's monthly figures as a dataset version: canonical observations, the dataset's title {zh, en},
    and what its versions record (``summary``: region, citation, licence, origin …, all JSON)."""

    frame: pd.DataFrame
    title: dict
    summary: dict = field(default_factory=dict)


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

    def region(self, source: str) -> str | None:
        """The region last chosen for this office or source system's logs, or None."""
        r = case_regions_table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(r.c.region_code).where(r.c.source == source[:200])).scalar()

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
        figures: Figures | None = None,
    ) -> LogVersion:
        """Store a case table as the log's next version and make it current; remember `mapping` (and the region of
        `figures`) for `source`; write `figures` as the next version of the log's dataset in the same transaction.

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
            region = (figures.summary.get("region") if figures else None) or None
            if source and region:
                r = case_regions_table
                conn.execute(r.delete().where(r.c.source == source[:200]))
                conn.execute(
                    r.insert().values(source=source[:200], region_code=region, updated_by=actor.user, updated_at=now)
                )
            detail = f"case log: {row_count} cases, {len(dropped or [])} personal columns dropped"
            if figures is None:
                data_version.bump(conn)
            else:
                written = _write_figures(conn, log_id, number, figures, actor, file_name, checksum)
                detail += f"; {len(figures.frame)} monthly figures as version {written} of dataset {log_id}"
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
            _roll_figures(conn, log_id, number, actor)
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


def _write_figures(
    conn: Connection, log_id: str, number: int, figures: Figures, actor: Actor, file_name: str, checksum: str
) -> int:
    """Write `figures` as the next version of the log's dataset (the whole version: a log's figures are recomputed
    from its whole case table); returns the dataset version's number."""
    frame = check_canonical(figures.frame)
    current = sql.current_version(conn, log_id)
    base = None if current is None else sql.fetch_frame(conn, sql.observations_query(log_id, current))
    diff = diff_frames(base, frame) if base is not None else DiffSummary(added=len(frame))
    sql.ensure_dataset(conn, log_id, figures.title)
    conn.execute(datasets_table.update().where(datasets_table.c.id == log_id).values(title=figures.title))
    summary = {**figures.summary, "case_log_version": number}
    meta = sql.NewVersion("upload", actor.user, current, diff, file_name, checksum or frame_checksum(frame), summary)
    return sql.add_version(conn, log_id, frame, meta, None)


def _roll_figures(conn: Connection, log_id: str, number: int, actor: Actor) -> None:
    """Make current the dataset version computed from log version `number` (none when it was stored without
    figures), and bump the data version."""
    v = versions_table
    rows = conn.execute(sa.select(v.c.number, v.c.summary).where(v.c.dataset_id == log_id)).all()
    matching = [r.number for r in rows if (r.summary or {}).get("case_log_version") == number]
    current = sql.current_version(conn, log_id)
    if matching and max(matching) != current:
        sql.make_current(conn, log_id, max(matching), current, "rollback", actor.user, f"case log version {number}")
        return  # make_current bumps the data version
    if not matching and current is not None:
        conn.execute(datasets_table.update().where(datasets_table.c.id == log_id).values(current_version=None))
    data_version.bump(conn)
