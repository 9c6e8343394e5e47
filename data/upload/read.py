"""Reading an uploaded file into a grid of cells: CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, or XLSX.

Cells keep their raw values (text, numbers, dates, None); making sense of them is later work. Formulas are
never evaluated: an XLSX is opened with ``data_only=False``, so a formula cell arrives as its text
("=SUM(B2:B5)") and the validation flags it. Limits on size, rows, columns and cells are checked while reading
(an XLSX's unpacked size, shared strings and tag counts before parsing, see `data.upload.xlsx`), so a small
file cannot make a large process. Every failure is a named `UploadError`; nothing else leaves this module.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from data.errors import (
    MB,
    DamagedFile,
    EmptyFile,
    FileTooLarge,
    NotATextFile,
    TooManyRows,
    TooMuchContent,
    UnreadableEncoding,
    UnreadableFile,
    UnsupportedEncoding,
    UnsupportedFileType,
)
from data.upload.xlsx import inspect_archive, is_encrypted_ooxml, iter_sheet_rows, open_sheet

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Cell = str | int | float | datetime | time | None  # as the file holds it; formulas as their text
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 .xls
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", "\t", ";", "|")
PROGRESS_EVERY = 5_000
# Share of non-ASCII characters that must be in GB2312 for a GB18030 decoding to be believed: any byte string
# decodes as GB18030, but real Chinese text is almost all GB2312, while Big5 or Latin-1 decoded so is not.
GB_PLAUSIBLE = 0.9
EAST_ASIAN_LOOKALIKES = {"big5", "big5hkscs", "cp950", "cp932", "shift_jis", "euc_jp", "euc_kr", "cp949", "johab"}


NOTE_GAP = 1_000  # a one-cell row this far below the table is a stray note, not a row of it
CSV_FIELD_LIMIT = csv.field_size_limit()  # 131,072 characters: no data cell is that long


@dataclass(frozen=True)
class Limits:
    """Upload limits; the defaults suit an office server (any upload is refused within seconds, under ~500 MB)."""

    max_bytes: int = 50 * MB  # the file as uploaded
    max_rows: int = 500_000
    max_columns: int = 16_384  # Excel's own limit (column XFD)
    max_cells: int = 1_500_000  # filled or not, as the grid holds them: ~200 bytes each through validation
    max_part_bytes: int = 256 * MB  # any one XML part of an XLSX, unpacked
    max_shared_strings_bytes: int = 64 * MB  # the XLSX's shared-string table, unpacked
    max_uncompressed_bytes: int = 512 * MB  # all XML parts of an XLSX together, unpacked


@dataclass(frozen=True)
class RawTable:
    """One sheet (or one CSV) as rows of raw cell values, with where it came from."""

    rows: list[list[Cell]]
    file_name: str
    kind: str  # csv | xlsx
    size: int
    checksum: str  # "sha256:…" of the file's bytes
    encoding: str | None = None  # csv only
    sheet: str | None = None  # xlsx only
    sheets: tuple[str, ...] = ()
    column_offset: int = 0  # empty columns cut on the left (the table starts in column offset + 1)
    notes: tuple[tuple[int, str], ...] = ()  # (row, text) of stray notes far below the table, not in `rows`


def _read_bytes(source: bytes | str | Path | BinaryIO, limits: Limits) -> bytes:
    if isinstance(source, bytes | bytearray):
        content = bytes(source)
    elif isinstance(source, str | Path):
        path = Path(source)
        if path.stat().st_size > limits.max_bytes:
            raise FileTooLarge(path.stat().st_size, limits.max_bytes)
        content = path.read_bytes()
    else:
        declared = getattr(source, "size", None)  # Streamlit's UploadedFile knows its size
        if isinstance(declared, int) and declared > limits.max_bytes:
            raise FileTooLarge(declared, limits.max_bytes)
        content = source.read(limits.max_bytes + 1)
    if len(content) > limits.max_bytes:
        raise FileTooLarge(len(content), limits.max_bytes)
    return content


def _gb_plausible(text: str) -> bool:
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return True
    fitting = 0
    for char in wide:
        if unicodedata.category(char)[0] in "PSZ":  # punctuation and symbols (—, ％, ・) are not evidence
            fitting += 1
            continue
        try:
            char.encode("gb2312")
            fitting += 1
        except UnicodeEncodeError:
            pass
    return fitting / len(wide) >= GB_PLAUSIBLE


def decode_text(content: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding used: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Raises:
        UnsupportedEncoding: the bytes look like another encoding (Big5, Shift-JIS, Latin-1…).
        UnreadableEncoding: no encoding fits.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding), encoding
            except UnicodeDecodeError:
                raise UnreadableEncoding() from None
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = content.decode("gb18030")  # a superset of GBK and GB2312
        if _gb_plausible(text):
            return text, "gb18030"
    except UnicodeDecodeError as exc:
        gb_error = exc
    else:
        gb_error = None
    # One bad byte in an otherwise good file: name the line, rather than guess another encoding from it.
    for encoding, error in (("UTF-8", utf8_error), ("GBK/GB18030", gb_error)):
        if error is not None and _mostly_decodes(content, "utf-8" if encoding == "UTF-8" else "gb18030"):
            raise _bad_byte(content, error, encoding)
    best = charset_normalizer.from_bytes(content[:200_000]).best()
    guess = best.encoding if best is not None else None
    # Big5 (Taiwan, Hong Kong) is the likeliest other Chinese encoding, and short files fool general
    # detectors into East Asian look-alikes (cp932, euc_kr…): name Big5 when the bytes are valid Big5.
    if guess is None or guess in EAST_ASIAN_LOOKALIKES:
        try:
            content.decode("big5")
            guess = "Big5"
        except UnicodeDecodeError:
            pass
    if guess is not None and guess not in ("utf_8", "gb18030", "gbk", "gb2312"):
        raise UnsupportedEncoding(guess)
    raise UnreadableEncoding()


def _mostly_decodes(content: bytes, encoding: str) -> bool:
    """All but a few bytes decode (and as plausible text, for GB18030): a file of that encoding with a typo."""
    text = content.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    plausible = encoding != "gb18030" or _gb_plausible(text.replace("\ufffd", ""))
    return 0 < bad <= max(3, len(text) // 10_000) and plausible and any(ord(c) > 127 and c != "\ufffd" for c in text)


def _bad_byte(content: bytes, error: UnicodeDecodeError, encoding: str) -> DamagedFile:
    before = content[: error.start]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    column = len(content[line_start : error.start].decode("utf-8" if encoding == "UTF-8" else "gb18030", "replace")) + 1
    bad = content[error.start : error.end] or content[error.start : error.start + 1]
    return DamagedFile(code="bad_byte", encoding=encoding, line=line, column=column, byte=bad.hex(" ").upper())


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one common width (>1)."""
    sample = [line for line in text[:200_000].splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delim)]
        except csv.Error:  # a broken line: the full read names its row
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        modal = max(set(wide), key=wide.count)
        score = (wide.count(modal), modal)
        if score > best_score:
            best, best_score = delim, score
    return best


