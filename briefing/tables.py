"""Tables to CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and XLSX (styled header, units, real numbers).

Text from data that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR — also after leading
spaces or line breaks, and in their full-width forms ＝＋－＠, which spreadsheets read as the ASCII ones) is written
as text: prefixed with ' in CSV, a string cell with Excel's quote prefix in XLSX. Numbers, negative ones included, stay
numbers; a missing value stays an empty cell.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Number
from typing import Any

import numpy as np
import pandas as pd

from briefing.errors import BadItem, UnsupportedLanguage
from briefing.text import text_width
from common.text import LANGS, check_lang, render

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
LEADING_BLANKS = " \n\r\t\u00a0\u3000"  # a spreadsheet skips these before a formula sign
HEADER_FILL, HEADER_FONT, BORDER = "34495E", "FFFFFF", "BFBFBF"
MIN_WIDTH, MAX_WIDTH = 8, 60
MAX_INFERRED_DECIMALS = 2
SOURCE_LABELS = ("pack.table_source", "cite.source", "cite.sources")  # the labels a source line may already start with


@dataclass(frozen=True)
class TableMeta:
    """A table's title and source line; units and decimals per column (units go into the header)."""

    title: str
    source: str = ""
    units: Mapping[str, str] = field(default_factory=dict)
    decimals: Mapping[str, int] = field(default_factory=dict)


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula, prefixed with ' ; anything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def is_formula_like(value: Any) -> bool:
    """Text starting (after blanks) with a formula sign, or with a tab or carriage return."""
    return isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS)
    )


def header(column: Any, meta: TableMeta, lang: str) -> str:
    """Column name with its unit: 数值（亿元） / Value (100 million yuan)."""
    unit = meta.units.get(column)
    if not unit:
        return str(column)
    return f"{column}（{unit}）" if lang == "zh" else f"{column} ({unit})"


