"""Tables to CSV (UTF-8 with BOM) and XLSX: Chinese round-trips, numbers stay numbers, formulas are neutralised."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from briefing import BadItem, TableMeta, neutralise, to_csv, to_xlsx
from briefing.tables import column_formats, shown, source_row

META = TableMeta(title="地区排名", source="国家统计局（统计年鉴）", units={"数值": "亿元"}, decimals={"数值": 1})


@pytest.fixture
def table() -> pd.DataFrame:
    """Three provinces with a gap, a negative number and text that a spreadsheet would run as formulas."""
    return pd.DataFrame(
        {
            "排名": [1, 2, 3],
            "地区": ["广东", '=HYPERLINK("http://x","点我")', "@SUM(A1:A2)"],
            "数值": [129118.6, -5.25, np.nan],
            "备注": ["+1 同比", "-增长", "\t=1+1"],
        }
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86 20", "'+86 20"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (' =HYPERLINK("http://x","y")', '\' =HYPERLINK("http://x","y")'),
        ("\n+1", "'\n+1"),
        ("\u3000@A1", "'\u3000@A1"),
        ("＝1+2", "'＝1+2"),
        ("＋86", "'＋86"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("  广东", "  广东"),
        ("广东", "广东"),
        ("a=b", "a=b"),
        (-5.25, -5.25),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_has_a_bom_and_round_trips_chinese(table):
    data = to_csv(table, META)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", skipfooter=2, engine="python")
    assert list(back.columns) == ["排名", "地区", "数值（亿元）", "备注"]
    assert back["地区"].iloc[0] == "广东"
    assert back["数值（亿元）"].iloc[0] == pytest.approx(129118.6)
    assert back["数值（亿元）"].iloc[1] == pytest.approx(-5.25)  # a negative number stays a number
    assert pd.isna(back["数值（亿元）"].iloc[2])  # a gap stays a gap
    assert data.decode("utf-8-sig").rstrip().endswith("来源：国家统计局（统计年鉴）")


def test_csv_neutralises_formula_like_text(table):
    back = pd.read_csv(io.BytesIO(to_csv(table, META)), encoding="utf-8-sig", skipfooter=2, engine="python")
    assert back["地区"].tolist()[1:] == ['\'=HYPERLINK("http://x","点我")', "'@SUM(A1:A2)"]
    assert back["备注"].tolist() == ["'+1 同比", "'-增长", "'\t=1+1"]


def test_csv_without_meta_is_plain(table):
    text = to_csv(table[["排名"]]).decode("utf-8-sig")
    assert text.splitlines() == ["排名", "1", "2", "3"]


def test_xlsx_keeps_numbers_as_numbers_and_formulas_as_text(table):
    ws = load_workbook(io.BytesIO(to_xlsx(table, META))).active
    assert ws.title == "地区排名"
    assert [c.value for c in ws[1]] == ["排名", "地区", "数值（亿元）", "备注"]
    assert ws["A2"].value == 1 and ws["A2"].data_type == "n"
    assert ws["C2"].value == pytest.approx(129118.6) and ws["C2"].data_type == "n"
    assert ws["C3"].value == pytest.approx(-5.25) and ws["C3"].data_type == "n"
    assert ws["C2"].number_format == "#,##0.0" and ws["A2"].number_format == "#,##0"
    assert ws["C4"].value is None
    for ref, text in [("B3", '=HYPERLINK("http://x","点我")'), ("B4", "@SUM(A1:A2)"), ("D4", "\t=1+1")]:
        assert ws[ref].value == text and ws[ref].data_type == "s", ref
        assert ws[ref].quotePrefix
    assert ws["B2"].value == "广东"


def test_xlsx_header_is_styled_frozen_and_columns_are_sized(table):
    ws = load_workbook(io.BytesIO(to_xlsx(table, META))).active
    assert all(c.font.bold for c in ws[1])
    assert ws["A1"].fill.fgColor.rgb.endswith("34495E")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D4"
    widths = {col: ws.column_dimensions[col].width for col in "ABCD"}
    assert all(8 <= w <= 60 for w in widths.values())
    assert widths["B"] > widths["A"]  # the long text column is wider than the rank column


def test_xlsx_source_row_sits_below_the_data(table):
    ws = load_workbook(io.BytesIO(to_xlsx(table, META))).active
    assert ws["A5"].value is None
    assert ws["A6"].value == "来源：国家统计局（统计年鉴）"
    english = load_workbook(io.BytesIO(to_xlsx(table, META, "en"))).active
    assert english["A6"].value == "Source: 国家统计局（统计年鉴）"
    assert english["C1"].value == "数值 (亿元)"


def test_xlsx_reads_back_with_pandas(table):
    back = pd.read_excel(io.BytesIO(to_xlsx(table, META)), nrows=3)
    assert back["数值（亿元）"].dtype == float
    assert back["地区"].iloc[1].startswith("=HYPERLINK")


def test_dates_are_written_as_dates():
    frame = pd.DataFrame({"时期": pd.to_datetime(["2022-01-01", "2023-01-01"]), "值": [1.5, 2.5]})
    ws = load_workbook(io.BytesIO(to_xlsx(frame))).active
    assert ws["A2"].is_date and ws["A2"].number_format == "yyyy-mm-dd"


def test_shown_formats_a_table_for_slides(table):
    view = shown(table, META, "zh", max_rows=2)
    assert view.headers[2] == "数值（亿元）"
    assert view.rows[0][2] == "129,118.6" and view.rows[1][2] == "-5.2"
    assert view.numeric == [True, False, True, False]
    assert view.total == 3 and len(view.rows) == 2
    assert shown(table, None, "zh", 5).rows[2][2] == "—"


@pytest.mark.parametrize("writer", [to_csv, to_xlsx])
def test_a_non_frame_is_refused(writer):
    with pytest.raises(BadItem, match="expected a pandas DataFrame; got list"):
        writer([[1, 2]])


@pytest.mark.parametrize(
    ("source", "lang", "row"),
    [
        (
            "来源：国家统计局（统计年鉴）",
            "zh",
            "来源：国家统计局（统计年鉴）",
        ),  # a page's footer line: labelled already
        ("Sources: NBS; World Bank", "en", "Sources: NBS; World Bank"),
        ("Source: NBS", "zh", "Source: NBS"),
        ("国家统计局", "zh", "来源：国家统计局"),
        ("NBS", "en", "Source: NBS"),
    ],
)
def test_the_source_row_is_labelled_once(source, lang, row):
    assert source_row(source, lang) == row


def test_csv_and_xlsx_never_double_the_source_label(table):
    meta = TableMeta(title="地区排名", source="来源：国家统计局（统计年鉴） · 许可：CC BY 4.0")
    text = to_csv(table, meta).decode("utf-8-sig")
    assert "来源：来源：" not in text and text.count("来源：") == 1
    ws = load_workbook(io.BytesIO(to_xlsx(table, meta))).active
    assert ws.cell(row=len(table) + 3, column=1).value == meta.source


def test_one_number_of_decimals_per_column_with_separators_but_not_for_years():
    frame = pd.DataFrame(
        {"年份": [2023, 2024], "数值": [129118.6, 5.0], "比率": [0.125, 3.5], "人数": [12656, 980], "名称": ["a", "b"]}
    )
    assert column_formats(frame) == {"年份": (0, False), "数值": (1, True), "比率": (2, True), "人数": (0, True)}
    assert column_formats(frame, TableMeta("t", decimals={"数值": 2}))["数值"] == (2, True)
    view = shown(frame, None, "zh", 10)
    assert view.rows == [["2023", "129,118.6", "0.12", "12,656", "a"], ["2024", "5.0", "3.50", "980", "b"]]
    ws = load_workbook(io.BytesIO(to_xlsx(frame, TableMeta("t")))).active
    assert [ws[f"{c}2"].number_format for c in "ABCD"] == ["0", "#,##0.0", "#,##0.00", "#,##0"]
    assert ws["B3"].value == 5.0 and ws["B3"].data_type == "n"  # real numbers, formatted by Excel
