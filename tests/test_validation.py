"""The validation report: a corpus of real-world-shaped bad files, warnings against history, and the messages.

Every bad file gives its own specific problem (or named whole-file error) in Chinese and English, and leaves the
store exactly as it was — on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field, replace

import openpyxl
import pandas as pd
import pytest
from actors import steward
from pg import postgres_url

from common.text import Text
from data import errors
from data.loaders import load_cn_prov_panel
from data.store import Store
from data.upload import UploadOptions, commit, prepare, specs_from_units
from data.upload.read import Limits
from data.upload.validation import Thresholds

DATASET = "prov"
SPECS = specs_from_units(
    {"gdp": {"亿元", "100 million yuan"}, "population": {"万人"}, "cpi_yoy": {"%"}},
    names={"gdp": {"地区生产总值", "GDP"}, "population": {"年末常住人口"}, "cpi_yoy": {"CPI同比"}},
    freqs={"gdp": "A", "population": "A", "cpi_yoy": "M"},
    datasets={"gdp": DATASET, "population": DATASET, "cpi_yoy": "monthly"},
)


def history() -> pd.DataFrame:
    """Shipped gdp and population of Beijing and Tianjin, 2000–2021: the stored version 1."""
    panel = load_cn_prov_panel()
    keep = (
        panel["indicator_id"].isin(["gdp", "population"])
        & panel["region_code"].isin(["110000", "120000"])
        & panel["period"].between("2000-01-01", "2021-01-01")
    )
    return panel[keep].reset_index(drop=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    """A store holding the toy provincial dataset as version 1, on each backend."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 's.sqlite3'}" if request.param == "sqlite" else postgres_url()
    opened = Store.open(url)
    opened.seed({DATASET: history})
    yield opened
    opened.close()


def snapshot(store: Store) -> tuple:
    return (
        store.observations(),
        [(v.number, v.current, v.row_count) for v in store.history(DATASET)],
        len(store.events(DATASET)),
    )


def xlsx(rows: list[list], merges: tuple[str, ...] = (), sheet: str = "数据") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    for cells in merges:
        book.active.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Bad:
    """A bad file and what the report must say about it."""

    content: bytes
    name: str = "release.csv"
    options: dict = field(default_factory=dict)
    raises: type | None = None  # a whole-file error
    code: str | None = None  # or a problem in the report (or the error's code, for an error class with several)
    row: int | None = None
    column: str | None = None
    zh: str = ""  # fragments each message must contain
    en: str = ""


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


