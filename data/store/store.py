"""The versioned data store: every dataset is a list of versions, one of them current.

Each version holds a full copy of its dataset's observations in the canonical long format, so reading the
current data is one range scan and a rollback is exact: it only moves the ``current_version`` pointer. Nothing
is deleted: an upload adds a version, a rollback makes an earlier version current again, and every step is
recorded in ``dataset_events``.

Every write is one transaction holding the store's writer lock (see store_schema): an exception anywhere —
validation, a broken connection, an interrupted process — leaves the previous version current and intact.
Every write takes the acting user (`data.access.Actor`), checks its permission itself and is recorded in the audit
trail (`store.audit`) in the same transaction; a refused write changes nothing and is recorded as denied.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.access import SYSTEM, Actor
from data.errors import NothingToCommit, StaleVersion
from data.observations import OBSERVATION_LOADERS
from data.store import alert_tables, data_version, precomputed, snapshot, sql
from data.store.app_objects import AppObjects
from data.store.audit import AuditLog, authorised, record
from data.store.baskets import Baskets
from data.store.case_logs import CaseLogs
from data.store.schema import (
    SEED_LOCK_WAIT,
    check_lengths,
    create_schema,
    database_url,
    datasets_table,
    events_table,
    make_engine,
    observations_table,
    utc,
    versions_table,
    write_transaction,
)
from data.store.sql import NewVersion, Progress
from data.store.track import Track
from data.store.users import Users
from data.store.versioning import (
    DiffSummary,
    check_canonical,
    diff_frames,
    diff_rows,
    frame_checksum,
    merge_upload,
    prefer_first,
    release_version,
)

SYSTEM_USER = SYSTEM.user
ALERT_TABLES = alert_tables  # imported so that create_schema makes the alerts' tables with the others
MODES = ("merge", "replace")
_ANY = object()  # commit(base_version=…) default: do not check which version is current


@dataclass(frozen=True)
class VersionInfo:
    """One version of a dataset, as listed in its history."""

    dataset_id: str
    number: int
    kind: str  # seed | upload
    created_by: str
    created_at: datetime
    file_name: str
    checksum: str
    row_count: int
    base_version: int | None
    diff: DiffSummary | None
    summary: dict = field(default_factory=dict)
    note: str = ""
    current: bool = False


@dataclass(frozen=True)
class DatasetState:
    """A stored dataset: its current version and what that version covers."""

    id: str
    title: dict | None
    current_version: int | None
    versions: int
    row_count: int
    values: int  # rows with a number (not a gap)
    indicators: int
    regions: int
    first_period: pd.Timestamp | None
    last_period: pd.Timestamp | None


@dataclass(frozen=True)
class Event:
    """A change of current version: seed, commit or rollback."""

    dataset_id: str
    action: str
    version: int
    previous_version: int | None
    actor: str
    at: datetime
    note: str


def _version_info(row, current: int | None) -> VersionInfo:
    return VersionInfo(
        dataset_id=row.dataset_id,
        number=row.number,
        kind=row.kind,
        created_by=row.created_by,
        created_at=utc(row.created_at),
        file_name=row.file_name,
        checksum=row.checksum,
        row_count=row.row_count,
        base_version=row.base_version,
        diff=DiffSummary(**row.diff) if row.diff else None,
        summary=row.summary or {},
        note=row.note,
        current=row.number == current,
    )


class Store:
    """The app's store: datasets with versions, saved app objects (`store.objects`), the users table
    (`store.users`), the audit trail (`store.audit`) and each user's briefing basket (`store.baskets`)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.objects = AppObjects(engine)
        self.users = Users(engine)
        self.audit = AuditLog(engine)
        self.baskets = Baskets(engine)
        self.case_logs = CaseLogs(engine)  # imported 12345 / 一网通办 case logs (issue 18)
        self.track = Track(engine)  # published forecasts, their scores and the decision register (record/)
        self.precomputed = precomputed.Precomputed(engine)  # results computed once per data version (precompute/)

    @classmethod
    def open(cls, url: str | None = None, *, data_dir: str | None = None, lock_wait: float | None = None) -> Store:
        """Open (and create if needed) the store at `url`, $COCKPIT_DATABASE_URL or the default SQLite file.

        `lock_wait`: seconds a write waits for another to finish before `StoreBusy` (default $COCKPIT_LOCK_WAIT or 5).
        """
        store = cls(make_engine(database_url(url, data_dir), lock_wait=lock_wait))
        create_schema(store.engine)
        return store

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The database URL with any password hidden, for display."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # --- reading ----------------------------------------------------------------------------------------------

    def data_version(self) -> int:
        """The store-wide data version: it grows with every commit, rollback and seed, by any replica (caches key
        on it; see `data.store.data_version`)."""
        return data_version.read(self.engine)

    def current_version(self, dataset_id: str) -> int | None:
        """The current version number, or None when the dataset is not stored."""
        with self.engine.connect() as conn:
            return sql.current_version(conn, dataset_id)

    def observations(self, dataset_ids: Iterable[str] | None = None, *, with_dataset: bool = False) -> pd.DataFrame:
        """The current version of each dataset (or of the given ones) as one canonical long frame.

        Sorted by indicator, region and period, like `data.load_observations()`; `with_dataset` adds the column
        `dataset_id` (which dataset each row comes from). Should two datasets hold the same key (a store seeded by an
        earlier release still holds yearbook rows the portal vintage now supersedes), the row of the dataset listed
        first in OBSERVATION_LOADERS is kept; datasets not shipped come last.
        """
        query = sql.observations_query()
        if dataset_ids is not None:
            query = query.where(datasets_table.c.id.in_(list(dataset_ids)))
        with self.engine.connect() as conn:
            frame = prefer_first(sql.fetch_frame(conn, query, extra=("dataset_id",)), list(OBSERVATION_LOADERS))
        return frame if with_dataset else frame.drop(columns="dataset_id")

    def current_observations(self) -> pd.DataFrame:
        """`observations(with_dataset=True)`, read from the snapshot file of the current versions when there is one
        and kept as that file when not (`data.store.snapshot`: ~0.04 s instead of ~0.45 s for the shipped data)."""
        folder = self.snapshot_folder
        if folder is None:
            return self.observations(with_dataset=True)
        files = snapshot.Snapshots(folder)
        with self.engine.connect() as conn:
            name = snapshot.identity(conn)
        frame = files.read(name)
        if frame is None:
            frame = self.observations(with_dataset=True)
            with self.engine.connect() as conn:
                unchanged = snapshot.identity(conn) == name
            if unchanged:  # else a commit came in between: the rows may be either version's, so not kept
                files.write(name, frame)
        return frame

    @property
    def snapshot_folder(self) -> Path | None:
        """Where observation snapshots are kept: ``cache/`` beside a SQLite file, ``$COCKPIT_CACHE_DIR`` for any
        store when set, none for an in-memory database or a server database without it."""
        configured = os.environ.get(snapshot.ENV_FOLDER)
        if configured:
            return Path(configured).expanduser()
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).resolve().parent / "cache"
        return None

    def version_observations(self, dataset_id: str, version: int) -> pd.DataFrame:
        """The observations of one version of one dataset.

        Raises:
            UnknownStoredDataset, UnknownVersion: no such dataset or version.
        """
        with self.engine.connect() as conn:
            sql.check_version(conn, dataset_id, version)
            return sql.fetch_frame(conn, sql.observations_query(dataset_id, version))

    def history(self, dataset_id: str) -> list[VersionInfo]:
        """All versions of a dataset, newest first; `current` marks the one the app reads."""
        v = versions_table
        with self.engine.connect() as conn:
            current = sql.current_version(conn, dataset_id)
            rows = conn.execute(sa.select(v).where(v.c.dataset_id == dataset_id).order_by(v.c.number.desc())).all()
        return [_version_info(row, current) for row in rows]

    def version(self, dataset_id: str, number: int) -> VersionInfo:
        """One version's record.

        Raises:
            UnknownStoredDataset, UnknownVersion: no such dataset or version.
        """
        v = versions_table
        with self.engine.connect() as conn:
            sql.check_version(conn, dataset_id, number)
            current = sql.current_version(conn, dataset_id)
            row = conn.execute(sa.select(v).where(v.c.dataset_id == dataset_id, v.c.number == number)).one()
        return _version_info(row, current)

    def events(self, dataset_id: str) -> list[Event]:
        """Every seed, commit and rollback of a dataset, newest first."""
        e = events_table
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(e).where(e.c.dataset_id == dataset_id).order_by(e.c.id.desc())).all()
        return [Event(r.dataset_id, r.action, r.version, r.previous_version, r.actor, utc(r.at), r.note) for r in rows]

    def stored_datasets(self) -> list[DatasetState]:
        """Every stored dataset with its current version's coverage, by id."""
        o, v, d = observations_table, versions_table, datasets_table
        counts = sa.select(v.c.dataset_id, sa.func.count().label("n")).group_by(v.c.dataset_id).subquery()
        coverage = (
            sa.select(
                d.c.id,
                sa.func.count(o.c.version_id).label("rows"),
                sa.func.count(o.c.value).label("values"),
                sa.func.count(sa.distinct(o.c.indicator_id)).label("indicators"),
                sa.func.count(sa.distinct(o.c.region_code)).label("regions"),
                sa.func.min(o.c.period).label("first"),
                sa.func.max(o.c.period).label("last"),
            )
            .select_from(d)
            .outerjoin(v, sa.and_(v.c.dataset_id == d.c.id, v.c.number == d.c.current_version))
            .outerjoin(o, o.c.version_id == v.c.id)
            .group_by(d.c.id)
            .subquery()
        )
        query = (
            sa.select(d.c.id, d.c.title, d.c.current_version, counts.c.n, coverage)
            .join(coverage, coverage.c.id == d.c.id)
            .outerjoin(counts, counts.c.dataset_id == d.c.id)
            .order_by(d.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            DatasetState(
                id=r.id,
                title=r.title,
                current_version=r.current_version,
                versions=r.n or 0,
                row_count=r.rows,
                values=r.values,
                indicators=r.indicators,
                regions=r.regions,
                first_period=pd.Timestamp(r.first) if r.first is not None else None,
                last_period=pd.Timestamp(r.last) if r.last is not None else None,
            )
            for r in rows
        ]

    def diff(self, dataset_id: str, old: int, new: int) -> DiffSummary:
        """Rows added, changed and removed from version `old` to version `new`."""
        return diff_frames(self.version_observations(dataset_id, old), self.version_observations(dataset_id, new))

    def diff_rows(self, dataset_id: str, old: int, new: int) -> pd.DataFrame:
        """The differing rows between two versions (see `data.store.versioning.diff_rows`)."""
        return diff_rows(self.version_observations(dataset_id, old), self.version_observations(dataset_id, new))

    # --- writing ----------------------------------------------------------------------------------------------

    def seed(self, loaders: Mapping[str, Callable[[], pd.DataFrame]] | None = None) -> list[str]:
        """Store each shipped dataset as version 1 unless it is stored already; returns the ids seeded now.

        Idempotent and safe across replicas: the check is repeated under the writer lock, so a replica that
        waited for another's seed finds version 1 there and writes nothing. The app itself (`SYSTEM`) is the actor.
        """
        loaders = OBSERVATION_LOADERS if loaders is None else loaders
        with self.engine.connect() as conn:
            stored = set(conn.execute(sa.select(datasets_table.c.id)).scalars())
        seeded = []
        for dataset_id, loader in loaders.items():
            if dataset_id in stored:
                continue
            frame = check_canonical(loader())  # parse outside the lock: other replicas keep reading and writing
            with write_transaction(self.engine, SEED_LOCK_WAIT) as conn:
                if sql.current_version(conn, dataset_id) is not None:
                    continue
                sql.ensure_dataset(conn, dataset_id, None)
                new = NewVersion(
                    "seed", SYSTEM.user, None, DiffSummary(added=len(frame)), checksum=frame_checksum(frame)
                )
                number = sql.add_version(conn, dataset_id, frame, new, None)
                record(conn, SYSTEM, "data.seed", "ok", dataset_id, after=number, detail=f"{len(frame)} rows")
            seeded.append(dataset_id)
        return seeded

    def shipped_updates(
        self, loaders: Mapping[str, Callable[[], pd.DataFrame]] | None = None
    ) -> dict[str, DiffSummary]:
        """Stored shipped datasets whose data in this app release differ from what was last seeded.

        Returns, per such dataset, what `update_shipped` would change in its current version. Parses every
        shipped file (about a second): call it from the Data page, not on every start.
        """
        loaders = OBSERVATION_LOADERS if loaders is None else loaders
        changes = {}
        for dataset_id, loader in loaders.items():
            seeds = [v for v in self.history(dataset_id) if v.kind == "seed"]
            if not seeds:
                continue
            frame = check_canonical(loader())
            if frame_checksum(frame) != seeds[0].checksum:
                current = self.observations([dataset_id])
                diff = diff_frames(current, self._release_version(dataset_id, frame, current))
                if not diff.is_empty:  # already there, e.g. uploaded by staff before the release shipped it
                    changes[dataset_id] = diff
        return changes

    def _release_version(self, dataset_id: str, frame: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
        """The next version when a release's shipped data `frame` arrive (see `versioning.release_version`)."""
        seeds = [v for v in self.history(dataset_id) if v.kind == "seed"]
        shipped = self.version_observations(dataset_id, seeds[0].number) if seeds else None
        return release_version(current, frame, shipped)

    def update_shipped(
        self, dataset_id: str, *, actor: Actor, loaders: Mapping[str, Callable[[], pd.DataFrame]] | None = None
    ) -> VersionInfo:
        """Lay this release's shipped data over the current version as a new version (uploads of other keys stay;
        rows the release withdrew go, unless an upload changed them since they were shipped).

        Raises:
            AccessDenied: the actor is not a steward (nothing changes; recorded as denied).
            NothingToCommit: the shipped data change nothing in the current version.
        """
        with authorised(self.engine, actor, "data.update_shipped", dataset_id):
            pass  # refuse before parsing the shipped files; commit() checks again under its own action
        frame = check_canonical((OBSERVATION_LOADERS if loaders is None else loaders)[dataset_id]())
        version = self._release_version(dataset_id, frame, self.observations([dataset_id]))
        note = "shipped data of a newer app release"
        checksum = frame_checksum(frame)
        return self.commit(dataset_id, version, actor=actor, checksum=checksum, note=note, kind="seed", mode="replace")

    def commit(
        self,
        dataset_id: str,
        frame: pd.DataFrame,
        *,
        actor: Actor,
        file_name: str = "",
        checksum: str = "",
        summary: dict | None = None,
        note: str = "",
        mode: str = "merge",
        base_version: int | None | object = _ANY,
        title: dict | None = None,
        progress: Progress | None = None,
        kind: str = "upload",
    ) -> VersionInfo:
        """Add a version built from `frame` and make it current, in one transaction.

        Args:
            frame: canonical observations. In ``merge`` mode they are laid over the current version (new keys
                added, existing keys revised, a missing value never erasing a stored number); in ``replace``
                mode they are the whole new version. Earlier versions are untouched either way.
            base_version: the version the upload was validated against; if another is current now, nothing is
                written and `StaleVersion` is raised.
            progress: called as ``progress("write", rows_written, rows_total)``; an exception it raises aborts
                the commit cleanly.
            kind: "upload" (audited as upload.commit), or "seed" for a release of the shipped data
                (data.update_shipped).

        Raises:
            AccessDenied: the actor is not a steward (nothing changes; recorded as denied).
            StaleVersion, NothingToCommit, StoreBusy, TextTooLong, DataFormatError (frame not canonical),
            ValueError (unknown mode).
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
        check_lengths(dataset_id=dataset_id, by=actor.user, file_name=file_name)
        action = "data.update_shipped" if kind == "seed" else "upload.commit"
        with authorised(self.engine, actor, action, dataset_id):
            upload = check_canonical(frame)
            with write_transaction(self.engine) as conn:
                current = sql.current_version(conn, dataset_id)
                if base_version is not _ANY and base_version != current:
                    raise StaleVersion(dataset_id, current, base_version)
                base = None if current is None else sql.fetch_frame(conn, sql.observations_query(dataset_id, current))
                new = merge_upload(base, upload)[0] if base is not None and mode == "merge" else upload
                diff = diff_frames(base, new) if base is not None else DiffSummary(added=len(new))
                if current is not None and diff.is_empty:
                    raise NothingToCommit(dataset_id, current)
                sql.ensure_dataset(conn, dataset_id, title)
                meta = NewVersion(
                    kind, actor.user, current, diff, file_name, checksum or frame_checksum(upload), summary or {}, note
                )
                number = sql.add_version(conn, dataset_id, new, meta, progress)
                changed = f"{mode}: +{diff.added} ~{diff.changed} -{diff.removed}"
                record(conn, actor, action, "ok", dataset_id, before=current, after=number, detail=changed)
        return self.version(dataset_id, number)

    def rollback(self, dataset_id: str, version: int, *, actor: Actor, note: str = "") -> VersionInfo:
        """Make an earlier (or any) version current again; nothing is deleted, the change is logged and audited.

        Raises:
            AccessDenied: the actor is not a steward (nothing changes; recorded as denied).
            UnknownStoredDataset, UnknownVersion: no such dataset or version.
            StoreBusy, TextTooLong.
        """
        check_lengths(by=actor.user)
        with authorised(self.engine, actor, "data.rollback", dataset_id), write_transaction(self.engine) as conn:
            sql.check_version(conn, dataset_id, version)
            current = sql.current_version(conn, dataset_id)
            if version != current:
                sql.make_current(conn, dataset_id, version, current, "rollback", actor.user, note)
            record(conn, actor, "data.rollback", "ok", dataset_id, before=current, after=version, detail=note)
        return self.version(dataset_id, version)


def open_store(
    url: str | None = None, *, data_dir: str | None = None, seed: bool = True, lock_wait: float | None = None
) -> Store:
    """The app's store, created and seeded with the shipped datasets on first use.

    Args:
        url: a SQLAlchemy URL; default $COCKPIT_DATABASE_URL, else SQLite in $COCKPIT_DATA_DIR or
            ~/.local/share/decision-cockpit/cockpit.sqlite3.
        data_dir: folder for the SQLite file when no URL is given.
        seed: load shipped datasets missing from the store as their version 1.
        lock_wait: seconds a write waits for another before `StoreBusy`; default $COCKPIT_LOCK_WAIT or 5.
    """
    store = Store.open(url, data_dir=data_dir, lock_wait=lock_wait)
    if seed:
        store.seed()
    return store
