"""Imported case logs in the store: a converted export stored as a log's next version, and a version read back as
the canonical case table. The store keeps bytes (`data.store.case_logs`); the case columns are known here."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data.access import Actor
from data.store import LogVersion, Store
from data.upload.read import RawTable
from services.importer import ImportReport, from_bytes, to_bytes


class NotImportable(ValueError):
    """A report with errors was handed to `store_import` (the page never offers it; a programming error)."""


def store_import(
    store: Store,
    log_id: str,
    title: str,
    table: RawTable,
    report: ImportReport,
    mapping: Mapping[str, str | None],
    *,
    actor: Actor,
    source: str | None = None,
    base_version: int | None | object = ...,
) -> LogVersion:
    """Store the cases of a clean report as the log's next version, remembering the mapping for `source`.

    Raises:
        NotImportable: the report has errors (nothing is written).
        AccessDenied, StaleVersion, StoreBusy (see `CaseLogs.commit`).
    """
    if not report.ok:
        raise NotImportable(f"the report of {table.file_name!r} has errors; nothing is stored")
    kept = {name: header for name, header in mapping.items() if header}
    return store.case_logs.commit(
        log_id,
        to_bytes(report.cases),
        actor=actor,
        title=title,
        row_count=len(report.cases),
        file_name=table.file_name,
        checksum=table.checksum,
        mapping=kept,
        dropped=list(report.dropped),
        source=source,
        base_version=base_version,
    )


def stored_cases(store: Store, log_id: str, version: int | None = None) -> pd.DataFrame:
    """The canonical case table of a stored version (default the current one)."""
    return from_bytes(store.case_logs.payload(log_id, version))
