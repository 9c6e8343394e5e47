"""Turning the cells of a recognised table into canonical observations, logging every cell that cannot be read.

Each value cell becomes one record: its region, period and indicator come from key columns, from its column
header, or from what the user chose (in that order); its unit from a unit column, its header, the title
("单位：亿元", or the unit in brackets after an indicator named in the title) or the user's choice. A record with
any error is left out of the frame — errors block the commit anyway, and the report names each one by row and column.
A file that lacks a dimension (no indicator column, none chosen) is still read cell by cell, so every problem of
its cells is reported together with the missing dimension.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from common import periods
from common.text import Message, Text, clean
from data.datasets import datasets
from data.errors import UnrecognisedLayout
from data.loaders import COLUMNS
from data.store.versioning import KEY, empty_frame
from data.upload.layout import Column, Layout
from data.upload.match import IndicatorSpec, Matcher, region_name
from data.upload.validation import ProblemLog
from data.upload.values import parse_number, split_trailing_unit

PROGRESS_EVERY = 5_000
KEY_HINTS = {
    "indicator": Message("upload_hint.indicator"),
    "region": Message("upload_hint.region"),
    "period": Message("upload_hint.period"),
}
NOTE_PREFIXES = ("注", "说明", "资料来源", "数据来源", "来源", "note", "source", "*", "※")


@dataclass(frozen=True)
class Choices:
    """What the user chose for dimensions the file does not carry."""

    indicator_id: str | None = None
    region_code: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Normalised:
    """Canonical observations read from the file, and where each came from (row, column letter, header)."""

    frame: pd.DataFrame
    sources: pd.DataFrame  # aligned with frame: row, column, header
    records: int
    stated_indicator: str | None = None  # the indicator the title or a header names, when the file has no column


def _dataset_name(dataset_id: str) -> str | Text:
    meta = datasets().get(dataset_id)
    return Text.of(meta.title) if meta is not None else dataset_id


def _is_note(row: list) -> bool:
    """A footnote row: one filled cell whose text starts like a note (注：…, 资料来源：…, Source: …)."""
    cells = [v for v in row if v is not None]
    return len(cells) == 1 and isinstance(cells[0], str) and clean(cells[0]).casefold().startswith(NOTE_PREFIXES)


class _Reader:
    """Per-record resolution, with the log and the once-per-header checks kept together."""

    def __init__(self, layout: Layout, matcher: Matcher, log: ProblemLog, choices: Choices, dataset_id: str | None):
        self.layout, self.matcher, self.log, self.choices, self.dataset_id = layout, matcher, log, choices, dataset_id
        self.keys = {role: layout.key_column(role) for role in ("region", "period", "indicator", "unit")}
        self.header_row = layout.header_rows[-1] + 1
        self.reported: set[tuple] = set()
        self.title_indicator: str | None = None
        self.title_unit: str | None = layout.title_unit
        self.absent: set[str] = set()  # dimensions neither in the file nor chosen (reported once, as key_required)

    def once(self, key: tuple) -> bool:
        """True the first time `key` is seen: problems of a header or the title are reported once, not per cell."""
        if key in self.reported:
            return False
        self.reported.add(key)
        return True

    def add(self, code: str, at: int | None, col: Column | None, **fields: object) -> None:
        self.log.add(code, row=at, column=col.letter if col else None, header=col.header if col else None, **fields)

    def source(self, dim: str, row: list, column: Column, r: int) -> tuple[object, int, Column, bool] | None:
        """(cell, row number, column, whether it is a header) holding `dim` for this record; None if not in the file."""
        key = self.keys[dim]
        if key is not None:
            return row[key.index], r, key, False
        if dim in column.dims:
            return column.dims[dim], self.header_row, column, True
        return None

    def fresh(self, code: str, in_header: bool, column: Column, *extra: object) -> bool:
        """Report a cell's problem every time, a header's problem once."""
        return not in_header or self.once((code, column.index, *extra))

    def indicator(self, row: list, column: Column, r: int) -> tuple[IndicatorSpec | None, str | None]:
        found = self.source("indicator", row, column, r)
        if found is None:
            return self.matcher.specs.get(self.choices.indicator_id or self.title_indicator or ""), None
        cell, at, col, in_header = found
        if cell is None:
            self.add("missing_key", r, col, field=Message("upload.field.indicator"))
            return None, None
        match = self.matcher.indicator(cell)
        if match is None:
            if self.fresh("unknown_indicator", in_header, col):
                suggestions = self.matcher.indicator_suggestions(cell) if self.log.wants("unknown_indicator") else []
                self.add("unknown_indicator", at, col, value=cell, suggestions=suggestions)
            return None, None
        return self.matcher.specs[match[0]], match[1]

    def in_dataset(self, spec: IndicatorSpec, r: int, column: Column) -> bool:
        if self.dataset_id is None or spec.dataset is None or spec.dataset == self.dataset_id:
            return True
        if self.once(("wrong_dataset", spec.id)):
            expected, dataset = _dataset_name(spec.dataset), _dataset_name(self.dataset_id)
            self.add("wrong_dataset", r, column, indicator=spec.id, expected=expected, dataset=dataset)
        return False

    def region(self, row: list, column: Column, r: int) -> str | None:
        found = self.source("region", row, column, r)
        if found is None:
            return self.choices.region_code
        cell, at, col, in_header = found
        if cell is None:
            self.add("missing_key", r, col, field=Message("upload.field.region"))
            return None
        code = self.matcher.region(cell)
        if code is None and self.fresh("unknown_region", in_header, col):
            suggestions = self.matcher.region_suggestions(cell) if self.log.wants("unknown_region") else []
            self.add("unknown_region", at, col, value=cell, suggestions=suggestions)
        return code

    def period(self, row: list, column: Column, r: int, spec: IndicatorSpec | None) -> tuple[pd.Timestamp, str] | None:
        """The record's period; without `spec` (its indicator unknown) only whether it reads as a period at all."""
        found = self.source("period", row, column, r)
        if found is None and "period" in self.absent:
            return None
        cell, at, col, in_header = found if found is not None else (None, r, column, False)
        if cell is None:
            self.add("missing_key", r, col, field=Message("upload.field.period"))
            return None
        parsed = self.matcher.period(cell, spec.freq if spec else None)
        if parsed is None:
            if self.fresh("bad_period", in_header, col):
                self.add("bad_period", at, col, value=cell)
            return None
        if spec is not None and spec.freq and parsed[1] != spec.freq:
            if self.fresh("freq_mismatch", in_header, col, spec.id):
                self.add(
                    "freq_mismatch", at, col, value=cell, freq=periods.freq_name(parsed[1]), indicator=spec.id,
                    expected=periods.freq_name(spec.freq),
                )  # fmt: skip
            return None
        return parsed

    def unit_ok(self, row: list, column: Column, r: int, spec: IndicatorSpec, name_unit: str | None) -> bool:
        """Whether the unit stated for this value (cell, header, title or choice, first found) fits the indicator."""
        key = self.keys["unit"]
        candidates = [
            (row[key.index] if key is not None else None, r, key, "cell"),
            (column.unit or name_unit, self.header_row, column, "header"),
            (self.title_unit, self.layout.header_rows[0], None, "title"),
            (self.choices.unit, None, None, "choice"),
        ]
        unit, at, col, source = next((c for c in candidates if c[0] is not None), (None,) * 4)
        if unit is None:
            if spec.units and self.once(("no_unit", spec.id)):
                self.add("no_unit", None, None, indicator=spec.id, expected=spec.unit_label())
            return True
        if spec.accepts_unit(str(unit)):
            return True
        if source == "cell" or self.once(("unit_mismatch", spec.id, str(unit), source)):
            self.add("unit_mismatch", at, col, value=unit, indicator=spec.id, expected=spec.unit_label())
        return False


