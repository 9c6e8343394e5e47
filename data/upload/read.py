"""Reading an uploaded file into a grid of cells: CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, or XLSX.

Cells keep their raw values (text, numbers, dates, None); making sense of them is later work. Formulas are
never evaluated: an XLSX is opened with ``data_only=False``, so a formula cell arrives as its text
("=SUM(B2:B5)") and the validation flags it. Limits on size and rows are checked before any heavy work.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import BinaryIO

import charset_normalizer
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from data.errors import (
    MB,
    EmptyFile,
    FileTooLarge,
    TooManyRows,
    UnreadableEncoding,
    UnreadableFile,
    UnsupportedEncoding,
    UnsupportedFileType,
    WrongSheet,
)

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


@dataclass(frozen=True)
class Limits:
    """Upload limits; the defaults suit an office server."""

    max_bytes: int = 50 * MB
    max_rows: int = 1_000_000


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
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("gb18030")  # a superset of GBK and GB2312
        if _gb_plausible(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
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


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one common width (>1)."""
    sample = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delim)]
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        modal = max(set(wide), key=wide.count)
        score = (wide.count(modal), modal)
        if score > best_score:
            best, best_score = delim, score
    return best


def _csv_rows(text: str, limits: Limits, progress: Progress | None) -> list[list[Cell]]:
    total = text.count("\n") + 1
    rows: list[list[Cell]] = []
    for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))):
        if i >= limits.max_rows:
            raise TooManyRows(limits.max_rows)
        rows.append([cell if cell.strip() else None for cell in row])
        if progress and i % PROGRESS_EVERY == 0:
            progress("read", i, total)
    return rows


def _cell(value: object) -> Cell:
    if isinstance(value, str):
        return value if value.strip() else None
    if value is None or isinstance(value, int | float) or hasattr(value, "isoformat"):
        return value  # numbers, dates and times as Excel stored them
    # ArrayFormula / DataTableFormula objects: keep the formula text so validation flags it.
    return str(getattr(value, "text", value))


def _xlsx_rows(content: bytes, sheet: str | int | None, limits: Limits, progress: Progress | None):
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise UnreadableFile(type(exc).__name__ + (f": {exc}" if str(exc) else "")) from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            name = names[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise WrongSheet(sheet, names)
            name = names[sheet]
        elif sheet in names:
            name = sheet
        else:
            raise WrongSheet(sheet, names)
        ws = book[name]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            raise WrongSheet(name, names)
        total = ws.max_row or 0
        ws.reset_dimensions()  # some writers record a wrong size; read every row that is there
        rows: list[list[Cell]] = []
        pending_empty = 0
        for i, values in enumerate(ws.iter_rows(values_only=True)):
            row = [_cell(v) for v in values]
            if all(v is None for v in row):
                pending_empty += 1  # kept only if data follows: formatted blank rows are not rows
                continue
            rows.extend([] for _ in range(pending_empty))
            pending_empty = 0
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise TooManyRows(limits.max_rows)
            if progress and i % PROGRESS_EVERY == 0:
                progress("read", i, max(total, i))
        return rows, name, tuple(names)
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
        FileTooLarge, EmptyFile, TooManyRows, UnsupportedFileType, UnreadableFile, WrongSheet,
        UnsupportedEncoding, UnreadableEncoding.
    """
    limits = limits or Limits()
    name = file_name or getattr(source, "name", None) or (Path(source).name if isinstance(source, str | Path) else "")
    content = _read_bytes(source, limits)
    if not content.strip(b" \t\r\n\x00" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE):
        raise EmptyFile()
    checksum = "sha256:" + hashlib.sha256(content).hexdigest()
    if content.startswith(OLE2_MAGIC):
        raise UnsupportedFileType(".xls (Excel 97–2003)")
    if content.startswith(ZIP_MAGIC):
        rows, sheet_name, sheets = _xlsx_rows(content, sheet, limits, progress)
        grid, left = _trim(rows)
        table = RawTable(
            grid, name, "xlsx", len(content), checksum, sheet=sheet_name, sheets=sheets, column_offset=left
        )
    else:
        if name.lower().endswith((".xlsx", ".xlsm")):
            raise UnreadableFile("not a zip archive")
        text, encoding = decode_text(content)
        if "\x00" in text:
            raise UnsupportedFileType("binary")
        grid, left = _trim(_csv_rows(text, limits, progress))
        table = RawTable(grid, name, "csv", len(content), checksum, encoding, column_offset=left)
    if not table.rows:
        raise EmptyFile()
    if progress:
        progress("read", len(table.rows), len(table.rows))
    return table
