"""The versioned store: every dataset a list of versions, one of them current, plus saved app objects.

The face is `open_store()` (the app's store, created and seeded on first use) and the `Store` it returns —
`observations()`, `history()`, `commit()`, `rollback()`, `events()`, `stored_datasets()` and `store.objects`
(`AppObjects`) — with the records they hand back (`VersionInfo`, `Event`, `DatasetState`, `AppObject`,
`DiffSummary`) and the errors they raise (`StoreError` and its kinds). SQLite by default, PostgreSQL by URL;
importing this package loads SQLAlchemy.
"""

from data.errors import (
    NothingToCommit,
    ObjectNotFound,
    StaleVersion,
    StoreBusy,
    StoreError,
    TextTooLong,
    UnknownStoredDataset,
    UnknownVersion,
)
from data.store.app_objects import AppObject, AppObjects
from data.store.store import DatasetState, Event, Store, VersionInfo, open_store
from data.store.versioning import DiffSummary

__all__ = [
    "AppObject",
    "AppObjects",
    "DatasetState",
    "DiffSummary",
    "Event",
    "NothingToCommit",
    "ObjectNotFound",
    "StaleVersion",
    "Store",
    "StoreBusy",
    "StoreError",
    "TextTooLong",
    "UnknownStoredDataset",
    "UnknownVersion",
    "VersionInfo",
    "open_store",
]