GDP = {"indicator_id": "gdp"}
CORPUS = {
    "big5-encoding": Bad(
        csv("地區,2022年\n臺灣省,2\n內蒙古自治區,3\n", "big5"), raises=errors.UnsupportedEncoding, zh="Big5", en="Big5"
    ),
    "latin-encoding": Bad(
        csv("région,année\nÎle-de-France,2021\nRhône,2022\n", "cp1252"),
        raises=errors.UnsupportedEncoding,
        zh="UTF-8",
        en="not UTF-8",
    ),
    "binary-garbage": Bad(bytes(range(128, 256)) * 3, raises=errors.UnreadableEncoding, zh="编码", en="encoding"),
    # Issue 12: NUL bytes mean a binary file (an image, a program) renamed .csv: not an encoding problem.
    "png-renamed-csv": Bad(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
        "data.csv",
        raises=errors.NotATextFile,
        zh="不是文本文件",
        en="not a text file",
    ),
    "nul-in-text": Bad(b"\xe5\x9c\xb0\xe5\x8c\xba,2021\n\x00\x00,1\n", raises=errors.NotATextFile, zh="NUL", en="NUL"),
    "empty-file": Bad(b"", raises=errors.EmptyFile, zh="空的", en="empty"),
    "blank-lines": Bad(b"\xef\xbb\xbf\r\n \r\n", raises=errors.EmptyFile, zh="空的", en="empty"),
    "huge-file": Bad(b"x" * (Limits().max_bytes + 1), raises=errors.FileTooLarge, zh="50.0 MB", en="limit of 50.0 MB"),
    "too-many-rows": Bad(
        csv("地区,2021\n" + "北京,1\n" * 30),
        options={"limits": Limits(max_rows=20)},
        raises=errors.TooManyRows,
        zh="20 行",
        en="more than 20 rows",
    ),
    "wrong-sheet": Bad(
        xlsx([["地区", "2021"], ["北京", 1]]),
        "r.xlsx",
        {"sheet": "Sheet1"},
        raises=errors.WrongSheet,
        zh="“Sheet1”",
        en="数据",
    ),
    "old-xls": Bad(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "r.xls",
        raises=errors.UnsupportedFileType,
        zh=".xlsx",
        en="Excel 97",
    ),
    "broken-xlsx": Bad(
        b"PK\x03\x04 this is not really a workbook",
        "r.xlsx",
        raises=errors.DamagedFile,
        code="xlsx_bad_zip",
        zh="损坏",
        en="damaged",
    ),
    "no-header": Bad(csv("北京\n天津\n"), raises=errors.NoHeader, zh="表头", en="No header row"),
    "not-a-data-table": Bad(csv("姓名,电话\n张三,123\n"), raises=errors.UnrecognisedLayout, zh="姓名", en="layout"),
    "bad-layout-choice": Bad(
        csv("地区,2021\n北京,1\n"),
        options={"layout": "diagonal"},
        raises=errors.BadLayoutOption,
        zh="diagonal",
        en="wide_periods",
    ),
    "merged-header": Bad(
        xlsx([["地区", "2021年", None], ["北京", 1, 2]], merges=("B1:C1",)),
        "r.xlsx",
        GDP,
        code="empty_header",
        row=1,
        column="C",
        zh="第 C 列",
        en="Column C has data but no header",
    ),
    "unknown-region": Bad(
        csv("地区,2021\n北京,1\n北京省,2\n"),
        options=GDP,
        code="unknown_region",
        row=3,
        column="A",
        zh="未知地区“北京省”。最接近的名称：北京",
        en="Unknown region '北京省'. Closest names: 北京",
    ),
    "duplicate-key": Bad(
        csv("地区,2021\n北京,1\n天津,2\n北京市,3\n"),
        options=GDP,
        code="duplicate_key",
        row=4,
        column="B",
        zh="已在第 2 行出现",
        en="already appears in row 2",
    ),
    "duplicate-header": Bad(
        csv("地区,2021,2021\n北京,1,2\n"),
        options=GDP,
        code="duplicate_header",
        row=1,
        column="C",
        zh="第 B 列与第 C 列",
        en="columns B and C",
    ),
    "text-in-number": Bad(
        csv("地区,2021\n北京,12.3亿\n"),
        options=GDP,
        code="not_a_number",
        row=2,
        column="B",
        zh="“12.3亿”不是数字",
        en="'12.3亿' is not a number",
    ),
    "formula-xlsx": Bad(
        xlsx([["地区", "2020", "2021"], ["北京", 1, "=B2*2"]]),
        "r.xlsx",
        GDP,
        code="formula_cell",
        row=2,
        column="C",
        zh="公式“=B2*2”",
        en="never evaluated",
    ),
    "formula-csv": Bad(
        csv("地区,2021\n北京,=1+1\n"), options=GDP, code="formula_cell", row=2, column="B", zh="=1+1", en="formula"
    ),
    "excel-error": Bad(
        xlsx([["地区", "2021"], ["北京", "#DIV/0!"]]),
        "r.xlsx",
        GDP,
        code="excel_error",
        row=2,
        column="B",
        zh="#DIV/0!",
        en="Excel error",
    ),
    "unit-mismatch": Bad(
        csv("地区生产总值\n单位：万元\n地区,2021\n北京,1\n"), code="unit_mismatch", zh="单位“万元”", en="Convert to"
    ),
    "percent-in-amount": Bad(
        csv("地区,2021\n北京,5%\n"), options=GDP, code="percent_sign", row=2, column="B", zh="百分号", en="percent sign"
    ),
    "bad-period-header": Bad(
        csv("地区,2021年,前年\n北京,1,2\n"),
        options=GDP,
        code="unrecognised_header",
        row=1,
        column="C",
        zh="“前年”",
        en="not period",
    ),
    "bad-period-cell": Bad(
        csv("地区,年份,地区生产总值\n北京,2021年13月,1\n"),
        code="bad_period",
        row=2,
        column="B",
        zh="2021年13月",
        en="Cannot read the period",
    ),
    "quarter-for-annual": Bad(
        csv("地区,2021Q1\n北京,1\n"),
        options=GDP,
        code="freq_mismatch",
        row=1,
        column="B",
        zh="季度数据",
        en="is quarterly",
    ),
    "no-indicator": Bad(csv("地区,2021\n北京,1\n"), code="key_required", zh="指标", en="no indicator column"),
    "unknown-indicator": Bad(
        csv("指标,地区,时间,数值\n地区生产总值X,北京,2021,1\n"),
        code="unknown_indicator",
        row=2,
        column="A",
        zh="gdp",
        en="Closest indicators: gdp",
    ),
    "other-dataset": Bad(
        csv("月份,北京\n2023年1月,1.2\n"),
        options={"indicator_id": "cpi_yoy"},
        code="wrong_dataset",
        zh="monthly",
        en="belongs to the dataset 'monthly'",
    ),
    "header-only": Bad(csv("地区,2021\n"), options=GDP, code="no_data_rows", zh="没有数据行", en="no data rows"),
    "empty-region-cell": Bad(
        csv("指标,地区,时间,数值\ngdp,,2021,1\n"), code="missing_key", row=2, column="B", zh="缺少地区", en="no region"
    ),
}


