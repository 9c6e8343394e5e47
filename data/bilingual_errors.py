"""Named failures of the store and the upload library, each carrying a Chinese and an English message.

A page shows `exc.message(lang)`; `str(exc)` is the English text, for logs. `exc.code` names the failure and
`exc.fields` keeps the values the message was built from, so tests and pages need not parse text.
"""

from __future__ import annotations

from data.errors import DataError
from data.messages import render

MB = 1024 * 1024


def human_size(n_bytes: int) -> str:
    """1536 → '1.5 KB'; sizes in messages are for people."""
    for unit, factor in (("GB", MB * 1024), ("MB", MB), ("KB", 1024)):
        if n_bytes >= factor:
            return f"{n_bytes / factor:.1f} {unit}"
    return f"{n_bytes} B"


class BilingualError(DataError):
    """A data failure with its message in Chinese and English."""

    code = "error"

    def __init__(self, **fields: object):
        self.fields = fields
        self.message_zh, self.message_en = render(self.code, **fields)
        super().__init__(self.message_en)

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def __str__(self) -> str:
        return self.message_en


# --- the uploaded file as a whole ------------------------------------------------------------------------------


class UploadError(BilingualError):
    """The uploaded file cannot be used at all (nothing cell-level to report)."""


class FileTooLarge(UploadError):
    code = "file_too_large"

    def __init__(self, size: int, limit: int):
        super().__init__(size=human_size(size), limit=human_size(limit))


class TooManyRows(UploadError):
    code = "too_many_rows"

    def __init__(self, limit: int):
        super().__init__(limit=f"{limit:,}")


class EmptyFile(UploadError):
    code = "empty_file"


class UnreadableEncoding(UploadError):
    code = "unreadable_encoding"


class UnsupportedEncoding(UploadError):
    code = "unsupported_encoding"

    def __init__(self, encoding: str):
        super().__init__(encoding=encoding)


class UnsupportedFileType(UploadError):
    code = "unsupported_file_type"

    def __init__(self, kind: str):
        super().__init__(kind=kind)


class UnreadableFile(UploadError):
    code = "unreadable_file"

    def __init__(self, detail: str):
        super().__init__(detail=detail)


class WrongSheet(UploadError):
    code = "wrong_sheet"

    def __init__(self, sheet: str | int, sheets: list[str]):
        super().__init__(sheet=sheet, sheets=sheets)


class NoHeader(UploadError):
    code = "no_header"

    def __init__(self, rows: int):
        super().__init__(rows=rows)


class UnrecognisedLayout(UploadError):
    code = "unrecognised_layout"

    def __init__(self, headers: list[str]):
        super().__init__(headers=headers[:8])


class BadLayoutOption(UploadError):
    code = "bad_layout_option"

    def __init__(self, value: str, choices: list[str]):
        super().__init__(value=value, choices=choices)


class DatasetRequired(UploadError):
    code = "dataset_required"

    def __init__(self, datasets: list[str]):
        super().__init__(datasets=datasets)


class ValidationFailed(UploadError):
    """Commit refused: the validation report has errors."""

    code = "validation_failed"

    def __init__(self, errors: int):
        super().__init__(errors=errors)


# --- the store ------------------------------------------------------------------------------------------------


class StoreError(BilingualError):
    """A store operation was refused; nothing was written."""


class StaleVersion(StoreError):
    """Someone committed or rolled back between validation and commit."""

    code = "stale_version"

    def __init__(self, dataset: str, current: int | None, base: int | None):
        super().__init__(dataset=dataset, current=current or 0, base=base or 0)


class NothingToCommit(StoreError):
    code = "nothing_to_commit"

    def __init__(self, dataset: str, version: int):
        super().__init__(dataset=dataset, version=version)


class UnknownVersion(StoreError, KeyError):
    code = "unknown_version"

    def __init__(self, dataset: str, version: int, versions: list[int]):
        super().__init__(dataset=dataset, version=version, versions=[f"v{v}" for v in versions])


class UnknownStoredDataset(StoreError, KeyError):
    code = "unknown_stored_dataset"

    def __init__(self, dataset: str):
        super().__init__(dataset=dataset)


class ObjectNotFound(StoreError, KeyError):
    code = "object_not_found"

    def __init__(self, kind: str, name: str):
        super().__init__(kind=kind, name=name)