def normalise(
    rows: list[list],
    layout: Layout,
    matcher: Matcher,
    log: ProblemLog,
    choices: Choices,
    dataset_id: str | None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Normalised:
    """Read every value cell of the table; problems go to `log`; `progress("parse", row, rows)` as it goes."""
    if layout.kind == "long" and layout.key_column("value") is None:
        raise UnrecognisedLayout([c.header for c in layout.columns if c.header])
    reader = _Reader(layout, matcher, log, choices, dataset_id)
    _check_structure(layout, log, reader, matcher, choices)
    _header_problems(layout, log)

    out: list[tuple] = []
    records, missing, data_rows = 0, [], 0
    if layout.kind == "long":
        data_columns = [layout.key_column("value")]
    else:
        data_columns = [c for c in layout.columns if c.role == "data" and c.index not in layout.unrecognised]
    for i in range(layout.data_start, len(rows)):
        row, r = rows[i], i + 1
        if progress and (i - layout.data_start) % PROGRESS_EVERY == 0:
            progress("parse", i, len(rows))
        if all(v is None for v in row):
            continue
        if _is_note(row):
            log.add("footnote_skipped", row=r, value=next(v for v in row if v is not None))
            continue
        data_rows += 1
        for column in data_columns:
            records += 1
            spec, name_unit = reader.indicator(row, column, r)
            region = reader.region(row, column, r)
            if spec is None:  # no indicator, or an unknown one: still say what else is wrong with the record
                reader.period(row, column, r, None)
                _value(row[column.index], r, column, None, log)
                continue
            if not reader.in_dataset(spec, r, column):
                continue
            period = reader.period(row, column, r, spec)
            unit_ok = reader.unit_ok(row, column, r, spec, name_unit)
            value = _value(row[column.index], r, column, spec, log)
            if region is None or period is None or not unit_ok or value is None:
                continue
            if value != value:
                missing.append((r, column))
            out.append((spec.id, region, period[0], period[1], value, r, column.letter, column.header))
    if progress:
        progress("parse", len(rows), len(rows))
    if data_rows == 0:
        log.add("no_data_rows", row=layout.header_rows[-1] + 1)
    if missing:
        log.add(
            "missing_values",
            row=missing[0][0],
            column=missing[0][1].letter,
            header=missing[0][1].header,
            count=len(missing),
        )
    table = pd.DataFrame(out, columns=[*COLUMNS, "row", "column", "header"])
    _check_duplicates(table, log, matcher)
    table = table.sort_values(KEY, kind="stable", ignore_index=True) if len(table) else table
    frame = table[COLUMNS] if len(table) else empty_frame()
    if len(table):
        frame = frame.astype({"period": "datetime64[ns]", "value": "float64"})
    return Normalised(frame, table[["row", "column", "header"]], records, reader.title_indicator)


def _header_problems(layout: Layout, log: ProblemLog) -> None:
    """Headers that cannot be read: unrecognised, empty over data (merged cells), or repeated."""
    at = layout.header_rows[-1] + 1
    expected = {"wide_periods": "period", "wide_regions": "region"}.get(layout.kind, "indicator")
    for j in layout.unrecognised:
        column = layout.columns[j]
        log.add(
            "unrecognised_header",
            row=at,
            column=column.letter,
            value=column.header,
            expected=Message(f"upload.field.{expected}"),
        )
    for j in layout.empty_headers:
        log.add("empty_header", row=at, column=layout.columns[j].letter)
    for first, second in layout.duplicate_headers:
        column, other = layout.columns[second], layout.columns[first]
        log.add("duplicate_header", row=at, column=column.letter, value=column.header, other=other.letter)


def _value(cell: object, r: int, column: Column, spec: IndicatorSpec | None, log: ProblemLog) -> float | None:
    """The number in a value cell (NaN for a stated gap), or None after logging why it is not one; without `spec`
    (the indicator is unknown) a percent sign is not judged."""
    number = parse_number(cell)
    status = number.status
    if spec is not None and status == "percent" and not spec.accepts_unit("%") and spec.units:
        log.add(
            "percent_sign",
            row=r,
            column=column.letter,
            header=column.header,
            value=cell,
            indicator=spec.id,
            expected=spec.unit_label(),
        )
        return None
    if status in ("ok", "percent", "missing"):
        return number.value
    code = {"formula": "formula_cell", "excel_error": "excel_error", "non_finite": "non_finite_number"}.get(
        status, "not_a_number"
    )
    log.add(code, row=r, column=column.letter, header=column.header, value=cell)
    return None


def _check_structure(layout: Layout, log: ProblemLog, reader: _Reader, matcher: Matcher, choices: Choices) -> None:
    """Every record needs a region, a period and an indicator: from the file, the user, or (indicator) the title."""
    provided = layout.dimensions()
    if "indicator" not in provided and choices.indicator_id is None:
        stated = _stated_indicator(layout, matcher)
        if stated is not None:
            reader.title_indicator, unit, row, column, text = stated
            reader.title_unit = reader.title_unit or unit
            log.add("indicator_from_title", row=row, column=column, value=text, indicator=reader.title_indicator)
    chosen = {
        "indicator": choices.indicator_id or reader.title_indicator,
        "region": choices.region_code,
        "period": None,
    }
    for dim in ("region", "period", "indicator"):
        if dim not in provided and chosen[dim] is None:
            reader.absent.add(dim)
            log.add("key_required", field=Message(f"upload.field.{dim}"), hint=KEY_HINTS[dim])
    if chosen["indicator"] and chosen["indicator"] not in matcher.specs and "indicator" not in provided:
        log.add(
            "unknown_indicator",
            value=chosen["indicator"],
            suggestions=matcher.indicator_suggestions(chosen["indicator"]),
        )


def _stated_indicator(layout: Layout, matcher: Matcher) -> tuple[str, str | None, int, str | None, str] | None:
    """(indicator id, unit, row, column letter, text) of the indicator a header cell or the title names: a key
    column headed "地区生产总值（亿元）" over its regions, or a title line "2024年分省地区生产总值（亿元）"."""
    if layout.named_indicator:
        column = layout.columns[layout.named_indicator[0]]
        found = matcher.indicator(column.header)
        if found is not None:
            return found[0], found[1], layout.header_rows[0] + 1, column.letter, column.header
    if not layout.title:
        return None
    found = matcher.indicator_in_title(layout.title)
    if found is None:
        return None
    unit = split_trailing_unit(layout.title)[1]
    if unit is not None and re.search(r"\d{4}", unit):
        unit = None  # "（2020—2024年）" is a span of years, not a unit
    return found[0], unit, layout.header_rows[0], None, layout.title


def _check_duplicates(table: pd.DataFrame, log: ProblemLog, matcher: Matcher) -> None:
    if table.empty:
        return
    dup = table.duplicated(KEY, keep=False)
    if not dup.any():
        return
    first_rows = table[dup].groupby(KEY, sort=False)["row"].transform("first")
    for idx in table.index[table.duplicated(KEY, keep="first")]:
        rec = table.loc[idx]
        log.add(
            "duplicate_key",
            row=int(rec["row"]),
            column=rec["column"],
            header=rec["header"],
            value=rec["value"] if rec["value"] == rec["value"] else "",
            indicator=rec["indicator_id"],
            region=region_name(matcher.registry, rec["region_code"]),
            period=periods.label(rec["period"], rec["freq"]),
            first_row=int(first_rows[idx]),
        )
    table.drop(table.index[table.duplicated(KEY, keep="first")], inplace=True)
