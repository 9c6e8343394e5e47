"""Finding the table in an uploaded grid: title rows, the header (one row or merged over several), and the layout.

Layouts:
- ``long``: one value per row, with columns naming region, period, indicator (any may instead be chosen by the
  user) and a value column (数值 / value).
- ``wide_periods`` (regions × periods, e.g. 地区 | 2021年 | 2022年), ``wide_regions`` (periods × regions) and
  ``wide_indicators`` (periods or regions × indicators, e.g. 年份 | 地区生产总值（亿元） | 人口): the column
  headers carry one dimension, leading key columns the others.

Merged title cells arrive as one filled cell over empty ones: a row with fewer than two filled cells above the
header is a title or a note ("单位：亿元" declares the unit). A merged header cell spanning several columns is
carried right when a second header row below it splits those columns (2023年 over 第一季度 … 第四季度).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from data.errors import BadLayoutOption, NoHeader, UnrecognisedLayout
from data.upload.match import Matcher
from data.upload.values import header_key, parse_number, split_trailing_unit, unit_in_text

LAYOUTS = ("long", "wide_periods", "wide_regions", "wide_indicators")
DIMENSIONS = ("region", "period", "indicator")
MAX_TITLE_ROWS = 30
MAX_HEADER_ROWS = 3
CONTENT_SAMPLE = 200
CONTENT_SHARE = 0.6  # share of a column's cells that must read as regions (periods…) to call it so

_FIELD_WORDS: dict[str, set[str]] = {
    "region": {
        "地区", "地区名称", "省份", "省", "省份名称", "省区市", "省(区、市)", "省(区市)", "省市", "省市区", "行政区",
        "行政区划", "行政区划代码", "区划代码", "地区代码", "区域", "国家", "国家或地区", "国家/地区", "经济体",
        "region", "regioncode", "regionname", "province", "provincename", "country", "countryname",
        "countrycode", "area", "adcode", "iso3", "code", "代码",
    },
    "period": {
        "时间", "时期", "期间", "年份", "年度", "年", "日期", "月份", "月度", "季度", "统计时间", "统计期", "报告期",
        "数据时间", "period", "year", "date", "month", "quarter", "time",
    },
    "indicator": {
        "指标", "指标名称", "指标代码", "项目", "统计指标", "indicator", "indicatorid", "indicatorname",
        "indicatorcode", "series", "seriesname", "variable", "item",
    },
    "value": {"数值", "值", "数据", "指标值", "数量", "金额", "value", "values", "obsvalue", "amount"},
    "unit": {"单位", "计量单位", "unit", "units"},
    "freq": {"频率", "freq", "frequency"},
    "ignore": {
        "备注", "注释", "说明", "来源", "数据来源", "资料来源", "note", "notes", "comment", "source", "序号", "no",
    },
}  # fmt: skip
FIELD_ROLES = {header_key(word): role for role, words in _FIELD_WORDS.items() for word in words}
DIAGONAL = ("\\", "＼", "/")


@dataclass(frozen=True)
class Column:
    """One column of the table and what it holds."""

    index: int
    header: str
    role: str  # region | period | indicator | unit | freq | value | ignore | data (a wide value column) | empty
    dims: dict = field(default_factory=dict)  # data columns: {"period": raw header text, …}
    unit: str | None = None  # written in the header: 地区生产总值（亿元）
    offset: int = 0  # empty columns left of the table in the file

    @property
    def letter(self) -> str:
        """The column's letter as the spreadsheet shows it."""
        from openpyxl.utils import get_column_letter  # imported on use: see data/upload/xlsx.py

        return get_column_letter(self.offset + self.index + 1)


