"""The validation report of an upload: problems by row and column, in Chinese and English.

Errors (unknown region, unreadable number, duplicate key…) block the commit. Warnings do not: they ask a
person to look (a value far from the series' history, a large revision of a stored value, a missing period).
Every problem is counted; details are kept for the first `Thresholds.max_details` of each code so a file with
100 000 bad cells still gives a report a page can show.
"""

from __future__ import annotations

from collections import Counter
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
        "non_finite_number", "outside_domain", "region_outside_geography",
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


@dataclass(frozen=True)
class Problem:
    """One problem: where (row as numbered in the file, column letter and header), the value, and why."""

    severity: str  # error | warning
    code: str
    row: int | None
    column: str | None
    header: str | None
    value: str | None
    message_zh: str
    message_en: str

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
        """One row per listed problem (errors first): severity, code, row, column, header, value, message."""
        rows = [
            {
                "severity": p.severity,
                "code": p.code,
                "row": p.row,
                "column": p.column,
                "header": p.header,
                "value": p.value,
                "message": p.message(lang),
            }
            for p in sorted(self.problems, key=lambda p: (p.severity != ERROR, p.row or 0))
        ]
        frame = pd.DataFrame(rows, columns=["severity", "code", "row", "column", "header", "value", "message"])
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


class ProblemLog:
    """Collects problems while an upload is read, counting all and keeping details up to a cap per code."""

    def __init__(self, max_details: int = Thresholds.max_details):
        self.max_details = max_details
        self.problems: list[Problem] = []
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
        """Record one problem; `value` also fills the message's {value} placeholder."""
        severity = ERROR if code in ERROR_CODES else WARNING
        if code not in ERROR_CODES | WARNING_CODES:
            raise KeyError(f"unknown problem code {code!r}")
        self.counts[code] += 1
        if self.counts[code] > self.max_details:
            return
        shown = None if value is None else str(value)
        zh, en = both(f"upload.{code}", **{"value": shown or "", "row": row, "column": column, **fields})
        header_text = None if header is None else str(header)
        self.problems.append(Problem(severity, code, row, column, header_text, shown, zh, en))

    def wants(self, code: str) -> bool:
        """Whether the next problem of `code` will be listed (so costly message details are worth computing)."""
        return self.counts[code] < self.max_details

    @property
    def error_count(self) -> int:
        return sum(n for code, n in self.counts.items() if code in ERROR_CODES)

    def report(self, **meta) -> ValidationReport:
        return ValidationReport(problems=tuple(self.problems), counts=dict(self.counts), **meta)
