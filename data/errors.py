"""Every error of the data layer, in one hierarchy, each with its message in Chinese and English.

A page shows `err.message(lang)`; `str(err)` is the English text, for logs. `err.code` names the failure (its text is
``error.<code>`` in common/strings/data_errors.yaml) and `err.fields` keeps the values the message was built from,
so tests and pages need not parse text. Errors about a file name its path and, where there is one, the row, the
column and the value, in both languages.

    DataError
    ├── DataFileMissing             a shipped or configured file is not there
    ├── DataFormatError             a file or a frame is not what its reader expects (one code per problem)
    ├── UnknownDataset, UnknownRegion           (also KeyError)
    ├── UploadError                 an uploaded file cannot be used at all (FileTooLarge … ValidationFailed)
    └── StoreError                  a store operation was refused; nothing was written (StaleVersion …)
        └── AccessDenied            the acting user's role may not do this (recorded in the audit trail)
"""

from __future__ import annotations

from common.text import both

MB = 1024 * 1024


def human_size(n_bytes: int) -> str:
    """1536 → '1.5 KB'; sizes in messages are for people."""
    for unit, factor in (("GB", MB * 1024), ("MB", MB), ("KB", 1024)):
        if n_bytes >= factor:
            return f"{n_bytes / factor:.1f} {unit}"
    return f"{n_bytes} B"


class DataError(Exception):
    """Base class: something is wrong with stored or supplied data.

    Raised as ``SomeError(**fields)`` for a class with one message (`code`), or ``SomeError(code=…, **fields)`` for
    one that lists several (`codes`). Errors of other layers that subclass this one (indicators, maps) may still
    pass one plain English text; `message(lang)` then returns that text in both languages.
    """

    code = ""
    codes: frozenset[str] = frozenset()

    def __init__(self, *args: object, code: str | None = None, **fields: object):
        if code is not None and code not in type(self).codes:
            raise ValueError(f"{type(self).__name__} has no message code {code!r}; it has {sorted(type(self).codes)}")
        self.code = code or type(self).code
        self.fields = fields
        self.message_zh = self.message_en = None
        if args or not self.code:
            super().__init__(*args)
            return
        self.message_zh, self.message_en = both(f"error.{self.code}", **fields)
        super().__init__(self.message_en)

    def message(self, lang: str = "zh") -> str:
        """The message in `lang` ("zh" or "en")."""
        if self.message_en is None:
            return str(self)
        return self.message_zh if lang == "zh" else self.message_en

    def __str__(self) -> str:  # also keeps KeyError subclasses from quoting the message
        return self.message_en if self.message_en is not None else super().__str__()


# --- shipped data and stored frames -------------------------------------------------------------------------------


class DataFileMissing(DataError):
    """A shipped or configured data file does not exist."""

    codes = frozenset({"file_missing", "source_md_missing"})


class DataFormatError(DataError):
    """A data file exists but its layout or values are not what the reader expects (or a frame is not canonical)."""

    codes = frozenset(
        {
            "csv_unreadable", "columns_missing", "cell_not_a_number", "cell_not_a_province", "cell_not_a_city",
            "cell_unknown_region",
            "cell_not_a_date", "cell_not_allowed", "column_wrong_unit", "column_unknown_items",
            "column_not_month_start", "nbs_no_header", "nbs_bad_quarter", "row_missing", "country_lists_unreadable",
            "frame_columns_missing", "frame_value_not_numeric", "frame_empty_key", "frame_bad_freq",
            "frame_bad_flag", "frame_duplicate_key", "payload_not_json", "portal_undecodable", "portal_no_header",
            "portal_ragged_row", "portal_duplicate_region", "portal_bad_year", "portal_wrong_year",
            "portal_wrong_indicator",
        }
    )  # fmt: skip


class UnknownDataset(DataError, KeyError):
    """A dataset id is not in the registry."""

    code = "unknown_dataset"

    def __init__(self, dataset: str, known: list[str]):
        super().__init__(dataset=dataset, known=known)


class UnknownRegion(DataError, KeyError):
    """A region name or code is not in the registry; carries the closest names."""

    code = "unknown_region_name"

    def __init__(self, name: str, suggestions: list[str] | None = None):
        self.name = name
        self.suggestions = list(suggestions or [])
        super().__init__(name=name, suggestions=self.suggestions)


# --- the uploaded file as a whole ------------------------------------------------------------------------------


class UploadError(DataError):
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


class NotATextFile(UnsupportedFileType):
    """A file sent as CSV that holds binary content (NUL bytes): a program or an image renamed .csv."""

    code = "not_a_text_file"

    def __init__(self):
        UploadError.__init__(self)


class UnreadableFile(UploadError):
    code = "unreadable_file"

    def __init__(self, detail: str):
        super().__init__(detail=detail)


class DamagedFile(UploadError):
    """The file's structure is broken or unsafe in a way a message can name (a zip part, a CSV row, a byte)."""

    codes = frozenset(
        {
            "xlsx_bad_zip", "xlsx_bad_part", "xlsx_not_workbook", "xlsx_unsafe_xml", "xlsx_password",
            "csv_field_too_long", "csv_malformed", "bad_byte",
        }
    )  # fmt: skip


class TooMuchContent(UploadError):
    """The file is small but unpacks or reads into more than the limits allow (checked while reading)."""

    codes = frozenset({"too_many_columns", "too_many_cells", "xlsx_part_too_large", "data_far_below"})


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


class StoreError(DataError):
    """A store operation was refused; nothing was written."""


class StoreBusy(StoreError):
    """Another change holds the writer lock longer than the configured wait."""

    code = "store_busy"

    def __init__(self, seconds: float):
        super().__init__(seconds=f"{seconds:g}")


class TextTooLong(StoreError):
    """A name, file name or other text is longer than the store keeps."""

    code = "text_too_long"

    def __init__(self, field: str, length: int, limit: int):
        super().__init__(field=field, length=f"{length:,}", limit=f"{limit:,}")


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


class BasketFull(StoreError):
    """The user's briefing basket already holds as many items as it may."""

    code = "basket_full"

    def __init__(self, limit: int):
        super().__init__(limit=limit)


class BasketItemTooLarge(StoreError):
    """A chart or table is too large to keep in the briefing basket."""

    code = "basket_item_too_large"

    def __init__(self, size: int, limit: int):
        super().__init__(size=human_size(size), limit=human_size(limit))


# --- access: roles and users ------------------------------------------------------------------------------------


class AccessDenied(StoreError):
    """The acting user's role is below the one the action needs; nothing was written (the denial is audited)."""

    code = "access_denied"

    def __init__(self, user: str, role: str, action: str, needed: str):
        self.action = action
        super().__init__(user=user, role=role, action=action, needed=needed)


class BadRole(StoreError, ValueError):
    """A role name that is not viewer, analyst, steward or admin."""

    code = "bad_role"

    def __init__(self, role: str, roles: list[str]):
        super().__init__(role=role, roles=roles)


class BadScope(StoreError, ValueError):
    """A region scope that is not a province code."""

    code = "bad_scope"

    def __init__(self, scope: str):
        super().__init__(scope=scope)


class BadUserName(StoreError, ValueError):
    """A user name that is empty, too long or has control characters."""

    code = "bad_user_name"

    def __init__(self, user: str, limit: int):
        super().__init__(user=user[:40], limit=limit)


class UnknownUser(StoreError, KeyError):
    code = "unknown_user"

    def __init__(self, user: str):
        super().__init__(user=user)
