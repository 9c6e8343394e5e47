"""The current observations kept as a Parquet file beside the store, one file per set of current versions.

A process's first read of the observations (~140k rows) costs ~0.45 s from SQL: a Python tuple per row, dates parsed,
sorted, duplicate keys resolved — a sixth of a cold start (issue 17) and of every replica's first view after a new
data version (issue 22). The same frame read back from Parquet costs ~0.04 s. The file is named after what it holds:
a hash of every dataset's current version (dataset, number, the version row's id, checksum, row count and time of
creation), so a commit or rollback by any process names another file, a store made again from scratch names other
files, and a file is never stale — it is written once and never changed.

Written only when the versions read before and after the SQL read are the same (no commit in between), to a
temporary file first and then renamed (a reader never sees half a file); a file that cannot be read is ignored and
made again. The folder is the store's own (beside the SQLite file, or ``$COCKPIT_CACHE_DIR`` for PostgreSQL), never a
shared temporary folder where another account could place a file for the app to read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.store.data_version import data_version_table
from data.store.schema import datasets_table, versions_table

LOG = logging.getLogger(__name__)

#: Bumped when the frame `Store.observations(with_dataset=True)` returns changes shape or order: old files are then
#: never named again.
FORMAT = 1
#: Files kept: the current versions' and the one before (a process may still be reading it).
KEEP = 2
PREFIX = "observations-"
#: A folder for the files when the store is not a SQLite file (replicas on one PostgreSQL each keep their own, or
#: share one on the same machine: names say what a file holds, and it is renamed into place whole).
ENV_FOLDER = "COCKPIT_CACHE_DIR"


def identity(conn: Connection) -> str:
    """A name for the current versions of every dataset: it changes with any commit, rollback or new store.

    The store-wide data version is read first: it grows in the same transaction as every change of a current
    version, so two equal names read before and after the observations mean nothing changed in between (even a
    commit undone by a rollback).
    """
    t, d, v = data_version_table, datasets_table, versions_table
    counter = conn.execute(sa.select(t.c.counter).where(t.c.id == 1)).scalar()
    query = (
        sa.select(v.c.dataset_id, v.c.number, v.c.id, v.c.checksum, v.c.row_count, v.c.created_at)
        .join(d, sa.and_(d.c.id == v.c.dataset_id, d.c.current_version == v.c.number))
        .order_by(v.c.dataset_id)
    )
    rows = [tuple(str(value) for value in row) for row in conn.execute(query)]
    return hashlib.sha256(repr((FORMAT, counter, rows)).encode()).hexdigest()[:32]


class Snapshots:
    """Parquet files of the current observations in `folder` (made if missing)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        return self.folder / f"{PREFIX}{name}.parquet"

    def read(self, name: str) -> pd.DataFrame | None:
        """The frame stored under `name`, or None when there is none or it cannot be read."""
        path = self.path(name)
        if not path.exists():
            return None
        try:
            return pd.read_parquet(path)
        except Exception as error:  # a damaged file is made again from the store, never shown
            LOG.warning("observation snapshot %s unreadable (%s); reading the store", path.name, error)
            return None

    def write(self, name: str, frame: pd.DataFrame) -> None:
        """Store `frame` under `name` atomically, then keep only the newest files. Failure only costs speed."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".observations-", suffix=".tmp")
            os.close(handle)
            try:
                frame.to_parquet(temporary, index=False)
                os.replace(temporary, self.path(name))
            finally:
                Path(temporary).unlink(missing_ok=True)
            self._prune()
        except Exception as error:  # a full disk, a read-only folder, a value Parquet refuses: read SQL next time
            LOG.warning("observation snapshot not written (%s)", error)

    def _prune(self) -> None:
        files = sorted(self.folder.glob(f"{PREFIX}*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