def _check(frame: pd.DataFrame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise BadItem(f"expected a pandas DataFrame; got {type(frame).__name__}")


def plain(value: Any) -> Any:
    """A cell value as Python: numbers as int/float, gaps as None, timestamps as datetimes, the rest as given."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating | Decimal):
        value = float(value)
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NA:
        return None
    return value


def source_row(source: str, lang: str) -> str:
    """The source line below a table: `source` as given when it already starts with a source label (来源： /
    Source: / Sources:, as the pages' footer lines do), else labelled once."""
    labels = {render(key, code, source="", sources="").strip().rstrip(":：") for code in LANGS for key in SOURCE_LABELS}
    if any(source.lstrip().startswith(label) for label in labels):
        return source
    return render("pack.table_source", lang, source=source)


def _looks_like_years(values: pd.Series) -> bool:
    # 2024 must not read 2,024: a whole-number column of four-digit values is left without separators
    present = values.dropna()
    return pd.api.types.is_integer_dtype(values) and not present.empty and present.between(1000, 2999).all()


def column_formats(frame: pd.DataFrame, meta: TableMeta | None = None) -> dict[Any, tuple[int, bool]]:
    """Each numeric column's display: (decimals, thousands separators). Decimals are the column's declared ones
    (the indicator's), else 0 for whole numbers, else the fewest (at most two) its values need, so one column shows
    one number of decimals. Year columns get no separators."""
    meta = meta or TableMeta(title="")
    formats = {}
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        decimals = meta.decimals.get(column)
        if decimals is None:
            decimals = 0 if pd.api.types.is_integer_dtype(values) else _needed_decimals(values)
        formats[column] = (int(decimals), not _looks_like_years(values))
    return formats


def _needed_decimals(values: pd.Series) -> int:
    present = values.dropna().astype(float)
    present = present[np.isfinite(present)]
    for d in range(MAX_INFERRED_DECIMALS + 1):
        if np.allclose(present.round(d), present, rtol=1e-9, atol=1e-12):
            return d
    return MAX_INFERRED_DECIMALS


def to_csv(frame: pd.DataFrame, meta: TableMeta | None = None, lang: str = "zh") -> bytes:
    """The table as CSV bytes in UTF-8 with BOM, header with units, and the source as a last row after a blank one."""
    _check(frame)
    lang = check_lang(lang, UnsupportedLanguage)
    meta = meta or TableMeta(title="")
    out = frame.copy()
    out.columns = [neutralise(header(c, meta, lang)) for c in frame.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    text = out.to_csv(index=False)
    if meta.source:
        text += "\n" + pd.DataFrame([[neutralise(source_row(meta.source, lang))]]).to_csv(index=False, header=False)
    return text.encode("utf-8-sig")


def number_format(decimals: int | None, thousands: bool = True) -> str:
    """Excel number format: thousands separators (not for years) and the column's decimals."""
    if decimals is None:
        return "General"
    whole = "#,##0" if thousands else "0"
    return whole if decimals == 0 else f"{whole}." + "0" * decimals


def _display_width(value: Any, fmt: str) -> float:
    if value is None:
        return 0
    if isinstance(value, Number) and not isinstance(value, bool):
        decimals = len(fmt.split(".")[1]) if "." in fmt else 2
        return len(f"{value:,.{decimals}f}")
    if isinstance(value, dt.datetime | dt.date):
        return 10
    return text_width(str(value)) * 2 if not str(value).isascii() else len(str(value))


def _write_cell(ws, row: int, col: int, value: Any, fmt: str) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if is_formula_like(value):
        # openpyxl would store "=..." as a formula; force a string cell and Excel's quote prefix so that editing
        # the cell in Excel does not turn it into one either.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, Number) and not isinstance(value, bool):
        cell.number_format = fmt
    elif isinstance(value, dt.datetime | dt.date):
        cell.number_format = "yyyy-mm-dd"


def sheet_title(title: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\ ."""
    return re.sub(r"[\[\]:*?/\\]", "_", title).strip()[:31] or "Sheet1"


def to_xlsx(frame: pd.DataFrame, meta: TableMeta | None = None, lang: str = "zh") -> bytes:
    """The table as an XLSX workbook: styled, frozen, filterable header with units; numbers as numbers; the source
    in a row below the data."""
    # openpyxl is imported when a workbook is asked for, not by every page that shows a table (~0.3 s).
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    _check(frame)
    lang = check_lang(lang, UnsupportedLanguage)
    meta = meta or TableMeta(title="")
    thin = Side(style="thin", color=BORDER)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(meta.title)
    wb.properties.title = meta.title
    wb.properties.creator = "决策驾驶舱 · Decision Cockpit"
    widths = []
    formats = column_formats(frame, meta)
    for j, column in enumerate(frame.columns, start=1):
        values = frame[column]
        fmt = number_format(*formats[column]) if column in formats else "General"
        name = header(column, meta, lang)
        _write_cell(ws, 1, j, name, "General")
        width = text_width(name) * 2 if not name.isascii() else len(name)
        for i, raw in enumerate(values, start=2):
            value = plain(raw)
            _write_cell(ws, i, j, value, fmt)
            width = max(width, _display_width(value, fmt))
        widths.append(width)
    for j, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill = Font(bold=True, color=HEADER_FONT), PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin, top=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    if meta.source:
        cell = ws.cell(row=len(frame) + 3, column=1)
        _write_cell(ws, cell.row, 1, source_row(meta.source, lang), "General")
        cell.font = Font(italic=True, color="555555")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Shown:
    """The first rows of a table as display text, for slides and printed pages."""

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: right-align
    total: int


GAP = "—"


def display_text(value: Any, decimals: int | None, thousands: bool = True) -> str:
    """A cell as text: numbers with separators and the column's decimals (else 0 for whole numbers, 2 otherwise)."""
    value = plain(value)
    if value is None:
        return GAP
    if isinstance(value, Number) and not isinstance(value, bool):
        if decimals is None:
            decimals = 0 if float(value).is_integer() else 2
        return f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)


def shown(frame: pd.DataFrame, meta: TableMeta | None, lang: str, max_rows: int) -> Shown:
    """The header (with units) and the first `max_rows` rows of `frame` as text."""
    _check(frame)
    meta = meta or TableMeta(title="")
    head = frame.head(max_rows)
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in frame]
    formats = column_formats(frame, meta)
    styles = [formats.get(column, (None, True)) for column in frame.columns]
    rows = [
        [display_text(value, *style) for value, style in zip(row, styles, strict=True)]
        for row in head.itertuples(index=False, name=None)
    ]
    return Shown([header(c, meta, lang) for c in frame.columns], rows, numeric, len(frame))
