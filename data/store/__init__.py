"""The versioned store: every dataset a list of versions, one of them current, plus saved app objects.

The face is `open_store()` (the app's store, created and seeded on first use) and the `Store` it returns —
`observations()`, `history()`, `commit()`, `rollback()`, `events()`, `stored_datasets()`, `store.objects`
(`AppObjects`), `store.users` (`Users`), `store.audit` (`AuditLog`) and `store.baskets` (`Baskets`, each user's
briefing basket) — with the records they hand back (`VersionInfo`, `Event`, `DatasetState`, `AppObject`, `User`,
`AuditEntry`, `DiffSummary`, `BasketRow`) and the errors they raise (`StoreError` and its kinds, `AccessDenied`
among them). Every write takes the acting user (`data.access.Actor`), checks its permission and is audited (a
basket's reorder, caption and removal are the user's own and are not). SQLite by default, PostgreSQL by URL;
importing this package loads SQLAlchemy.
"""

from data.errors import (
    AccessDenied,
    BasketFull,
    BasketItemTooLarge,
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
from data.store.audit import AuditEntry, AuditLog
from data.store.baskets import BasketLimits, BasketRow, Baskets
from data.store.case_logs import CaseLogs, Figures, LogState, LogVersion
from data.store.store import DatasetState, Event, Store, VersionInfo, open_store
from data.store.users import User, Users
from data.store.versioning import DiffSummary

__all__ = [
    "AccessDenied",
    "AppObject",
    "AppObjects",
    "AuditEntry",
    "AuditLog",
    "BasketFull",
    "BasketItemTooLarge",
    "BasketLimits",
    "BasketRow",
    "Baskets",
    "CaseLogs",
    "DatasetState",
    "DiffSummary",
    "Figures",
    "LogState",
    "LogVersion",
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
    "User",
    "Users",
    "VersionInfo",
    "open_store",
]