@pytest.mark.parametrize("case", list(CORPUS.values()), ids=list(CORPUS))
def test_a_bad_file_gets_its_specific_message_and_the_store_is_unchanged(case: Bad, store):
    before = snapshot(store)
    options = UploadOptions(**case.options)
    if case.raises is not None:
        with pytest.raises(case.raises) as caught:
            prepare(case.content, case.name, indicators=SPECS, dataset_id=DATASET, store=store, options=options)
        assert caught.value.code == (case.code or case.raises.code)
        assert case.zh in caught.value.message("zh") and case.en in caught.value.message("en")
    else:
        upload = prepare(case.content, case.name, indicators=SPECS, dataset_id=DATASET, store=store, options=options)
        found = [p for p in upload.report.errors if p.code == case.code]
        assert found, upload.report.to_frame("en").to_string()
        problem = found[0]
        assert (problem.row, problem.column) == (case.row, case.column) or case.row is None
        assert case.zh in problem.message_zh and case.en in problem.message_en
        assert not upload.report.ok
        with pytest.raises(errors.ValidationFailed):
            commit(store, upload, actor=steward("test"))
    after = snapshot(store)
    pd.testing.assert_frame_equal(after[0], before[0])
    assert after[1:] == before[1:]


# --- warnings ---------------------------------------------------------------------------------------------------


def stored(store: Store, region: str, year: int) -> float:
    obs = store.observations([DATASET]).set_index(["indicator_id", "region_code", "period"])["value"]
    return float(obs[("gdp", region, pd.Timestamp(f"{year}-01-01"))])


def test_warnings_flag_outliers_revisions_gaps_and_missing_periods_without_blocking(store):
    bj21, tj21 = stored(store, "110000", 2021), stored(store, "120000", 2021)
    text = (
        "地区生产总值\n单位：亿元\n地区,2020年,2021年,2023年\n"
        f"北京,—,{bj21 * 1.2:.1f},{bj21 * 10:.1f}\n"  # 2020 blank over a stored value; 2021 revised +20 %; 2023 ×10
        f"天津,{stored(store, '120000', 2020)},{tj21},{tj21 * 1.05:.1f}\n"
    )
    upload = prepare(text.encode("gbk"), "r.csv", indicators=SPECS, dataset_id=DATASET, store=store)
    report = upload.report
    assert report.ok and report.error_count == 0
    by_code = {p.code: p for p in report.warnings}
    assert set(by_code) >= {"gap_kept", "large_revision", "missing_period", "indicator_from_title"}
    assert (by_code["gap_kept"].row, by_code["gap_kept"].column) == (4, "B")
    assert (by_code["large_revision"].row, by_code["large_revision"].column) == (4, "C")
    assert "+20.0%" in by_code["large_revision"].message_en
    missing = sorted(p.message_en for p in report.warnings if p.code == "missing_period")
    assert missing == ["gdp · Beijing has no data for: 2022.", "gdp · Tianjin has no data for: 2022."]
    assert "outlier" not in by_code  # 2023 follows a missing 2022: no adjacent period to judge a change by
    assert report.diff.as_dict() == {"added": 2, "changed": 1, "removed": 0}


