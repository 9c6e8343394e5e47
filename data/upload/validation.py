"""The validation report of an upload: problems by row and column, in Chinese and English.

Errors (unknown region, unreadable number, duplicate key…) block the commit. Warnings do not: they ask a
person to look (a value far from the series' history, a large revision of a stored value, a missing period).
One problem is one message: the same problem met in several cells (an unknown region whose row has five value
cells, one misspelt name in many rows) is listed once, naming every cell it touches. Every problem is counted;
details are kept for the first `Thresholds.max_details` of each code so a file with 100 000 bad cells still gives a
report a page can show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from common.text import both
from data.store.versioning import DiffSummary

ERROR, WARNING = "error", "warning"
ERROR_CODES = frozenset(
    {
        "unknown_region", "bad_period", "freq_mismatch", "not_a_number", "formula_cell", "excel_error",
        "percent_sign", "unit_mismatch", "unknown_indicator", "wrong_dataset", "missing_key", "key_required",
        "duplicate_key", "empty_header", "duplicate_header", "unrecognised_header", "no_data_rows",
        "non_finite_number", "outside_domain", "region_outside_geography", "region_levels_mixed",
    }
)  # fmt: skip
WARNING_CODES = frozenset(
    {
        "no_unit", "indicator_from_title", "outlier", "large_revision", "missing_period", "gap_kept",
        "missing_values", "footnote_skipped", "probable_revision",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Thresholds:
    """When a warning is raised, and how many details a report keeps."""

    revision: float = 0.05  # relative change of a stored value worth a warning (5 %)
    outlier_sd: float = 6.0  # distance from the usual period-on-period change, in robust standard deviations
    outlier_min_history: int = 5  # changes needed in the stored series before judging one
    outlier_window: int = 20  # most recent stored changes that define "usual"
    max_details: int = 200  # problems listed per code; all are counted
    max_cells: int = 50  # cells named per problem; all are counted


@dataclass(frozen=True)
class Problem:
    """One problem: where (row as numbered in the file, column letter and header of its first cell, and every cell
    it touches), the value, and why."""

    severity: str  # error | warning
    code: str
    row: int | None
    column: str | None
    header: str | None
    value: str | None
    message_zh: str
    message_en: str
    cells: tuple[str, ...] = ()  # "A3", "A7" (or "3" for a whole row); the first `max_cells`, in file order
    cell_count: int = 0  # every cell, including those beyond the listed ones

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class ValidationReport:
    """All problems of an upload, errors apart from warnings, and what a commit would change."""

    problems: tuple[Problem, ...]
    counts: dict[str, int]  # every occurrence by code, including those beyond max_details
    rows_read: int = 0
    records: int = 0  # values read from the file (cells in a wide table, rows in a long one)
    layout: str = ""
    diff: DiffSummary | None = None  # against the current version, when the upload is valid

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def error_count(self) -> int:
        return sum(n for code, n in self.counts.items() if code in ERROR_CODES)

    @property
    def warning_count(self) -> int:
        return sum(n for code, n in self.counts.items() if code in WARNING_CODES)

    @property
    def ok(self) -> bool:
        """True when nothing blocks the commit."""
        return self.error_count == 0

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per listed problem (errors first): severity, code, row, column, cells, header, value, message."""
        rows = [
            {
                "severity": p.severity,
                "code": p.code,
                "row": p.row,
                "column": p.column,
                "cells": cell_list(p, lang),
                "header": p.header,
                "value": p.value,
                "message": p.message(lang),
            }
            for p in sorted(self.problems, key=lambda p: (p.severity != ERROR, p.row or 0))
        ]
        frame = pd.DataFrame(rows, columns=["severity", "code", "row", "column", "cells", "header", "value", "message"])
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def summary(self) -> dict:
        """A JSON-able summary, stored with the committed version."""
        return {
            "errors": self.error_count,
            "warnings": self.warning_count,
            "by_code": dict(sorted(self.counts.items())),
            "rows_read": self.rows_read,
            "records": self.records,
            "layout": self.layout,
        }


def cell_list(problem: Problem, lang: str) -> str:
    """The cells a problem touches as text: "A3、A7" (or "A3, A7"; a whole row as "第 1 行" / "row 1"), with
    "… (+n)" when more than are listed."""
    joiner = "、" if lang == "zh" else ", "
    row = "第 {} 行" if lang == "zh" else "row {}"
    text = joiner.join(row.format(c) if c.isdigit() else c for c in problem.cells)  # a whole row: a title line
    more = problem.cell_count - len(problem.cells)
    return f"{text}{joiner}… (+{more:,})" if more > 0 else text


