"""Time and peak memory of `data.upload.prepare` on the worst uploads of issue 14, at the default limits.

Each file is generated into a temporary folder (streamed, so the generator stays small), then read by a fresh
process so its peak memory (ru_maxrss) is the upload's alone. Prints one line per case: what `prepare` said, the
wall time and the peak resident memory of that process.

    .venv/bin/python benchmarks/hostile_uploads.py
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from data.regions import region_registry  # noqa: E402

MB = 1024 * 1024

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from data.errors import DataError
from data.upload import IndicatorSpec, UploadOptions, prepare
spec = [IndicatorSpec(f"s{{k}}", freq="A", dataset="prov") for k in range(81)]
spec.append(IndicatorSpec("gdp", frozenset({{"亿元"}}), frozenset({{"地区生产总值"}}), "A", "prov"))
started = time.perf_counter()
try:
    options = UploadOptions(indicator_id=None if {path!r}.endswith("long.csv") else "gdp")
    upload = prepare({path!r}, indicators=spec, options=options)
    said = f"read: {{upload.report.records:,}} values, {{upload.report.error_count:,}} errors"
except DataError as err:
    said = f"refused ({{err.code}}): {{err.message('en')[:70]}}"
print(f"{{time.perf_counter() - started:.2f}}\\t{{said}}")
"""


def _template() -> tuple[bytes, bytes, bytes]:
    """A real workbook from openpyxl, and its sheet XML split around <sheetData>."""
    book = openpyxl.Workbook()
    book.active.append(["地区", "2021"])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    head = sheet[: sheet.index(b"<sheetData>") + len(b"<sheetData>")]
    return out.getvalue(), head, sheet[sheet.index(b"</sheetData>") :]


def _workbook(path: Path, replace: dict[str, object]) -> None:
    """Copy the template workbook, streaming each replaced part from an iterable of byte chunks."""
    template, _, _ = _template()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist() + [n for n in replace if n not in src.namelist()]
        for name in names:
            if name in replace:
                with dst.open(name, "w", force_zip64=True) as part:
                    for chunk in replace[name]:
                        part.write(chunk)
            else:
                dst.writestr(name, src.read(name))


def shared_string_bomb(path: Path) -> None:
    """One shared string of 1 GB (the issue's 1.05 MB file took the process to 2.2 GB)."""
    _, head, tail = _template()
    sheet = head + b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1</v></c></row>' + tail
    block = b"A" * MB
    strings = [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>']
    strings += [block] * 1024 + [b"</t></si></sst>"]
    _workbook(path, {"xl/worksheets/sheet1.xml": [sheet], "xl/sharedStrings.xml": strings})


def three_million_rows(path: Path) -> None:
    """3,000,000 rows of data in a small file (the issue's took 133 s before "too many rows")."""
    _, head, tail = _template()

    def rows():
        yield head
        for start in range(1, 3_000_001, 10_000):
            yield b"".join(
                b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c></row>' % (i, i, i)
                for i in range(start, start + 10_000)
            )
        yield tail

    _workbook(path, {"xl/worksheets/sheet1.xml": rows()})


def note_in_last_row(path: Path) -> None:
    """Every province, then a note in row 1,048,576 (the issue's was reported as "over 1,000,000 rows")."""
    book = openpyxl.Workbook()
    book.active.append(["地区", "2021"])
    for region in region_registry().provinces():
        book.active.append([region.code, 1.0])
    book.active.cell(row=1_048_576, column=1, value="注：2021 年为初步数")
    book.save(path)


def wide_csv(path: Path) -> None:
    """20,000 columns (the issue's took 25–101 s of CPU, then crashed in the column-letter code)."""
    path.write_text("地区," + ",".join(str(1000 + i) for i in range(20_000)) + "\n北京," + ",1" * 20_000 + "\n")


def billion_laughs(path: Path) -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + k]), b"&%s;" % bytes([97 + k]) * 10) for k in range(9)
    )
    sst = laughs + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&j;</t></si></sst>'
    _workbook(path, {"xl/sharedStrings.xml": [sst]})


def big_valid_csv(path: Path) -> None:
    """A valid long-format CSV at the cell limit: 374,999 rows of 4 columns (31 provinces × 1800–2199, 31 series)."""
    codes = [r.code for r in region_registry().provinces()][:31]
    with path.open("w", encoding="utf-8") as out:
        out.write("指标,地区,时间,数值\n")
        for i in range(374_999):
            series, rest = divmod(i, 31 * 400)
            out.write(f"s{series},{codes[rest % 31]},{1800 + rest // 31},{i}.5\n")


CASES = {
    "shared string of 1 GB (xlsx)": (shared_string_bomb, ".xlsx"),
    "3,000,000 rows (xlsx)": (three_million_rows, ".xlsx"),
    "note in row 1,048,576 (xlsx)": (note_in_last_row, ".xlsx"),
    "20,000 columns (csv)": (wide_csv, ".csv"),
    "billion laughs (xlsx)": (billion_laughs, ".xlsx"),
    "374,999 rows × 4, valid (csv)": (big_valid_csv, "long.csv"),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'case':<34} {'file':>9} {'seconds':>8} {'peak MB':>8}  outcome")
        for name, (make, suffix) in CASES.items():
            path = Path(folder) / f"case.{suffix.lstrip('.')}"
            make(path)
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))], stdout=subprocess.PIPE, text=True
            )
            started = time.perf_counter()
            out = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
            seconds, _, said = out.strip().partition("\t")
            size = f"{path.stat().st_size / MB:.2f} MB"
            print(f"{name:<34} {size:>9} {float(seconds or wall):>8.2f} {usage.ru_maxrss / 1024:>8.0f}  {said}")
            path.unlink()


if __name__ == "__main__":
    main()