class _Grid:
    """Rows as they are read, with the limits checked on every row and blank rows kept only when data follows."""

    def __init__(self, limits: Limits, progress: Progress | None, total: int):
        self.limits, self.progress, self.total = limits, progress, total
        self.rows: list[list[Cell]] = []
        self.notes: list[tuple[int, str]] = []
        self.pending = 0  # blank rows not yet kept
        self.cells = 0

    def add(self, number: int, row: list[Cell]) -> None:
        """Add the file's row `number` (1-based)."""
        if len(row) > self.limits.max_columns:
            raise TooMuchContent(code="too_many_columns", row=f"{number:,}", limit=f"{self.limits.max_columns:,}")
        if self.progress and number % PROGRESS_EVERY == 0:
            self.progress("read", min(number, self.total), max(self.total, number))
        if all(v is None for v in row):
            self.pending += 1  # formatted blank rows are not rows
            return
        if self.pending > NOTE_GAP or self.notes:  # far below the table
            filled = [v for v in row if v is not None]
            if len(filled) != 1:
                raise TooMuchContent(code="data_far_below", row=f"{number:,}", gap=f"{self.pending:,}")
            self.notes.append((number, str(filled[0])))
            self.pending = 0
            return
        self.rows.extend([] for _ in range(self.pending))
        self.pending = 0
        self.rows.append(row)
        self.cells += len(row)
        if len(self.rows) > self.limits.max_rows:
            raise TooManyRows(self.limits.max_rows)
        if self.cells > self.limits.max_cells:
            raise TooMuchContent(code="too_many_cells", limit=f"{self.limits.max_cells:,}")