def _cell_name(row: int | None, column: str | None) -> str | None:
    if column is not None and row is not None:
        return f"{column}{row}"
    return None if row is None else str(row)


def _cell_order(name: str) -> tuple[int, int]:
    from openpyxl.utils import column_index_from_string  # imported on use: see data/upload/xlsx.py

    letters = name.rstrip("0123456789")
    digits = name[len(letters) :]
    return int(digits or 0), column_index_from_string(letters) if letters else 0


class _Entry:
    """One listed problem while the log grows: its first place, its message and the cells it touches."""

    __slots__ = ("severity", "code", "row", "column", "headers", "value", "zh", "en", "cells", "more", "last")

    def __init__(self, severity, code, row, column, header, value, zh, en):
        self.severity, self.code, self.row, self.column, self.value = severity, code, row, column, value
        self.headers = {header} if header is not None else set()
        self.zh, self.en = zh, en
        self.cells: dict[str, None] = {}  # the first cells, in the order met
        self.more = 0  # cells met beyond those kept
        self.last: str | None = None

    def touch(self, cell: str, keep: int) -> None:
        if cell == self.last or cell in self.cells:
            return  # the same key cell met again for the next value cell of its row
        self.last = cell
        if len(self.cells) < keep:
            self.cells[cell] = None
        else:
            self.more += 1

    def problem(self, max_cells: int) -> Problem:
        cells = sorted(self.cells, key=_cell_order)
        header = next(iter(self.headers)) if len(self.headers) == 1 else None
        return Problem(
            self.severity, self.code, self.row, self.column, header, self.value, self.zh, self.en,
            tuple(cells[:max_cells]), len(cells) + self.more,
        )  # fmt: skip


class ProblemLog:
    """Collects problems while an upload is read, one per distinct problem with every cell it touches, counting all
    and keeping details up to a cap per code.

    Args:
        max_details: problems listed per code.
        names: display names of indicator ids ({zh, en}): an ``indicator`` field given as an id is shown by name.
        max_cells: cells named per problem.
    """

    def __init__(
        self,
        max_details: int = Thresholds.max_details,
        names: Mapping[str, object] | None = None,
        max_cells: int = Thresholds.max_cells,
    ):
        self.max_details, self.max_cells = max_details, max_cells
        self.names = dict(names or {})
        self.entries: dict[tuple, _Entry | None] = {}  # None: counted but beyond max_details
        self.counts: Counter[str] = Counter()

    def add(
        self,
        code: str,
        *,
        row: int | None = None,
        column: str | None = None,
        header: object = None,
        value: object = None,
        **fields: object,
    ) -> None:
        """Record one problem in one cell; the same problem (code, value and message fields) in another cell adds
        that cell to the problem already listed. `value` also fills the message's {value} placeholder."""
        severity = ERROR if code in ERROR_CODES else WARNING
        if code not in ERROR_CODES | WARNING_CODES:
            raise KeyError(f"unknown problem code {code!r}")
        indicator = fields.get("indicator")
        if isinstance(indicator, str) and indicator in self.names:
            fields["indicator"] = self.names[indicator]
        shown = None if value is None else str(value)
        # Suggestions follow from the value (and are computed only while listed): not part of what the problem is.
        key = (code, shown, repr(sorted((k, v) for k, v in fields.items() if k != "suggestions")))
        if key not in self.entries:
            self.counts[code] += 1
            self.entries[key] = None
            if self.counts[code] <= self.max_details:
                zh, en = both(f"upload.{code}", **{"value": shown or "", "row": row, "column": column, **fields})
                header_text = None if header is None else str(header)
                self.entries[key] = _Entry(severity, code, row, column, header_text, shown, zh, en)
        entry = self.entries[key]
        if entry is None:
            return
        if header is not None:
            entry.headers.add(str(header))
        cell = _cell_name(row, column)
        if cell is not None:
            entry.touch(cell, self.max_cells)

    def wants(self, code: str) -> bool:
        """Whether the next problem of `code` will be listed (so costly message details are worth computing)."""
        return self.counts[code] < self.max_details

    @property
    def problems(self) -> list[Problem]:
        return [e.problem(self.max_cells) for e in self.entries.values() if e is not None]

    @property
    def error_count(self) -> int:
        return sum(n for code, n in self.counts.items() if code in ERROR_CODES)

    def report(self, **meta) -> ValidationReport:
        return ValidationReport(problems=tuple(self.problems), counts=dict(self.counts), **meta)