@dataclass(frozen=True)
class Layout:
    """Where the table is in the grid and how to read it."""

    kind: str
    header_rows: tuple[int, ...]  # 0-based grid rows
    title: str
    title_unit: str | None
    columns: tuple[Column, ...]
    unrecognised: tuple[int, ...] = ()  # data columns whose header could not be read
    empty_headers: tuple[int, ...] = ()  # columns with data but no header
    duplicate_headers: tuple[tuple[int, int], ...] = ()
    named_indicator: tuple[int, ...] = ()  # a key column whose header names the indicator ("地区生产总值（亿元）")

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    def key_column(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    @property
    def data_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role in ("data", "value")]

    def dimensions(self) -> set[str]:
        """Dimensions the file itself provides (key columns or column headers)."""
        found = {c.role for c in self.columns if c.role in DIMENSIONS}
        for c in self.data_columns:
            found |= set(c.dims)
        return found


def _filled(row: list) -> int:
    return sum(v is not None for v in row)


def _is_header_continuation(above: list, row: list) -> bool:
    """A second header row: first cell empty, fills gaps left by merged cells above, holds no data numbers."""
    if row[0] is not None or _filled(row) == 0:
        return False
    fills_gap = any(above[j] is None and row[j] is not None for j in range(1, len(row)))
    numbers = [v for v in row[1:] if v is not None and parse_number(v).status in ("ok", "percent")]
    yearlike = all(float(parse_number(v).value).is_integer() and 1800 <= parse_number(v).value <= 2200 for v in numbers)
    return fills_gap and yearlike


def _is_title(row: list) -> bool:
    """Title and note rows: fewer than two filled cells, or text cells one of which declares the unit."""
    cells = [v for v in row if v is not None]
    if len(cells) < 2:
        return True
    return all(isinstance(v, str) for v in cells) and any(unit_in_text(v) for v in cells) and len(cells) <= len(row) / 2


def _header_block(rows: list[list]) -> list[int]:
    first = next((i for i, row in enumerate(rows[:MAX_TITLE_ROWS]) if not _is_title(row)), None)
    if first is None:
        raise NoHeader(min(len(rows), MAX_TITLE_ROWS))
    block = [first]
    while len(block) < MAX_HEADER_ROWS and block[-1] + 1 < len(rows):
        if not _is_header_continuation(rows[block[-1]], rows[block[-1] + 1]):
            break
        block.append(block[-1] + 1)
    return block


def _header_parts(rows: list[list], block: list[int]) -> list[list[str]]:
    """Per column, the header text of each header row; merged cells of upper rows carried to the right."""
    width = len(rows[0])
    parts: list[list[str]] = [[] for _ in range(width)]
    for depth, r in enumerate(block):
        carried = None
        for j in range(width):
            cell = rows[r][j]
            if cell is not None:
                carried = cell
            elif depth < len(block) - 1 and j > 0 and carried is not None:
                cell = carried  # a merged cell spans right over the columns the row below splits
            if cell is not None:
                parts[j].append(str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell))
    return parts


def _content_role(rows: list[list], start: int, j: int, matcher: Matcher) -> str | None:
    """What a key column holds, judged from its cells when its header says nothing."""
    cells = [row[j] for row in rows[start : start + CONTENT_SAMPLE] if row[j] is not None]
    if not cells:
        return None
    for role, test in (
        ("region", matcher.region),
        ("period", matcher.period),
        ("indicator", matcher.indicator),
    ):
        if sum(test(c) is not None for c in cells) >= CONTENT_SHARE * len(cells):
            return role
    return None


def _header_dims(parts: list[str], matcher: Matcher, only: str | None) -> dict:
    """The dimensions a data column's header names: {'period': '2023年第一季度'}, {'indicator': …, 'period': …}."""
    tests = {"period": matcher.period, "region": matcher.region, "indicator": matcher.indicator}
    if only:
        tests = {only: tests[only]}
    whole = "".join(parts)
    for dim, test in tests.items():
        if test(whole) is not None:
            return {dim: whole}
    dims = {}
    for part in parts if len(parts) > 1 else []:
        for dim, test in tests.items():
            if dim not in dims and test(part) is not None:
                dims[dim] = part
                break
        else:
            return {}
    return dims