def _line_count(text: str) -> int:
    """Lines whatever the line ends: \\r\\n (Windows), \\n, or \\r alone (old Mac)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def _csv_rows(text: str, limits: Limits, progress: Progress | None) -> _Grid:
    grid = _Grid(limits, progress, _line_count(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            grid.add(number, [cell if cell.strip() else None for cell in row])
    except csv.Error as exc:
        row_number = f"{reader.line_num:,}"
        if "field larger than field limit" in str(exc):
            raise DamagedFile(code="csv_field_too_long", row=row_number, limit=f"{CSV_FIELD_LIMIT:,}") from None
        raise DamagedFile(code="csv_malformed", row=row_number, detail=str(exc)) from None
    return grid


def _cell(value: object) -> Cell:
    if isinstance(value, str):
        return value if value.strip() else None
    if value is None or isinstance(value, int | float) or hasattr(value, "isoformat"):
        return value  # numbers, dates and times as Excel stored them
    # ArrayFormula / DataTableFormula objects: keep the formula text so validation flags it.
    return str(getattr(value, "text", value))


def _xlsx_rows(content: bytes, sheet: str | int | None, limits: Limits, progress: Progress | None):
    total = inspect_archive(content, limits)
    book, name, names = open_sheet(content, sheet)
    try:
        grid = _Grid(limits, progress, total)
        for number, values in iter_sheet_rows(book, name, lambda: f"xl/worksheets ({name})"):
            grid.add(number, [_cell(v) for v in values])
        return grid, name, names
    finally:
        book.close()


def _trim(rows: list[list[Cell]]) -> tuple[list[list[Cell]], int]:
    """Rows padded to one width without trailing empty rows or empty outer columns, and the columns cut on the left.

    Leading empty rows stay, so row numbers in reports match the file; the left cut is kept for column letters.
    """
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((max((j + 1 for j, v in enumerate(r) if v is not None), default=0) for r in rows), default=0)
    left = min(
        (next(j for j, v in enumerate(r) if v is not None) for r in rows if any(v is not None for v in r)), default=0
    )
    return [(r + [None] * width)[left:width] for r in rows], left


def read_upload(
    source: bytes | str | Path | BinaryIO,
    file_name: str | None = None,
    *,
    sheet: str | int | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> RawTable:
    """Read an uploaded CSV or XLSX into a `RawTable`.

    Args:
        source: the file's bytes, a path, or a binary file object (e.g. Streamlit's UploadedFile).
        file_name: shown in reports and stored with the version; default the path's or object's name.
        sheet: XLSX sheet name or 0-based index; default the first sheet.

    Raises:
        FileTooLarge, EmptyFile, TooManyRows, TooMuchContent, UnsupportedFileType (NotATextFile: binary content
        in a file sent as CSV), UnreadableFile, DamagedFile,
        WrongSheet, UnsupportedEncoding, UnreadableEncoding (all UploadError).
    """
    limits = limits or Limits()
    name = file_name or getattr(source, "name", None) or (Path(source).name if isinstance(source, str | Path) else "")
    content = _read_bytes(source, limits)
    if not content.strip(b" \t\r\n\x00" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE):
        raise EmptyFile()
    checksum = "sha256:" + hashlib.sha256(content).hexdigest()
    if content.startswith(OLE2_MAGIC):
        if is_encrypted_ooxml(content):
            raise DamagedFile(code="xlsx_password")
        raise UnsupportedFileType(".xls (Excel 97–2003)")
    if content.startswith(ZIP_MAGIC):
        read, sheet_name, sheets = _xlsx_rows(content, sheet, limits, progress)
        grid, left = _trim(read.rows)
        table = RawTable(
            grid, name, "xlsx", len(content), checksum, sheet=sheet_name, sheets=sheets, column_offset=left,
            notes=tuple(read.notes),
        )  # fmt: skip
    else:
        if name.lower().endswith((".xlsx", ".xlsm")):
            raise UnreadableFile("not a zip archive")
        if b"\x00" in content and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise NotATextFile()  # no text encoding writes NUL bytes but UTF-16, which here carries its BOM
        text, encoding = decode_text(content)
        if "\x00" in text:
            raise NotATextFile()
        read = _csv_rows(text, limits, progress)
        grid, left = _trim(read.rows)
        notes = tuple(read.notes)
        table = RawTable(grid, name, "csv", len(content), checksum, encoding, column_offset=left, notes=notes)
    if not table.rows:
        raise EmptyFile()
    if progress:
        progress("read", len(table.rows), len(table.rows))
    return table
