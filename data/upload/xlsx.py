"""Reading an XLSX upload safely: the archive is inspected before openpyxl sees it, and every failure is named.

A small XLSX can unpack into gigabytes, hold a million empty rows or one enormous shared string, or carry XML
entity declarations (XXE, "billion laughs"). Before parsing, `inspect_archive` streams every XML part once —
never holding it whole — and refuses the file when a part unpacks beyond `Limits.max_part_bytes`, the shared
strings beyond `Limits.max_shared_strings_bytes`, a sheet holds more rows or cells than allowed, or any part
declares a DOCTYPE or ENTITY. Only then is the sheet read, streamed by openpyxl in read-only mode; any exception
a damaged part raises inside openpyxl becomes a `DamagedFile` naming what broke.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from data.errors import DamagedFile, TooManyRows, TooMuchContent, UploadError, WrongSheet, human_size

if TYPE_CHECKING:
    from data.upload.read import Limits

CHUNK = 1 << 20
OVERLAP = 64  # bytes carried between chunks so a tag split across two chunks is still seen
WORKBOOK = "xl/workbook.xml"
SHARED_STRINGS = "xl/sharedstrings.xml"
# OLE2 directory entries are UTF-16LE: an encrypted (password-protected) OOXML file has an EncryptionInfo stream.
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_UNSAFE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
# Tag openings as byte strings (bytes.count is C-fast over hundreds of MB); a namespace prefix ends in ":".
_ROW = (b"<row ", b"<row>", b":row ", b":row>")
_CELL = (b"<c ", b"<c>", b"<c/>", b":c ", b":c>", b":c/>")
_STRING = (b"<si>", b"<si ", b":si>", b":si ")


def is_encrypted_ooxml(content: bytes) -> bool:
    """An OLE2 container holding an encrypted workbook (what Excel writes for a password-protected .xlsx)."""
    return ENCRYPTION_INFO in content


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The part's bytes in chunks, refusing past `limit` whatever its header claims."""
    seen = 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                seen += len(chunk)
                if seen > limit:
                    raise TooMuchContent(code="xlsx_part_too_large", part=info.filename, limit=human_size(limit))
                yield chunk
    except UploadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise DamagedFile(code="xlsx_bad_part", part=info.filename, detail=_detail(exc)) from None


Tags = tuple[tuple[bytes, ...], ...]


def _scan(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, tags: Tags, caps: tuple[int, ...] = ()
) -> list[int]:
    """Stream one part: refuse entity declarations, and count each of `tags` (a tag split across chunks once),
    stopping as soon as a count passes its cap."""
    counts = [0] * len(tags)
    tail = b""
    for chunk in _stream(archive, info, limit):
        window = tail + chunk
        if _UNSAFE.search(window):
            raise DamagedFile(code="xlsx_unsafe_xml", part=info.filename)
        for k, spellings in enumerate(tags):  # a match inside the carried tail was counted with the last chunk
            counts[k] += sum(window.count(tag) - tail.count(tag) for tag in spellings)
        if any(n > cap for n, cap in zip(counts, caps, strict=False)):
            break  # already too many: no need to unpack the rest
        tail = window[-OVERLAP:]
    return counts


def _detail(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
    return type(exc).__name__ + (f": {text}" if text else "")


def inspect_archive(content: bytes, limits: Limits) -> int:
    """Check the archive before parsing; returns the most rows any sheet holds (a progress total).

    Raises:
        DamagedFile, TooManyRows, TooMuchContent: anything unsafe, too large or damaged, named.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise DamagedFile(code="xlsx_bad_zip", detail=_detail(exc)) from None
    with archive:
        names = {info.filename.lower(): info for info in infos}
        if WORKBOOK not in names:
            raise DamagedFile(code="xlsx_not_workbook", part=WORKBOOK)
        if any(info.flag_bits & 0x1 for info in infos):
            raise DamagedFile(code="xlsx_password")
        total = most_rows = 0
        for info in infos:
            name = info.filename.lower()
            if not name.endswith((".xml", ".rels", ".vml")):
                continue  # images and other binaries are never parsed
            limit = limits.max_shared_strings_bytes if name == SHARED_STRINGS else limits.max_part_bytes
            if info.file_size > limit:
                raise TooMuchContent(code="xlsx_part_too_large", part=info.filename, limit=human_size(limit))
            total += info.file_size
            if name.startswith("xl/worksheets/"):
                rows, cells = _scan(archive, info, limit, (_ROW, _CELL), (limits.max_rows, limits.max_cells))
                if rows > limits.max_rows:
                    raise TooManyRows(limits.max_rows)
                most_rows = max(most_rows, rows)
            elif name == SHARED_STRINGS:
                (cells,) = _scan(archive, info, limit, (_STRING,), (limits.max_cells,))  # each would be a cell
            else:
                cells = len(_scan(archive, info, limit, (), ()))  # checked for entities only: 0
            if cells > limits.max_cells:
                raise TooMuchContent(code="too_many_cells", limit=f"{limits.max_cells:,}")
        if total > limits.max_uncompressed_bytes:
            raise TooMuchContent(
                code="xlsx_part_too_large", part="xl/*", limit=human_size(limits.max_uncompressed_bytes)
            )
    return most_rows


def open_sheet(content: bytes, sheet: str | int | None):
    """The workbook (read-only, formulas as text) and the chosen worksheet's name and the sheet names."""
    import openpyxl  # here, not at the top: the pages import this package for its types, and openpyxl is 0.2 s

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except UploadError:
        raise
    except Exception as exc:  # noqa: BLE001 — a damaged part can raise anything inside openpyxl
        raise DamagedFile(code="xlsx_bad_part", part=WORKBOOK, detail=_detail(exc)) from None
    names = list(book.sheetnames)
    if not names:
        book.close()
        raise DamagedFile(code="xlsx_bad_part", part="xl/worksheets/", detail="no worksheet")
    if sheet is None:
        name = names[0]
    elif isinstance(sheet, int) and 0 <= sheet < len(names):
        name = names[sheet]
    elif isinstance(sheet, str) and sheet in names:
        name = sheet
    else:
        book.close()
        raise WrongSheet(sheet, names)
    return book, name, tuple(names)


def iter_sheet_rows(book, name: str, on_error: Callable[[], str]) -> Iterator[tuple[int, tuple]]:
    """(1-based row number, values) for every row openpyxl yields; a parse failure mid-sheet becomes DamagedFile."""
    try:
        ws = book[name]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            raise WrongSheet(name, list(book.sheetnames))
        ws.reset_dimensions()  # some writers record a wrong size; read every row that is there
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
    except UploadError:
        raise
    except Exception as exc:  # noqa: BLE001 — truncated XML, bad styles or numbers: anything inside openpyxl
        raise DamagedFile(code="xlsx_bad_part", part=on_error(), detail=_detail(exc)) from None
