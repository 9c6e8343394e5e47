"""Reading uploads: encodings, XLSX sheets and title rows, layouts, cell parsing, and a round trip of shipped data."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from actors import steward

from common import periods
from common.text import Text
from data.errors import NothingToCommit, UnsupportedEncoding, WrongSheet
from data.loaders import COLUMNS, load_cn_prov_panel
from data.nbs_portal import load_cn_prov_nbs
from data.regions import region_registry
from data.store import Store
from data.store.versioning import with_flag
from data.upload import IndicatorSpec, UploadOptions, commit, prepare, specs_from_units
from data.upload.read import decode_text, read_upload
from data.upload.values import parse_number
from indicators.metadata import catalogue

SPECS = specs_from_units(
    {"gdp": {"亿元", "100 million yuan"}, "population": {"万人"}, "cpi_yoy": {"%"}, "gdp_quarterly": {"亿元"}},
    names={"gdp": {"地区生产总值", "GDP"}, "population": {"年末常住人口", "人口"}, "cpi_yoy": {"CPI同比"}},
    freqs={"gdp": "A", "population": "A", "cpi_yoy": "M", "gdp_quarterly": "Q"},
    datasets={"gdp": "prov", "population": "prov", "cpi_yoy": "monthly", "gdp_quarterly": "quarterly"},
)


def catalogue_specs() -> list[IndicatorSpec]:
    """IndicatorSpecs from the shipped catalogue, as the UI layer builds them."""
    return [
        IndicatorSpec(
            id=ind.id,
            units=frozenset({ind.unit["zh"], ind.unit["en"], ind.short_unit}),
            names=frozenset({ind.name["zh"], ind.name["en"]}),
            freq=ind.freq,
            dataset=ind.source,
            level=ind.kind == "level",
            label=Text.of(ind.name),
            unit_text=Text.of(ind.unit),
        )
        for ind in catalogue()
    ]


def xlsx(rows: list[list], merges: tuple[str, ...] = (), sheets: tuple[str, ...] = ("Sheet1",)) -> bytes:
    """An XLSX whose last sheet holds `rows` (earlier sheets are empty placeholders)."""
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    ws = book[sheets[-1]]
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(content: bytes, name: str = "t.csv", **options):
    return prepare(content, name, indicators=SPECS, options=UploadOptions(**options))


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- cells ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value", "status"),
    [
        ("1,234.5", 1234.5, "ok"),
        ("１２，３４５．６", 12345.6, "ok"),
        ("1 234 567", 1234567.0, "ok"),
        ("-3.2", -3.2, "ok"),
        ("−3.2", -3.2, "ok"),
        ("5.2%", 5.2, "percent"),
        ("５．２％", 5.2, "percent"),
        ("1e3", 1000.0, "ok"),
        (42, 42.0, "ok"),
        (3.5, 3.5, "ok"),
        ("—", None, "missing"),
        ("——", None, "missing"),
        ("...", None, "missing"),
        ("…", None, "missing"),
        ("-", None, "missing"),
        ("--", None, "missing"),
        ("", None, "missing"),
        (None, None, "missing"),
        ("NA", None, "missing"),
        ("=SUM(B2:B5)", None, "formula"),
        ("#DIV/0!", None, "excel_error"),
        ("12.3亿", None, "text"),
        ("12,5", None, "text"),
        ("123*", None, "text"),
        (True, None, "text"),
    ],
)
def test_parse_number(cell, value, status):
    parsed = parse_number(cell)
    assert parsed.status == status
    assert np.isnan(parsed.value) if value is None else parsed.value == value


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_csv_encodings_are_detected(encoding, expected):
    text = "地区,2022年\n内蒙古自治区,“23,158.6”\n黑龙江省,—\n"
    assert decode_text(text.encode(encoding)) == (text, expected)


def test_big5_is_named_not_misread():
    with pytest.raises(UnsupportedEncoding) as caught:
        decode_text("地區,2021年\n臺灣省,2\n內蒙古自治區,3\n".encode("big5"))
    assert "Big5" in caught.value.message_zh


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiters(delimiter):
    raw = read_upload(
        delimiter.join(["地区", "2021", "2022"]).encode() + b"\n" + delimiter.join(["北京", "1", "2"]).encode()
    )
    assert raw.rows == [["地区", "2021", "2022"], ["北京", "1", "2"]]


# --- layouts ------------------------------------------------------------------------------------------------------


def frame_of(upload) -> list[tuple]:
    f = upload.frame
    return [
        (i, r, periods.label(p, q), None if np.isnan(v) else v)
        for i, r, p, q, v in f.itertuples(index=False, name=None)
    ]


@pytest.mark.parametrize(
    ("text", "options", "kind", "expected"),
    [
        pytest.param(
            "地区,2021年,2022年\n北京市,1,2\nInner Mongolia,3,—\n", {"indicator_id": "gdp"}, "wide_periods",
            [("gdp", "110000", "2021", 1.0), ("gdp", "110000", "2022", 2.0), ("gdp", "150000", "2021", 3.0),
             ("gdp", "150000", "2022", None)],
            id="regions-by-years",
        ),
        pytest.param(
            "月份,北京,天津\n2023年1月,1.2,1.3\n2023年2月,1%,2\n", {"indicator_id": "cpi_yoy"}, "wide_regions",
            [("cpi_yoy", "110000", "2023-01", 1.2), ("cpi_yoy", "110000", "2023-02", 1.0),
             ("cpi_yoy", "120000", "2023-01", 1.3), ("cpi_yoy", "120000", "2023-02", 2.0)],
            id="months-by-regions",
        ),
        pytest.param(
            "年份,地区生产总值（亿元）,年末常住人口（万人）\n2021,100,5\n", {"region": "北京"}, "wide_indicators",
            [("gdp", "110000", "2021", 100.0), ("population", "110000", "2021", 5.0)],
            id="years-by-indicators",
        ),
        pytest.param(
            "地区,年份,GDP,人口\n北京,2021,100,5\n", {}, "wide_indicators",
            [("gdp", "110000", "2021", 100.0), ("population", "110000", "2021", 5.0)],
            id="panel-by-indicators",
        ),
        pytest.param(
            "indicator_id,region_code,period,freq,value\ngdp,110000,2021-01-01,A,100\ngdp,120000,2021-01-01,A,\n", {},
            "long", [("gdp", "110000", "2021", 100.0), ("gdp", "120000", "2021", None)],
            id="canonical-long",
        ),
        pytest.param(
            "指标,地区,时间,数值,单位\n地区生产总值,北京市,2021年,\"1,000.5\",亿元\n", {}, "long",
            [("gdp", "110000", "2021", 1000.5)],
            id="chinese-long",
        ),
        pytest.param(
            "地区\\年份,2021,2022\nBeijing,1,2\n", {"indicator_id": "gdp"}, "wide_periods",
            [("gdp", "110000", "2021", 1.0), ("gdp", "110000", "2022", 2.0)],
            id="diagonal-header",
        ),
        pytest.param(
            ",2021,2022\n北京,1,2\n", {"indicator_id": "gdp"}, "wide_periods",
            [("gdp", "110000", "2021", 1.0), ("gdp", "110000", "2022", 2.0)],
            id="blank-corner",
        ),
        pytest.param(
            "地区,2021年\n北京,1\n天津,2\n", {"indicator_id": "gdp", "layout": "wide_periods"}, "wide_periods",
            [("gdp", "110000", "2021", 1.0), ("gdp", "120000", "2021", 2.0)],
            id="layout-chosen",
        ),
    ],
)  # fmt: skip
def test_layouts_are_recognised(text, options, kind, expected):
    upload = read(text.encode(), **options)
    assert upload.layout.kind == kind
    assert upload.report.ok, upload.report.to_frame("en").to_string()
    assert frame_of(upload) == expected


@pytest.mark.parametrize("spelling", ["北京", "北京市", "Beijing", "110000", "BJ", "Peking", " 北京 "])
def test_region_spellings(spelling):
    upload = read(f"地区,2021\n{spelling},1\n".encode(), indicator_id="gdp")
    assert list(upload.frame["region_code"]) == ["110000"]


def test_xlsx_title_rows_merged_cells_and_two_row_header():
    content = xlsx(
        [
            ["2023年分季度国内生产总值"],
            ["单位：亿元"],
            ["地区", "2023年", None, None, None],
            [None, "第一季度", "第二季度", "第三季度", "第四季度"],
            ["全国", 284997, 308038.5, "319,515", "—"],
            ["注：第四季度为初步核算数"],
        ],
        merges=("A1:E1", "B3:E3"),
    )
    upload = read(content, "q.xlsx", indicator_id="gdp_quarterly")
    assert upload.layout.header_rows == (2, 3) and upload.layout.title_unit == "亿元"
    assert frame_of(upload) == [
        ("gdp_quarterly", "100000", "2023Q1", 284997.0),
        ("gdp_quarterly", "100000", "2023Q2", 308038.5),
        ("gdp_quarterly", "100000", "2023Q3", 319515.0),
        ("gdp_quarterly", "100000", "2023Q4", None),
    ]
    assert set(upload.report.counts) == {"footnote_skipped", "missing_values"}


def test_a_table_away_from_the_corner_keeps_the_file_s_row_and_column_names():
    rows = [
        [None],
        [None, None, "表1 各地区生产总值", None, None, "单位：亿元"],  # title and unit on one row, not merged
        [None, None, "地区", "2021年", "2022年"],
        [None, None, "北京", 1, "x"],
    ]
    upload = read(xlsx(rows), "t.xlsx", indicator_id="gdp")
    assert upload.layout.title_unit == "亿元" and upload.layout.header_rows == (2,)
    assert [(p.code, p.row, p.column, p.header) for p in upload.report.errors] == [("not_a_number", 4, "E", "2022年")]
    assert list(upload.preview().columns) == ["C", "D", "E", "F"]


def test_xlsx_sheet_by_name_or_index_and_excel_dates():
    content = xlsx([["日期", "北京"], [pd.Timestamp("2023-01-31").to_pydatetime(), 0.5]], sheets=("说明", "数据"))
    by_name = read(content, "m.xlsx", sheet="数据", indicator_id="cpi_yoy")
    by_index = read(content, "m.xlsx", sheet=1, indicator_id="cpi_yoy")
    assert frame_of(by_name) == frame_of(by_index) == [("cpi_yoy", "110000", "2023-01", 0.5)]
    assert by_name.raw.sheets == ("说明", "数据")
    with pytest.raises(WrongSheet):
        read(content, "m.xlsx", sheet=5)


def test_file_objects_paths_and_progress(tmp_path):
    path = tmp_path / "gdp.csv"
    path.write_text("地区,2021\n北京,1\n", encoding="utf-8")
    stages = []
    upload = prepare(
        path, indicators=SPECS, options=UploadOptions(indicator_id="gdp"), progress=lambda s, d, t: stages.append(s)
    )
    assert upload.raw.file_name == "gdp.csv" and {"read", "parse", "validate"} <= set(stages)
    stream = io.BytesIO(path.read_bytes())
    stream.name = "upload.csv"
    assert prepare(stream, indicators=SPECS, options=UploadOptions(indicator_id="gdp")).raw.file_name == "upload.csv"
    assert upload.preview().loc[2, "A"] == "北京"


# --- round trip of a shipped indicator --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_trade() -> pd.DataFrame:
    """Total trade (亿美元) from the provincial panel, as the shipped loader gives it: a yearbook series with gaps
    that stays in the panel (GDP, which this test used to read, now comes from the portal vintage)."""
    panel = load_cn_prov_panel()
    return panel[panel["indicator_id"] == "trade_total"].reset_index(drop=True)


def wide_table(gdp: pd.DataFrame) -> pd.DataFrame:
    """Provinces (full Chinese names) × years (2021年…), the way yearbooks print it; absent cells NaN."""
    registry = region_registry()
    named = gdp.assign(name=gdp["region_code"].map(lambda c: registry.get(c).zh), year=gdp["period"].dt.year)
    table = named.pivot(index="name", columns="year", values="value")
    table.columns = [f"{y}年" for y in table.columns]
    return table


def gbk_csv(table: pd.DataFrame) -> bytes:
    lines = ["各地区进出口总额,,", "单位：亿美元,,", "地区," + ",".join(table.columns)]
    for name, row in table.iterrows():
        cells = ["—" if np.isnan(v) else f'"{v:,}"' for v in row]  # thousands separators, "—" for gaps
        lines.append(",".join([name, *cells]))
    return "\r\n".join(lines).encode("gbk")


def xlsx_table(table: pd.DataFrame) -> bytes:
    width = len(table.columns) + 1
    rows = [["各地区进出口总额"] + [None] * (width - 1), ["单位：亿美元"], ["地区", *table.columns]]
    rows += [[name, *("—" if np.isnan(v) else float(v) for v in row)] for name, row in table.iterrows()]
    return xlsx(rows, merges=(f"A1:{openpyxl.utils.get_column_letter(width)}1",))


def assert_same_observations(upload, gdp: pd.DataFrame) -> None:
    gdp = gdp[COLUMNS]
    """The upload's numbers are the loader's numbers; its extra rows are the grid's empty cells."""
    got = upload.frame
    pd.testing.assert_frame_equal(got.dropna().reset_index(drop=True), gdp.dropna().reset_index(drop=True))
    keys = ["region_code", "period"]
    loader_gaps = set(map(tuple, gdp[gdp["value"].isna()][keys].itertuples(index=False)))
    upload_gaps = set(map(tuple, got[got["value"].isna()][keys].itertuples(index=False)))
    assert loader_gaps <= upload_gaps and len(upload_gaps - loader_gaps) == len(got) - len(gdp)