def test_an_outlier_is_flagged_by_its_row_and_column(store):
    text = (
        f"地区,2022年\n北京,{stored(store, '110000', 2021) * 10:.1f}\n天津,{stored(store, '120000', 2021) * 1.04:.1f}\n"
    )
    upload = prepare(text.encode(), "r.csv", indicators=SPECS, store=store, options=UploadOptions(**GDP))
    outliers = [p for p in upload.report.warnings if p.code == "outlier"]
    assert [(p.row, p.column) for p in outliers] == [(2, "B")]
    assert "2021" in outliers[0].message_zh and "far outside" in outliers[0].message_en


def test_a_clean_upload_with_warnings_commits_and_records_its_summary(tmp_path):
    own = Store.open(f"sqlite:///{tmp_path / 's.sqlite3'}")
    own.seed({DATASET: history})
    text = "地区,2022年\n北京,41610.9\n天津,16311.3\n"
    upload = prepare(text.encode(), "gdp2022.csv", indicators=SPECS, store=own, options=UploadOptions(**GDP))
    assert upload.report.ok and upload.dataset_id == DATASET
    info = commit(own, upload, actor=steward("王芳"), note="2022 年鉴")
    assert (info.number, info.file_name, info.created_by, info.note) == (2, "gdp2022.csv", "王芳", "2022 年鉴")
    assert info.checksum == upload.raw.checksum and info.diff == upload.report.diff
    assert info.summary["errors"] == 0 and info.summary["by_code"] == dict(upload.report.counts)
    json.dumps(info.summary)
    stale = prepare(
        text.replace("41610.9", "41611").encode(), "x.csv", indicators=SPECS, store=own, options=UploadOptions(**GDP)
    )
    own.rollback(DATASET, 1, actor=steward("b"))
    with pytest.raises(errors.StaleVersion):
        commit(own, stale, actor=steward("a"))
    own.close()


def test_a_file_full_of_errors_is_counted_in_full_and_listed_in_part():
    text = "地区,2021\n" + "".join(f"火星{i},1\n" for i in range(300))
    upload = prepare(
        text.encode(),
        "r.csv",
        indicators=SPECS,
        options=UploadOptions(indicator_id="gdp", thresholds=Thresholds(max_details=25)),
    )
    assert upload.report.counts["unknown_region"] == 300 and upload.report.error_count == 300
    assert len(upload.report.errors) == 25
    table = upload.report.to_frame("zh")
    assert list(table.columns) == ["severity", "code", "row", "column", "cells", "header", "value", "message"]
    assert table[table["severity"] == "error"]["message"].str.contains("未知地区“火星").all()


# --- issue 12: every problem at once, one message per problem, names not codes -----------------------------------

LABELS = {"gdp": ("地区生产总值", "Gross regional product"), "population": ("年末常住人口", "Population")}
UNITS = {"gdp": ("亿元", "100 million yuan"), "population": ("万人", "10 thousand persons")}


def named_specs() -> list:
    """SPECS with display names and units in both languages, as the Data page builds them from the catalogue."""
    return [
        replace(spec, label=Text(*LABELS[spec.id]), unit_text=Text(*UNITS[spec.id])) if spec.id in LABELS else spec
        for spec in SPECS
    ]


def test_cell_problems_are_reported_together_with_a_missing_indicator():
    text = "地区,2021,2022\n北京,1,x\n火星,2,3\n"
    upload = prepare(text.encode(), "r.csv", indicators=SPECS, dataset_id=DATASET)
    codes = {p.code for p in upload.report.errors}
    assert codes == {"key_required", "unknown_region", "not_a_number"}, upload.report.to_frame("en").to_string()
    where = {p.code: p.cells for p in upload.report.problems}
    assert where["unknown_region"] == ("A3",) and where["not_a_number"] == ("C2",)


@pytest.mark.parametrize(
    ("text", "code", "cells"),
    [
        ("地区,2019,2020,2021,2022,2023\n北京省,1,2,3,4,5\n", "unknown_region", ("A2",)),  # once, not five times
        ("地区,2020,2021\n北京省,1,2\n天津,1,2\n北京省,3,4\n", "unknown_region", ("A2", "A4")),
        ("地区,2020,2021\n北京,十,1\n天津,1,十\n", "not_a_number", ("B2", "C3")),
        ("指标,地区,时间,数值\ngdp,,2020,1\ngdp,天津,2020,1\ngdp,,2021,1\n", "missing_key", ("B2", "B4")),
    ],
    ids=["one-row-five-values", "one-name-two-rows", "one-text-two-cells", "two-empty-region-cells"],
)
def test_one_problem_is_one_message_naming_every_cell(text, code, cells):
    upload = prepare(text.encode(), "r.csv", indicators=SPECS, dataset_id=DATASET, options=UploadOptions(**GDP))
    found = [p for p in upload.report.problems if p.code == code]
    assert len(found) == 1, upload.report.to_frame("en").to_string()
    assert found[0].cells == cells and upload.report.counts[code] == 1
    assert upload.report.to_frame("en").loc[0, "cells"] == ", ".join(cells)


