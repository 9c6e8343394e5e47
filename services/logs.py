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
    merge: bool = False,
) -> LogVersion:
    """Store the cases of a clean report as the log's next version, remembering the mapping for `source`.

    With `merge` the version is the current one with the file's cases laid over it (a case id already there takes
    the file's row, new ids are added): an export split into parts, or a month's new cases, build one log.

    Raises:
        NotImportable: the report has errors (nothing is written).
        AccessDenied, StaleVersion, StoreBusy (see `CaseLogs.commit`).
    """
    if not report.ok:
        raise NotImportable(f"the report of {table.file_name!r} has errors; nothing is stored")
    kept = {name: header for name, header in mapping.items() if header}
    cases = report.cases
    if merge and log_id in {s.id for s in store.case_logs.logs()}:
        cases = merged(stored_cases(store, log_id), cases)
    return store.case_logs.commit(
        log_id,
        to_bytes(cases),
        actor=actor,
        title=title,
        row_count=len(cases),
        file_name=table.file_name,
        checksum=table.checksum,
        mapping=kept,
        dropped=list(report.dropped),
        source=source,
        base_version=base_version,
    )


def merged(current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """`current` with `new` laid over it by case id: rows of ids in `new` replaced, new ids added after."""
    keep = ~current["case_id"].isin(new["case_id"]).fillna(False).to_numpy()
    return pd.concat([current[keep], new], ignore_index=True)


def stored_cases(store: Store, log_id: str, version: int | None = None) -> pd.DataFrame:
    """The canonical case table of a stored version (default the current one)."""
    return from_bytes(store.case_logs.payload(log_id, version))
