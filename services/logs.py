"""Imported case logs in the store: a converted export stored as a log's next version, and a version read back as
the canonical case table. The store keeps bytes (`data.store.case_logs`); the case columns are known here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd

from common.text import render
from data.access import Actor
from data.regions import region_registry
from data.store import Figures, LogVersion, Store
from data.upload.read import RawTable
from services.areas import with_area_codes
from services.cases import from_bytes, to_bytes
from services.importer import ImportReport
from services.indicators import monthly_observations, partial_months

LANGS = ("zh", "en")


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
    region: str,
    citation: str = "",
    licence: str = "",
    source: str | None = None,
    base_version: int | None | object = ...,
    merge: bool = False,
) -> LogVersion:
    """Store the cases of a clean report as the log's next version, remembering the mapping (and `region`) for
    `source`, and its monthly figures as catalogue indicators of `region` in the same transaction (`log_figures`).

    With `merge` the version is the current one with the file's cases laid over it (a case id already there takes
    the file's row, new ids are added): an export split into parts, or a month's new cases, build one log.

    Args:
        region: the registry code of the region the log covers (a province, city, country or jurisdiction).
        citation, licence: the office's citation of the log and its terms (default: the title; "not stated").

    Raises:
        NotImportable: the report has errors (nothing is written).
        UnknownRegion: `region` is not a region of the registry (nothing is written).
        AccessDenied, StaleVersion, StoreBusy (see `CaseLogs.commit`).
    """
    if not report.ok:
        raise NotImportable(f"the report of {table.file_name!r} has errors; nothing is stored")
    registry = region_registry()
    region = registry.resolve(region).code  # UnknownRegion before anything is written
    kept = {name: header for name, header in mapping.items() if header}
    cases = report.cases
    if merge and log_id in {s.id for s in store.case_logs.logs()}:
        cases = merged(stored_cases(store, log_id), cases)
    cases = with_area_codes(cases, region, registry)  # the cities of a province, the provinces of the country
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
        figures=log_figures(cases, title, region, actor=actor, citation=citation, licence=licence),
    )


def log_figures(
    cases: pd.DataFrame, title: str, region: str, *, actor: Actor, citation: str = "", licence: str = ""
) -> Figures:
    """A log's monthly figures as a dataset version: every indicator of `services.indicators.INDICATORS` per whole
    month for `region`, titled after the log, citing the office (`citation`, default the log's title) and recording
    its origin (imported by whom, when), licence, region and the part months left out."""
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    cited = citation.strip() or title
    stated = licence.strip()
    summary = {
        "region": region,
        "citation": {lang: cited for lang in LANGS},
        "licence": {lang: stated or render("services.licence_unstated", lang) for lang in LANGS},
        "origin": {lang: render("services.log_origin", lang, by=actor.user, date=today) for lang in LANGS},
        "partial_months": [m.strftime("%Y-%m") for m in partial_months(cases)],
    }
    dataset_title = {lang: render("services.log_dataset_title", lang, title=title) for lang in LANGS}
    return Figures(monthly_observations(cases, region), dataset_title, summary)


def merged(current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """`current` with `new` laid over it by case id: rows of ids in `new` replaced, new ids added after."""
    keep = ~current["case_id"].isin(new["case_id"]).fillna(False).to_numpy()
    return pd.concat([current[keep], new], ignore_index=True)


def stored_cases(store: Store, log_id: str, version: int | None = None) -> pd.DataFrame:
    """The canonical case table of a stored version (default the current one)."""
    return from_bytes(store.case_logs.payload(log_id, version))
