"""An office's case export imported (services/importer.py, services/logs.py, data/store/case_logs.py): a GBK CSV and
an XLSX with Chinese headers round-trip into the canonical table, personal data never reaches the store, the
mapping is remembered per source, versions roll back, and a bad file changes nothing — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import gzip
import io

import openpyxl
import pandas as pd
import pytest
from actors import steward, viewer

from data.datasets import dataset
from data.errors import AccessDenied, UnknownVersion
from services import importer
from services.boston import read_boston
from services.cases import CASE_COLUMNS
from services.logs import NotImportable, store_import, stored_cases

HEADERS = ["工单编号", "登记时间", "来电人姓名", "联系电话", "诉求内容", "一级分类", "二级分类", "诉求类型",
           "承办单位", "所属区县", "所属街道", "来源渠道", "承诺办结时间", "办结时间", "评价结果", "整改情况",
           "身份证号", "详细地址"]  # fmt: skip
ROWS = [
    ["GD001", "2024年3月5日 8时30分", "张三", "13800000000", "路灯不亮", "城市管理", "市政设施", "路灯", "城管局",
     "东城区", "东华门街道", "12345热线", "2024-03-08 08:30", "2024/3/6 10:00", "非常满意", "", "110101199001011234",
     "东城区某路1号"],
    ["GD002", "2024-03-05 09:00:00", "李四", "13900000000", "夜间施工噪音", "生态环境", "噪声", "夜间施工",
     "生态环境局", "西城区", "金融街街道", "网站", "2024-03-07 09:00", "", "", "", "", ""],
    ["GD003", "2024-03-06 10:00", "王五", "13700000000", "水管漏水", "城市管理", "供水", "", "水务局", "东城区",
     "东华门街道", "APP", "2024-03-07 00:00", "2024-03-08 12:00", "不满意", "已整改", "", ""],
]  # fmt: skip
PERSONAL = ["来电人姓名", "联系电话", "诉求内容", "身份证号", "详细地址"]
SECRETS = ("张三", "13800000000", "路灯不亮", "110101199001011234", "东城区某路1号")


def gbk_csv(rows=ROWS, headers=HEADERS) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode("gbk")


def xlsx(rows=ROWS, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("content,name", [(gbk_csv(), "12345导出.csv"), (xlsx(), "12345导出.xlsx")])
def test_a_chinese_export_reads_into_the_canonical_table(content, name):
    table = importer.read_export(content, name)
    proposal = importer.propose(importer.headers_of(table))
    assert proposal.personal == PERSONAL and not set(PERSONAL) & set(proposal.usable)
    expected = {"case_id": "工单编号", "opened": "登记时间", "due": "承诺办结时间", "closed": "办结时间",
                "topic": "诉求类型", "topic_1": "一级分类", "topic_2": "二级分类", "unit": "承办单位",
                "area": "所属区县", "channel": "来源渠道", "rating": "评价结果", "followed_up": "整改情况"}  # fmt: skip
    assert {k: v for k, v in proposal.mapping.items() if v} == expected
    report = importer.convert(table, proposal.mapping)
    assert report.ok and report.dropped == PERSONAL and report.unused == ["所属街道"]
    cases = report.cases
    assert list(cases.columns) == list(CASE_COLUMNS) and len(cases) == 3
    first, second, third = cases.to_dict("records")
    assert first["opened"] == pd.Timestamp("2024-03-05 08:30") and first["closed"] == pd.Timestamp("2024-03-06 10:00")
    assert first["topic"] == "路灯" and first["topic_path"] == "城市管理 / 市政设施 / 路灯"
    assert (first["status"], second["status"]) == ("closed", "open") and pd.isna(second["closed"])
    assert third["topic"] == "供水" and third["topic_path"] == "城市管理 / 供水"  # no finest topic: the level above
    assert (first["rating"], third["rating"]) == (5, 2) and pd.isna(second["rating"])
    assert third["followed_up"] is True and pd.isna(first["followed_up"])  # only a bad rating is followed up
    assert not any(s in cases.astype(str).to_string() for s in SECRETS)


def test_stored_versions_hold_no_personal_data_and_roll_back(store):
    table = importer.read_export(gbk_csv(), "march.csv")
    proposal = importer.propose(importer.headers_of(table))
    report = importer.convert(table, proposal.mapping)
    first = store_import(
        store, "dongcheng", "东城区 12345", table, report, proposal.mapping, actor=steward(), region="110000"
    )
    assert (first.number, first.row_count, first.dropped) == (1, 3, PERSONAL)
    payload = store.case_logs.payload("dongcheng")
    assert not any(s.encode("utf-8") in payload for s in SECRETS)
    pd.testing.assert_frame_equal(stored_cases(store, "dongcheng"), report.cases)
    more = importer.read_export(gbk_csv(ROWS[:1]), "april.csv")
    second = store_import(store, "dongcheng", "东城区 12345", more, importer.convert(more, proposal.mapping),
                          proposal.mapping, actor=steward(), region="110000")  # fmt: skip
    assert second.number == 2 and len(stored_cases(store, "dongcheng")) == 1
    assert [(v.number, v.current) for v in store.case_logs.history("dongcheng")] == [(2, True), (1, False)]
    store.case_logs.rollback("dongcheng", 1, actor=steward())
    assert len(stored_cases(store, "dongcheng")) == 3 and store.case_logs.logs()[0].current_version == 1
    with pytest.raises(UnknownVersion):
        store.case_logs.rollback("dongcheng", 7, actor=steward())
    actions = [(e.action, e.result) for e in store.audit.trail()][:3]
    assert actions == [("data.rollback", "failed"), ("data.rollback", "ok"), ("upload.commit", "ok")]


def test_the_confirmed_mapping_is_remembered_for_the_source(store):
    table = importer.read_export(xlsx(), "march.xlsx")
    proposal = importer.propose(importer.headers_of(table))
    assert store.case_logs.mapping("东城区 12345 系统") is None
    changed = {**proposal.mapping, "area": "所属街道"}  # the steward prefers streets
    report = importer.convert(table, changed)
    store_import(
        store, "dc", "东城", table, report, changed, actor=steward(), region="110000", source="东城区 12345 系统"
    )
    remembered = store.case_logs.mapping("东城区 12345 系统")
    again = importer.propose(importer.headers_of(table), remembered)
    assert again.mapping["area"] == "所属街道" and again.mapping["case_id"] == "工单编号"
    assert set(report.cases["area"]) == {"东华门街道", "金融街街道"}


def test_a_bad_file_is_named_by_row_and_column_and_changes_nothing(store):
    rows = [list(r) for r in ROWS]
    rows[1][1] = "昨天上午"  # an unreadable opening time in the file's row 3
    rows[2][14] = "还行"  # not one of the five grades, row 4
    table = importer.read_export(gbk_csv(rows), "bad.csv")
    proposal = importer.propose(importer.headers_of(table))
    report = importer.convert(table, proposal.mapping)
    assert not report.ok and report.problem_count == 2
    assert [(p.row, p.column, p.code, p.value) for p in report.problems] == [
        (3, "登记时间", "bad_time", "昨天上午"),
        (4, "评价结果", "bad_rating", "还行"),
    ]
    with pytest.raises(NotImportable):
        store_import(store, "dc", "东城", table, report, proposal.mapping, actor=steward(), region="110000")
    assert store.case_logs.logs() == [] and store.case_logs.mapping("x") is None


def test_a_file_without_ids_or_opening_times_says_which_fields_are_missing():
    table = importer.read_export(gbk_csv([["x", "y"]], ["备注", "编码"]), "odd.csv")
    report = importer.convert(table, importer.propose(importer.headers_of(table)).mapping)
    assert not report.ok and report.missing == ["case_id", "opened"]


def test_a_viewer_may_not_import(store):
    table = importer.read_export(gbk_csv(), "march.csv")
    proposal = importer.propose(importer.headers_of(table))
    report = importer.convert(table, proposal.mapping)
    with pytest.raises(AccessDenied):
        store_import(store, "dc", "东城", table, report, proposal.mapping, actor=viewer(), region="110000")
    assert store.case_logs.logs() == []
    assert [(e.action, e.result) for e in store.audit.trail()] == [("upload.commit", "denied")]


@pytest.mark.parametrize(
    "given,expected",
    [("非常满意", 5), ("满意", 4), ("基本满意", 3), ("不满意", 2), ("非常不满意", 1), ("4", 4), ("Very satisfied", 5)],
)
def test_ratings_in_words_or_numbers(given, expected):
    rating, bad = importer._ratings(pd.Series([given], dtype=object))
    assert rating.iloc[0] == expected and not bad.any()


def test_a_time_limit_in_days_counts_from_opening():
    headers = ["工单编号", "受理时间", "办理时限"]
    table = importer.read_export(gbk_csv([["A", "2024-03-01 09:00", "5个工作日"], ["B", "2024-03-02", "3"]], headers))
    report = importer.convert(table, importer.propose(headers).mapping)
    assert report.due_from_days
    assert list(report.cases["due"]) == [pd.Timestamp("2024-03-06 09:00"), pd.Timestamp("2024-03-05")]


def test_an_english_export_maps_itself_and_drops_coordinates():
    with gzip.open(dataset("boston_311_2015").path("boston_311_2015.csv.gz"), "rt", encoding="utf-8") as shipped:
        head = "".join(next(shipped) for _ in range(4)).encode("utf-8")
    table = importer.read_export(head, "boston.csv")
    proposal = importer.propose(importer.headers_of(table))
    assert proposal.personal == ["latitude", "longitude"]
    assert {k: proposal.mapping[k] for k in ("case_id", "opened", "due", "closed", "topic", "unit", "area")} == {
        "case_id": "case_id", "opened": "open_dt", "due": "target_dt", "closed": "closed_dt", "topic": "type",
        "unit": "department", "area": "neighborhood",
    }  # fmt: skip
    report = importer.convert(table, proposal.mapping)
    reference = read_boston().head(3)
    for column in ("case_id", "opened", "due", "closed", "status", "topic", "topic_path", "unit", "area", "channel"):
        assert list(report.cases[column].astype(object)) == list(reference[column].astype(object)), column


def test_parts_of_an_export_merge_into_one_log(store):
    def part(rows):
        table = importer.read_export(gbk_csv(rows), "part.csv")
        proposal = importer.propose(importer.headers_of(table))
        return table, importer.convert(table, proposal.mapping), proposal.mapping

    store_import(store, "dc", "东城", *part(ROWS[:2]), actor=steward(), region="110000")
    revised = [list(ROWS[1]), list(ROWS[2])]
    revised[0][13] = "2024-03-09 09:00"  # GD002 closed since the first part was exported
    version = store_import(store, "dc", "东城", *part(revised), actor=steward(), region="110000", merge=True)
    cases = stored_cases(store, "dc")
    assert version.row_count == 3 and list(cases["case_id"]) == ["GD001", "GD002", "GD003"]
    assert cases.set_index("case_id").loc["GD002", "closed"] == pd.Timestamp("2024-03-09 09:00")
    replaced = store_import(
        store, "dc", "东城", *part(ROWS[:1]), actor=steward(), region="110000"
    )  # not merged: replaces
    assert replaced.row_count == 1
