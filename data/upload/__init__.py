"""Uploading a data release: read a CSV/XLSX file, recognise its table, validate it, and commit it as a version.

The face is two steps with a person between them: `prepare(file, indicators=…, store=…)` reads and validates
without writing and returns an `Upload` whose `ValidationReport` lists every `Problem` by row and column in
Chinese and English; `commit(store, upload, actor=…)` stores a clean upload as the dataset's new current version.
`UploadOptions`, `Limits` and `Thresholds` tune the reading; `IndicatorSpec` (or `specs_from_units`) says which
indicators, units (any usual spelling of a unit is accepted: `values.SAME_UNIT`) and `Domain` of values an upload
may hold.
A file that cannot be used at all raises an `UploadError`.
Importing this package loads SQLAlchemy; openpyxl is imported where a workbook is read or a column named.
"""

from data.errors import UploadError, ValidationFailed
from data.upload.bounds import Domain
from data.upload.match import IndicatorSpec
from data.upload.pipeline import Upload, UploadOptions, commit, prepare, specs_from_units
from data.upload.read import Limits
from data.upload.validation import ERROR_CODES, WARNING_CODES, Problem, Thresholds, ValidationReport

__all__ = [
    "ERROR_CODES",
    "Domain",
    "WARNING_CODES",
    "IndicatorSpec",
    "Limits",
    "Problem",
    "Thresholds",
    "Upload",
    "UploadError",
    "UploadOptions",
    "ValidationFailed",
    "ValidationReport",
    "commit",
    "prepare",
    "specs_from_units",
]
