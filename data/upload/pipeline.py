"""Uploading a data release: read → recognise the table → normalise → validate → (a person reads the report) → commit.

    upload = prepare(file, indicators=specs, dataset_id="cn_prov_panel", store=store)
    upload.report.ok, upload.report.to_frame("zh"), upload.report.diff   # show these
    commit(store, upload, actor=actor, note="2023 年鉴")                # only when report.ok

`prepare` raises a named `UploadError` (bilingual) when the file cannot be used at all, and otherwise
returns an `Upload` whose report lists every problem by row and column. It never writes data; given the acting
user it checks they may upload (steward) and records the prepared upload in the audit trail. `commit` is the
store's commit: checked and audited there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from data.access import Actor
from data.errors import DatasetRequired, ValidationFailed
from data.store import Store, VersionInfo
from data.store.audit import authorised
from data.store.versioning import KEY, DiffSummary, diff_frames, empty_frame, merge_upload
from data.upload.bounds import check_domains, dataset_kinds, place_regions
from data.upload.checks import check_against_history
from data.upload.layout import Layout, detect_layout
from data.upload.levels import check_levels, prefer_cities
from data.upload.match import IndicatorSpec, Matcher
from data.upload.normalise import Choices, normalise
from data.upload.read import Limits, RawTable, read_upload
from data.upload.validation import ProblemLog, Thresholds, ValidationReport

Progress = Callable[[str, int, int], None]  # (stage, done, total); stages: read, parse, validate, write


@dataclass(frozen=True)
class UploadOptions:
    """The user's choices for reading a file; all optional.

    Args:
        sheet: XLSX sheet name or 0-based index (default the first).
        layout: "long", "wide_periods", "wide_regions" or "wide_indicators" to override recognition.
        indicator_id: the indicator, when the file has no indicator column or header.
        region: the region (any spelling the registry knows), when the file has no region column or header.
        unit: the unit of the values, when the file does not state it.
        mode: "merge" (lay the upload over the current version) or "replace" (the upload is the whole dataset).
    """

    sheet: str | int | None = None
    layout: str | None = None
    indicator_id: str | None = None
    region: str | None = None
    unit: str | None = None
    mode: str = "merge"
    limits: Limits = field(default_factory=Limits)
    thresholds: Thresholds = field(default_factory=Thresholds)


@dataclass(frozen=True)
class Upload:
    """A read and validated upload, ready to show and, if its report is clean, to commit."""

    raw: RawTable
    layout: Layout
    frame: pd.DataFrame  # canonical observations read without error
    sources: pd.DataFrame  # per frame row: row number, column letter and header in the file
    report: ValidationReport
    dataset_id: str | None
    base_version: int | None  # the current version the report was computed against
    mode: str
    stated_indicator: str | None = None  # the indicator the file's title or a header names (when it has no column)
    changes: pd.DataFrame = field(default_factory=lambda: changed_values(empty_frame(), empty_frame(), empty_frame()))

    @property
    def ok(self) -> bool:
        return self.report.ok

    def preview(self, rows: int = 30) -> pd.DataFrame:
        """The top of the file as read (text), indexed by row number with column letters, for display."""
        grid = self.raw.rows[:rows]
        width = len(grid[0]) if grid else 0
        from openpyxl.utils import get_column_letter  # imported on use: see data/upload/xlsx.py

        letters = [get_column_letter(self.raw.column_offset + j + 1) for j in range(width)]
        frame = pd.DataFrame(grid, columns=letters)
        frame.index = range(1, len(frame) + 1)
        return frame.astype("string").fillna("")


def specs_from_units(
    indicator_units: Mapping[str, Iterable[str]],
    *,
    names: Mapping[str, Iterable[str]] | None = None,
    freqs: Mapping[str, str] | None = None,
    datasets: Mapping[str, str] | None = None,
) -> list[IndicatorSpec]:
    """IndicatorSpecs from plain mappings keyed by indicator id (units required, the rest optional)."""
    names, freqs, datasets = names or {}, freqs or {}, datasets or {}
    return [
        IndicatorSpec(i, frozenset(units), frozenset(names.get(i, ())), freqs.get(i), datasets.get(i))
        for i, units in indicator_units.items()
    ]


def changed_values(
    frame: pd.DataFrame, sources: pd.DataFrame, history: pd.DataFrame, mode: str = "merge"
) -> pd.DataFrame:
    """The stored values the upload changes, one row per value: its key, the old and the new value, and the cell it
    came from (row, column). A gap in the file over a stored value changes it only in replace mode (merge keeps it)."""
    columns = [*KEY, "freq", "old", "new", "row", "column"]
    if frame.empty or history.empty:
        return pd.DataFrame(columns=columns)
    stored = history[[*KEY, "value"]].rename(columns={"value": "old"})
    located = frame.join(sources[["row", "column"]]).rename(columns={"value": "new"})
    both = located.merge(stored, on=KEY, how="inner")
    changed = both["new"].notna() & (both["old"].isna() | (both["new"] != both["old"]))
    if mode == "replace":
        changed |= both["new"].isna() & both["old"].notna()
    return both.loc[changed, columns].sort_values(["row", "column"], kind="stable", ignore_index=True)


def _infer_dataset(frame: pd.DataFrame, matcher: Matcher) -> str | None:
    found = {matcher.specs[i].dataset for i in frame["indicator_id"].unique()} - {None}
    if len(found) > 1 or (not found and len(frame)):
        raise DatasetRequired(sorted(found))
    return found.pop() if found else None


def prepare(
    source: bytes | str | Path | BinaryIO,
    file_name: str | None = None,
    *,
    indicators: Iterable[IndicatorSpec],
    dataset_id: str | None = None,
    store: Store | None = None,
    options: UploadOptions | None = None,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> Upload:
    """Read, recognise, normalise and validate an uploaded file; nothing is written.

    Args:
        source: the file (bytes, path or binary file object such as Streamlit's UploadedFile).
        indicators: the indicators an upload may contain, with their units (from the indicator catalogue).
        dataset_id: where the upload goes; default the one dataset its indicators belong to.
        store: for warnings against stored values and the diff against the current version.
        actor: the user uploading; with a store, they must be a steward and the upload is audited
            (upload.prepare: file name, rows, errors and warnings).

    Raises:
        AccessDenied: the actor may not upload (recorded as denied; the file is not read).
        UploadError (FileTooLarge, EmptyFile, TooManyRows, TooMuchContent, UnreadableEncoding, UnsupportedEncoding,
        UnsupportedFileType, UnreadableFile, DamagedFile, WrongSheet, NoHeader, UnrecognisedLayout, BadLayoutOption,
        DatasetRequired), UnknownRegion (options.region not in the registry), ValueError (unknown mode).
    """
    options = options or UploadOptions()
    if options.mode not in ("merge", "replace"):
        raise ValueError(f"mode must be 'merge' or 'replace'; got {options.mode!r}")
    if actor is not None and store is not None:
        with authorised(store.engine, actor, "upload.prepare", file_name or ""):
            upload = prepare(
                source,
                file_name,
                indicators=indicators,
                dataset_id=dataset_id,
                store=store,
                options=options,
                progress=progress,
            )
        summary = f"{upload.raw.file_name}: {upload.report.error_count} errors, {upload.report.warning_count} warnings"
        store.audit.record(actor, "upload.prepare", "ok", upload.dataset_id or "", detail=summary)
        return upload
    raw = read_upload(source, file_name, sheet=options.sheet, limits=options.limits, progress=progress)
    matcher = Matcher(indicators)
    layout = detect_layout(raw.rows, matcher, options.layout, raw.column_offset)
    region = matcher.registry.resolve(options.region).code if options.region else None
    names = {spec.id: spec.name() for spec in matcher.specs.values()}
    log = ProblemLog(options.thresholds.max_details, names, options.thresholds.max_cells)
    choices = Choices(options.indicator_id, region, options.unit)
    read = normalise(raw.rows, layout, matcher, log, choices, dataset_id, progress)
    if prefer_cities(matcher):  # 吉林 in a table of Jilin's cities is the city: read again with that reading
        log = ProblemLog(options.thresholds.max_details, names, options.thresholds.max_cells)
        read = normalise(raw.rows, layout, matcher, log, choices, dataset_id, progress)
    check_levels(read.frame, read.sources, matcher.registry, log)
    for row, text in raw.notes:  # stray notes far below the table (the grid stops at the table)
        log.add("footnote_skipped", row=row, value=text)
    dataset_id = dataset_id or _infer_dataset(read.frame, matcher)
    if progress:
        progress("validate", 0, 1)
    base_version, history = None, empty_frame()
    if store is not None and dataset_id is not None:
        base_version = store.current_version(dataset_id)
        if base_version is not None:
            history = store.version_observations(dataset_id, base_version)
    kinds = dataset_kinds(history, matcher.registry)
    frame, sources = place_regions(read.frame, read.sources, kinds, matcher.registry, log)
    check_domains(frame, sources, {s.id: s.domain for s in matcher.specs.values() if s.domain}, log)
    levels = frozenset(spec.id for spec in matcher.specs.values() if spec.level)
    check_against_history(frame, sources, history, log, options.thresholds, options.mode, levels)
    diff, changes = None, changed_values(frame, sources, history, options.mode)
    if log.error_count == 0 and dataset_id is not None:
        merged = merge_upload(history, frame)[0] if options.mode == "merge" else frame
        diff = diff_frames(history, merged) if base_version is not None else DiffSummary(added=len(frame))
    report = log.report(rows_read=len(raw.rows), records=read.records, layout=layout.kind, diff=diff)
    if progress:
        progress("validate", 1, 1)
    return Upload(
        raw, layout, frame, sources, report, dataset_id, base_version, options.mode, read.stated_indicator, changes
    )


def commit(
    store: Store, upload: Upload, *, actor: Actor, note: str = "", progress: Progress | None = None
) -> VersionInfo:
    """Store a validated upload as the new current version of its dataset, in one transaction (audited).

    Raises:
        AccessDenied: the actor is not a steward (nothing is written; recorded as denied).
        ValidationFailed: the report has errors (nothing is written).
        StaleVersion: another version became current since `prepare`; prepare it again.
        NothingToCommit: the upload changes nothing.
    """
    with authorised(store.engine, actor, "upload.commit", upload.dataset_id or upload.raw.file_name):
        if not upload.report.ok or upload.dataset_id is None:
            raise ValidationFailed(max(upload.report.error_count, 1))
    return store.commit(
        upload.dataset_id,
        upload.frame,
        actor=actor,
        file_name=upload.raw.file_name,
        checksum=upload.raw.checksum,
        summary=upload.report.summary(),
        note=note,
        mode=upload.mode,
        base_version=upload.base_version,
        progress=progress,
    )