@pytest.mark.parametrize("fmt", ["gbk-csv", "xlsx"])
def test_a_wide_release_of_a_shipped_series_round_trips(fmt, shipped_trade, tmp_path):
    table = wide_table(shipped_trade)
    content, name = (gbk_csv(table), "gdp.csv") if fmt == "gbk-csv" else (xlsx_table(table), "gdp.xlsx")
    store = Store.open(f"sqlite:///{tmp_path / 's.sqlite3'}")
    store.seed({"cn_prov_panel": load_cn_prov_panel})
    upload = prepare(content, name, indicators=catalogue_specs(), store=store)
    assert upload.dataset_id == "cn_prov_panel" and upload.layout.kind == "wide_periods"
    assert upload.raw.encoding == ("gb18030" if fmt == "gbk-csv" else None)
    assert upload.report.ok and set(upload.report.counts) == {"indicator_from_title", "missing_values"}
    assert_same_observations(upload, shipped_trade)
    assert upload.report.diff.is_empty  # the same numbers as stored
    with pytest.raises(NothingToCommit):
        commit(store, upload, actor=steward("test"))
    fresh = Store.open(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")  # an empty store: the upload is version 1
    first = prepare(content, name, indicators=catalogue_specs(), store=fresh)
    assert commit(fresh, first, actor=steward("test")).row_count == len(first.frame)
    pd.testing.assert_frame_equal(fresh.observations(), with_flag(first.frame))  # uploads are final figures
    store.close()
    fresh.close()


# --- a probable revision in an upload ------------------------------------------------------------------------------


def revision_release(factor: float, revised: list[str]) -> bytes:
    """GDP 2025 for the 31 provinces: 2024 × 1.05, and `revised` provinces × `factor` instead (GBK CSV)."""
    nbs = load_cn_prov_nbs()
    base = nbs[(nbs["indicator_id"] == "gdp") & (nbs["period"] == "2024-01-01")].set_index("region_code")["value"]
    registry = region_registry()
    lines = ["地区,2025年"] + [
        f"{registry.get(c).zh},{v * (factor if c in revised else 1.05):.1f}" for c, v in base.items()
    ]
    return ("分省地区生产总值（亿元）\n" + "\n".join(lines)).encode("gbk")


@pytest.fixture(scope="module")
def portal_store(tmp_path_factory):
    """A store holding the portal vintage, as shipped."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('portal') / 's.sqlite3'}")
    store.seed({"cn_prov_nbs": load_cn_prov_nbs})
    yield store
    store.close()


def test_a_jump_many_provinces_share_is_warned_as_a_probable_revision(portal_store):
    revised = ["120000", "150000", "210000", "220000", "230000", "450000", "630000"]  # 7 of 31: over min_share
    upload = prepare(revision_release(0.7, revised), "gdp_2025.csv", indicators=catalogue_specs(), store=portal_store)
    assert upload.ok  # a warning, not an error: the person committing decides
    warned = [p for p in upload.report.warnings if p.code == "probable_revision"]
    assert len(warned) == 1 and upload.report.counts["probable_revision"] == 1
    zh, en = warned[0].message_zh, warned[0].message_en  # the indicator by its name, not its id
    assert "地区生产总值：在 2025，有 7 个地区（共 31 个）" in zh and "辽宁 -30.0%" in zh
    assert "Gross regional product: in 2025, 7 of 31 regions jump at once" in en and "Liaoning -30.0%" in en


def test_an_ordinary_release_and_a_rate_get_no_break_warning(portal_store):
    ordinary = prepare(revision_release(1.05, []), "gdp_2025.csv", indicators=catalogue_specs(), store=portal_store)
    assert "probable_revision" not in ordinary.report.counts
    two = prepare(
        revision_release(0.7, ["120000", "150000"]), "gdp.csv", indicators=catalogue_specs(), store=portal_store
    )
    assert "probable_revision" not in two.report.counts  # two provinces are not "many" (min_regions = 3)
    as_rate = [IndicatorSpec(s.id, s.units, s.names, s.freq, s.dataset, level=False) for s in catalogue_specs()]
    rate = prepare(revision_release(0.7, ["120000", "150000", "210000", "220000"]), "g.csv", indicators=as_rate,
                   store=portal_store)  # fmt: skip
    assert "probable_revision" not in rate.report.counts  # only levels are examined


# --- issue 12: the indicator a wide file states in its title or a header cell ---------------------------------------

STATED = {
    "zh-title-line": "地区生产总值（亿元）\n地区,2021,2022\n北京,1,2\n天津,3,4\n",
    "zh-title-with-year": "2022年分省地区生产总值（亿元）\n地区,2021,2022\n北京,1,2\n天津,3,4\n",
    "en-title-line": "Gross regional product (100 million yuan)\nregion,2021,2022\nBeijing,1,2\nTianjin,3,4\n",
    "zh-header-cell": "地区生产总值（亿元）,2021,2022\n北京,1,2\n天津,3,4\n",
    "en-header-cell": "Gross regional product (100 million yuan),2021,2022\nBeijing,1,2\nTianjin,3,4\n",
}


@pytest.mark.parametrize("text", list(STATED.values()), ids=list(STATED))
def test_the_indicator_stated_in_a_title_or_header_is_used(text):
    upload = prepare(text.encode(), "r.csv", indicators=catalogue_specs())
    assert upload.report.ok, upload.report.to_frame("en").to_string()
    assert upload.stated_indicator == "gdp" and set(upload.frame["indicator_id"]) == {"gdp"}
    assert sorted(upload.frame["region_code"].unique()) == ["110000", "120000"]
    assert set(upload.report.counts) == {"indicator_from_title"}  # the unit in brackets is read: no "no unit" warning
    (said,) = upload.report.warnings
    assert "地区生产总值" in said.message_zh and "Gross regional product" in said.message_en


def test_the_user_s_choice_overrides_the_stated_indicator():
    text = STATED["zh-header-cell"].replace("（亿元）", "")
    upload = prepare(
        text.encode(), "r.csv", indicators=catalogue_specs(), options=UploadOptions(indicator_id="population")
    )
    assert upload.report.ok and upload.stated_indicator is None
    assert set(upload.frame["indicator_id"]) == {"population"} and "indicator_from_title" not in upload.report.counts


def test_years_in_brackets_after_a_title_are_not_a_unit():
    text = "地区生产总值（2021—2022年）\n地区,2021,2022\n北京,1,2\n"
    upload = prepare(text.encode(), "r.csv", indicators=catalogue_specs())
    assert upload.report.ok and upload.stated_indicator == "gdp"
    assert set(upload.report.counts) == {"indicator_from_title", "no_unit"}


def test_a_problem_of_a_title_line_names_the_row():
    upload = prepare(STATED["zh-title-line"].encode(), "r.csv", indicators=catalogue_specs())
    assert upload.report.to_frame("zh").loc[0, "cells"] == "第 1 行"
    assert upload.report.to_frame("en").loc[0, "cells"] == "row 1"
    header = prepare(STATED["zh-header-cell"].encode(), "r.csv", indicators=catalogue_specs())
    assert header.report.to_frame("en").loc[0, "cells"] == "A1"
