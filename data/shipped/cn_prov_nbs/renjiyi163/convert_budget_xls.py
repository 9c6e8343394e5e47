"""Convert the NBS portal's budget-expenditure export (old Excel .xls, BIFF8) to the CSV the app reads. Run once.

The app's environment has no reader for the old .xls format (openpyxl reads .xlsx only), and adding one for a single
34 KB file is not worth a dependency. The conversion was made once, with xlrd in a throwaway virtualenv:

    python3 -m venv /tmp/xlsconv && /tmp/xlsconv/bin/pip install xlrd==2.0.1
    /tmp/xlsconv/bin/python data/shipped/cn_prov_nbs/renjiyi163/convert_budget_xls.py

It writes `prov_budget_expenditure_2007_2024.csv` beside the .xls: every non-empty data cell of Sheet1 as one row
`item,province,year,value`, the item and province exactly as in the sheet (the sheet's trailing "i" marker kept),
the value as xlrd read it (the shortest text that gives back the same float). Nothing is rounded, filled or dropped;
the sheet's two blocks (一般公共预算支出 2007–2024 and the older 财政支出 2005–2006) are both kept. The script checks
the .xls against the SHA-256 recorded below, so a changed source is noticed instead of silently converted.
`tests/test_nbs_portal.py` spot-checks the CSV against SOURCE.md (Beijing 2024 = 8,396.49 亿元).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import xlrd  # not a dependency of the app: see the docstring

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "prov_budget_expenditure_2007_2024.xls"
TARGET = HERE / "prov_budget_expenditure_2007_2024.csv"
SOURCE_SHA256 = "c641917bac5184079925456c5ccea31549f0bfe8f188b0b7cf8148f4e38a59cb"
HEADER_ROW = 0  # years in columns E onwards; rows below: number, item (column B or C), province (column D), values
ITEM_COLUMNS = (1, 2)
PROVINCE_COLUMN = 3
FIRST_VALUE_COLUMN = 4


def convert() -> int:
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{SOURCE.name} has changed (sha256 {digest}); check it before converting")
    sheet = xlrd.open_workbook(str(SOURCE)).sheet_by_name("Sheet1")
    years = [int(y) for y in sheet.row_values(HEADER_ROW)[FIRST_VALUE_COLUMN:]]
    rows = []
    for r in range(HEADER_ROW + 1, sheet.nrows):
        cells = sheet.row_values(r)
        item = next(str(cells[c]) for c in ITEM_COLUMNS if str(cells[c]).strip())
        province = str(cells[PROVINCE_COLUMN])
        for year, value in zip(years, cells[FIRST_VALUE_COLUMN:], strict=True):
            if value != "":
                rows.append((item, province, year, repr(float(value))))
    with TARGET.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["item", "province", "year", "value"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(f"wrote {convert()} values to {TARGET.name}")
