"""The store's statements, each run on a connection the caller holds (and, for writes, its transaction).

Kept apart from `Store` so the class reads as the operations a page calls, and this file as the SQL they need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.datasets import datasets as shipped_datasets
from data.errors import UnknownStoredDataset, UnknownVersion
from data.loaders import COLUMNS, FLAG
from data.store import data_version
from data.store.schema import datasets_table, events_table, observations_table, versions_table
from data.store.versioning import DiffSummary

Progress = Callable[[str, int, int], None]  # (stage, done, total)
WRITE_CHUNK = 10_000


@dataclass(frozen=True)
class NewVersion:
    """What is recorded about a version being written."""

    kind: str  # seed | upload
    by: str
    base: int | None  # the version current before this one
    diff: DiffSummary
    file_name: str = ""
    checksum: str = ""
    summary: dict = field(default_factory=dict)
    note: str = ""


def frame_from_rows(rows: list[tuple], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Canonical frame from (indicator, region, 'YYYY-MM-DD', freq, value, flag, *extra) tuples, sorted like the
    loaders."""
    frame = pd.DataFrame(rows, columns=[*COLUMNS, FLAG, *extra])
    frame["period"] = pd.to_datetime(frame["period"], format="%Y-%m-%d").astype("datetime64[ns]")
    frame["value"] = frame["value"].astype("float64")
    frame[FLAG] = frame[FLAG].astype(object).where(frame[FLAG].notna(), None)
    return frame.sort_values(["indicator_id", "region_code", "period"], ignore_index=True)


def observations_query(dataset_id: str | None = None, number: int | None = None) -> sa.Select:
    """Observations of one version, or (no number) of the current version of each dataset with its dataset id."""
    o, v, d = observations_table, versions_table, datasets_table
    # Period as text: parsing 'YYYY-MM-DD' in bulk is far faster than converting date objects row by row.
    columns = [o.c.indicator_id, o.c.region_code, sa.cast(o.c.period, sa.String), o.c.freq, o.c.value, o.c.flag]
    if number is not None:
        query = sa.select(*columns).join(v, v.c.id == o.c.version_id)
        return query.where(v.c.dataset_id == dataset_id, v.c.number == number)
    query = sa.select(*columns, v.c.dataset_id).join(v, v.c.id == o.c.version_id)
    return query.join(d, sa.and_(d.c.id == v.c.dataset_id, d.c.current_version == v.c.number))


def fetch_frame(conn: Connection, query: sa.Select, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    result = conn.execute(query)
    try:
        # Straight from the DB-API cursor: skipping SQLAlchemy's Row objects makes 100k rows ~3x faster.
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return frame_from_rows(rows, extra)


def current_version(conn: Connection, dataset_id: str) -> int | None:
    d = datasets_table
    return conn.execute(sa.select(d.c.current_version).where(d.c.id == dataset_id)).scalar()


def check_version(conn: Connection, dataset_id: str, version: int) -> int:
    """`version`, after checking the dataset has it.

    Raises:
        UnknownStoredDataset, UnknownVersion.
    """
    d, v = datasets_table, versions_table
    if conn.execute(sa.select(d.c.id).where(d.c.id == dataset_id)).first() is None:
        raise UnknownStoredDataset(dataset_id)
    numbers = list(conn.execute(sa.select(v.c.number).where(v.c.dataset_id == dataset_id)).scalars())
    if version not in numbers:
        raise UnknownVersion(dataset_id, version, sorted(numbers))
    return version


def ensure_dataset(conn: Connection, dataset_id: str, title: dict | None) -> None:
    """Create the dataset row if missing; a shipped dataset takes its title from data/datasets.yaml."""
    d = datasets_table
    if conn.execute(sa.select(d.c.id).where(d.c.id == dataset_id)).first() is not None:
        return
    if title is None and dataset_id in shipped_datasets():
        title = dict(shipped_datasets()[dataset_id].title)
    conn.execute(d.insert().values(id=dataset_id, title=title, current_version=None, created_at=datetime.now(UTC)))


def add_version(
    conn: Connection, dataset_id: str, frame: pd.DataFrame, new: NewVersion, progress: Progress | None
) -> int:
    """Write a version with its observations and make it current; returns its number."""
    v = versions_table
    last = conn.execute(sa.select(sa.func.max(v.c.number)).where(v.c.dataset_id == dataset_id)).scalar()
    number = (last or 0) + 1  # after the highest, not after the current: a rollback may have moved current back
    record = {
        "dataset_id": dataset_id,
        "number": number,
        "kind": new.kind,
        "created_by": new.by,
        "created_at": datetime.now(UTC),
        "file_name": new.file_name,
        "checksum": new.checksum,
        "row_count": len(frame),
        "base_version": new.base,
        "diff": new.diff.as_dict(),
        "summary": new.summary,
        "note": new.note,
    }
    version_id = conn.execute(v.insert().values(**record).returning(v.c.id)).scalar_one()
    insert_observations(conn, version_id, frame, progress)
    make_current(conn, dataset_id, number, new.base, "seed" if new.kind == "seed" else "commit", new.by, new.note)
    return number


def insert_observations(conn: Connection, version_id: int, frame: pd.DataFrame, progress: Progress | None) -> None:
    values = frame["value"].astype(object).where(frame["value"].notna(), None)  # NaN → NULL on both backends
    flag = frame[FLAG] if FLAG in frame.columns else None
    records = frame[[*COLUMNS]].assign(version_id=version_id, period=frame["period"].dt.date, value=values)
    records = records.assign(flag=flag).to_dict("records")
    total = len(records)
    if progress:
        progress("write", 0, total)
    for start in range(0, total, WRITE_CHUNK):
        conn.execute(observations_table.insert(), records[start : start + WRITE_CHUNK])
        if progress:
            progress("write", min(start + WRITE_CHUNK, total), total)


def make_current(
    conn: Connection, dataset_id: str, number: int, previous: int | None, action: str, by: str, note: str
) -> None:
    """Point the dataset at version `number`, log who did it and bump the store's data version."""
    d = datasets_table
    conn.execute(d.update().where(d.c.id == dataset_id).values(current_version=number))
    data_version.bump(conn)
    event = {
        "dataset_id": dataset_id,
        "action": action,
        "version": number,
        "previous_version": previous,
        "actor": by,
        "at": datetime.now(UTC),
        "note": note,
    }
    conn.execute(events_table.insert().values(**event))