def test_the_cells_of_a_problem_are_listed_up_to_a_cap_and_counted_in_full():
    text = "地区,2021\n" + "".join(f"北京,{'x' if i % 2 else 1}\n" for i in range(120))
    upload = prepare(
        text.encode(),
        "r.csv",
        indicators=SPECS,
        options=UploadOptions(**GDP, thresholds=Thresholds(max_cells=10)),
    )
    (problem,) = [p for p in upload.report.problems if p.code == "not_a_number"]
    assert problem.cells == tuple(f"B{r}" for r in range(3, 23, 2)) and problem.cell_count == 60
    assert upload.report.to_frame("zh").loc[0, "cells"].endswith("… (+50)")


@pytest.mark.parametrize(
    ("lang", "region", "indicator"), [("zh", "北京", "地区生产总值"), ("en", "Beijing", "Gross regional product")]
)
def test_a_duplicate_names_the_region_and_indicator_by_name(lang, region, indicator):
    text = "地区,2021\n北京,1\n天津,2\n北京市,3\n"
    upload = prepare(text.encode(), "r.csv", indicators=named_specs(), options=UploadOptions(**GDP))
    (problem,) = [p for p in upload.report.problems if p.code == "duplicate_key"]
    message = problem.message(lang)
    assert f"{indicator} · {region} · 2021" in message
    assert "110000" not in message and "gdp" not in message


@pytest.mark.parametrize(
    ("text", "options", "code", "zh", "en"),
    [
        (
            "地区,2021\n北京,1\n",
            GDP,
            "no_unit",
            "“地区生产总值”的单位（亿元）",
            "'Gross regional product' (100 million yuan)",
        ),
        (
            "地区,2021\n北京,1\n",
            {"indicator_id": "population", "unit": "人"},
            "unit_mismatch",
            "（万人）",
            "(10 thousand persons)",
        ),
        ("地区,2021\n北京,5%\n", GDP, "percent_sign", "单位是亿元", "measured in 100 million yuan"),
    ],
    ids=["no-unit", "unit-mismatch", "percent-sign"],
)
def test_messages_name_indicators_and_units_in_the_reader_s_language(text, options, code, zh, en):
    upload = prepare(text.encode(), "r.csv", indicators=named_specs(), options=UploadOptions(**options))
    (problem,) = [p for p in upload.report.problems if p.code == code]
    assert zh in problem.message_zh and en in problem.message_en
    assert "million" not in problem.message_zh and "亿" not in problem.message_en  # no unit of the other language
    assert "gdp" not in problem.message_zh + problem.message_en


def test_a_wrong_dataset_is_named_by_its_title():
    specs = specs_from_units({"gdp": {"亿元"}}, datasets={"gdp": "cn_prov_panel"})
    upload = prepare(
        "地区,2021\n北京,1\n".encode(), "r.csv", indicators=specs, dataset_id="wb_wdi", options=UploadOptions(**GDP)
    )
    (problem,) = [p for p in upload.report.problems if p.code == "wrong_dataset"]
    assert "cn_prov_panel" not in problem.message_zh and "wb_wdi" not in problem.message_en
    assert "中国分省年度面板" in problem.message_zh


def test_a_changed_value_is_listed_with_its_old_and_new_value(store):
    old = stored(store, "110000", 2021)
    text = f"地区,2020,2021\n北京,{stored(store, '110000', 2020)},{old + 1000}\n"
    upload = prepare(text.encode(), "r.csv", indicators=SPECS, store=store, options=UploadOptions(**GDP))
    changes = upload.changes
    assert len(changes) == 1
    row = changes.iloc[0]
    assert (row["region_code"], row["period"], row["freq"], row["old"], row["new"]) == (
        "110000",
        pd.Timestamp("2021-01-01"),
        "A",
        old,
        old + 1000,
    )
    assert (row["row"], row["column"]) == (2, "C")