def detect_layout(rows: list[list], matcher: Matcher, layout: str | None = None, column_offset: int = 0) -> Layout:
    """Find the header and decide how to read the grid.

    Args:
        layout: one of LAYOUTS to force a reading; None to recognise it.
        column_offset: empty columns the reader cut on the left, so reports name columns as the file does.

    Raises:
        NoHeader: no row with two filled cells near the top.
        UnrecognisedLayout: the headers are neither fields of a long table nor periods, regions or indicators.
        BadLayoutOption: `layout` is not one of LAYOUTS.
    """
    if layout is not None and layout not in LAYOUTS:
        raise BadLayoutOption(layout, list(LAYOUTS))
    block = _header_block(rows)
    start = block[-1] + 1
    title = " ".join(str(v) for row in rows[: block[0]] for v in row if v is not None)
    parts = _header_parts(rows, block)
    only = {"wide_periods": "period", "wide_regions": "region", "wide_indicators": "indicator"}.get(layout or "")
    has_data = [any(row[j] is not None for row in rows[start:]) for j in range(len(parts))]

    columns, empty, unrecognised, column_hint, named = [], [], [], None, ()
    for j, column_parts in enumerate(parts):
        header = "".join(column_parts)
        name, unit = split_trailing_unit(header) if header else ("", None)
        role = FIELD_ROLES.get(header_key(header)) or FIELD_ROLES.get(header_key(name))
        if j == 0 and role is None and any(d in header for d in DIAGONAL):  # 地区\年份
            left, _, right = next(header.partition(d) for d in DIAGONAL if d in header)
            role, column_hint = FIELD_ROLES.get(header_key(left)), FIELD_ROLES.get(header_key(right))
        if role is not None:
            columns.append(Column(j, header, role, unit=unit if role in ("value", "data") else None))
            continue
        if j == 0 and layout != "long" and matcher.indicator(header) is not None:
            # The first column headed by the indicator's name over regions or periods: the header states the
            # indicator of the whole table, the cells are its key.
            role = _content_role(rows, start, j, matcher)
            if role in ("region", "period"):
                columns.append(Column(j, header, role))
                named = (j,)
                continue
        if not header:
            role = _content_role(rows, start, j, matcher) if j == 0 else None
            columns.append(Column(j, header, role or "empty"))
            if role is None and has_data[j]:
                empty.append(j)
            continue
        dims = {} if layout == "long" else _header_dims(column_parts, matcher, only or column_hint)
        if dims:
            indicator = matcher.indicator(dims["indicator"]) if "indicator" in dims else None
            columns.append(Column(j, header, "data", dims, unit=indicator[1] if indicator else None))
            continue
        data_seen = any(c.role == "data" for c in columns)
        role = None if data_seen else _content_role(rows, start, j, matcher)
        columns.append(Column(j, header, role or "unrecognised"))
        if role is None:
            unrecognised.append(j)

    columns = [replace(c, offset=column_offset) for c in columns]
    kind = _kind(columns, layout, [c.header for c in columns])
    if kind == "long":  # in a long table, columns we cannot name are simply not read
        unrecognised = []
    seen: dict[str, int] = {}
    duplicates = []
    for c in columns:
        if c.header and c.role in ("data", "value", *DIMENSIONS):
            if c.header in seen:
                duplicates.append((seen[c.header], c.index))
            seen.setdefault(c.header, c.index)
    return Layout(
        kind=kind,
        header_rows=tuple(block),
        title=title,
        title_unit=unit_in_text(title) if title else None,
        columns=tuple(columns),
        unrecognised=tuple(unrecognised),
        empty_headers=tuple(empty),
        duplicate_headers=tuple(duplicates),
        named_indicator=named,
    )


def _kind(columns: list[Column], layout: str | None, headers: list[str]) -> str:
    if layout is not None:
        return layout
    if any(c.role == "value" for c in columns):
        return "long"
    data = [c for c in columns if c.role == "data"]
    if not data:
        raise UnrecognisedLayout([h for h in headers if h])
    dims = max(({d for d in c.dims} for c in data), key=lambda s: sum(set(c.dims) == s for c in data))
    if len(dims) == 1:
        return f"wide_{next(iter(dims))}s"
    return "wide_" + "_".join(sorted(f"{d}s" for d in dims))
