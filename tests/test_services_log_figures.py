"""An imported office log's monthly figures as catalogue indicators (services/logs.py, data/store/case_logs.py): a GBK
Chinese-header export with ratings imported for a city lands as a dataset version of that city whose figures are the
measures of the same cases (whole months only), atomically with the case version; rollback takes them back; a failed
import writes neither — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from actors import steward

from data.citation import current_uploads, source_line
from data.errors import StaleVersion, UnknownRegion
from data.store import Store
from data.store import case_logs as case_logs_module
from indicators.metadata import catalogue
from indicators.provenance import coverage_by_dataset, source_spans, span_citations
from services import importer
from services.cases import to_bytes
from services.derive import NO_GROUP, measure
from services.indicators import INDICATORS, partial_months
from services.logs import NotImportable, store_import, stored_cases
from ui.data_view import datasets_table

HEADERS = ["工单编号", "受理时间", "诉求类型", "承办单位", "所属区县", "来源渠道", "承诺办结时间", "办结时间",
           "评价结果", "整改情况", "联系电话"]  # fmt: skip
GRADES = ["非常满意", "满意", "基本满意", "不满意", "非常不满意", ""]
CITY = "440300"  # 深圳


def export_rows(first: str, last: str, *, seed: int = 0, per_day: int = 3) -> list[list[str]]:
    """Cases opened every day from `first` to `last`, some late, some open, rated in the five grades or not."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range(first, last, freq="D"):
        for k in range(per_day):
            opened = day + pd.Timedelta(minutes=int(rng.integers(0, 24 * 60)))
            due = opened + pd.Timedelta(days=3)
            closed = "" if rng.random() < 0.1 else opened + pd.Timedelta(hours=float(rng.uniform(2, 24 * 5)))
            grade = GRADES[int(rng.integers(0, len(GRADES)))] if closed != "" else ""
            followed = "已整改" if grade in ("不满意", "非常不满意") and rng.random() < 0.5 else ""
            when = "" if closed == "" else closed.strftime("%Y-%m-%d %H:%M")
            rows.append([f"SZ{day:%Y%m%d}{k:02d}", opened.strftime("%Y-%m-%d %H:%M"), ["路灯", "噪声"][k % 2],
                         "城管局", "福田区", "12345热线", due.strftime("%Y-%m-%d %H:%M"), when, grade, followed,
                         "13800000000"])  # fmt: skip
    return rows


def gbk_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADERS, *rows])
    return out.getvalue().encode("gbk")


def read(rows: list[list[str]]):
    table = importer.read_export(gbk_csv(rows), "深圳12345导出.csv")
    mapping = importer.propose(importer.headers_of(table)).mapping
    return table, importer.convert(table, mapping), mapping


def figures_of(store: Store, indicator_id: str) -> pd.Series:
    obs = store.observations()
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["region_code"] == CITY)]
    return rows.set_index("period")["value"]


def test_an_imported_log_with_ratings_becomes_the_citys_indicators(store):
    table, report, mapping = read(export_rows("2024-02-15", "2024-06-10"))
    assert report.ok and report.dropped == ["联系电话"]
    before = store.data_version()
    version = store_import(store, "caselog_sz", "深圳市 12345", table, report, mapping, actor=steward(), region=CITY,
                           citation="深圳市政务服务数据管理局 12345 工单", source="深圳 12345 系统")  # fmt: skip
    assert store.data_version() > before
    cases = stored_cases(store, "caselog_sz")
    months = measure(cases, "month").table
    months = months[months["group"] == NO_GROUP].set_index("period")
    whole = pd.DatetimeIndex(["2024-03-01", "2024-04-01", "2024-05-01"])  # February and June are covered in part
    assert partial_months(cases) == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-06-01")]
    for indicator_id, name, factor in [("svc_volume", "volume", 1), ("svc_on_time_rate", "on_time_rate", 100),
                                       ("svc_satisfied_rate", "satisfied_rate", 100), ("svc_bad_rate", "bad_rate", 100),
                                       ("svc_followup_rate", "followup_rate", 100)]:  # fmt: skip
        stored = figures_of(store, indicator_id)
        assert list(stored.index) == list(whole), indicator_id
        expected = months.loc[whole, name].astype(float).to_numpy() * factor
        np.testing.assert_allclose(
            stored.to_numpy(), expected, rtol=0, atol=5e-7, err_msg=indicator_id
        )  # written to 6 decimals
    assert figures_of(store, "svc_volume").loc["2024-04-01"] == 90  # 3 a day in April's 30 days, by construction
    # every figure the log writes is a catalogue indicator; the ones only rated logs have are marked `imported`
    cat = catalogue()
    written = set(store.observations(["caselog_sz"])["indicator_id"])
    assert written == set(INDICATORS) and {i.id for i in cat if i.imported} <= written
    # the dataset: titled after the log, citing the office, its origin and licence recorded, the log version named
    info = store.version("caselog_sz", store.current_version("caselog_sz"))
    assert info.kind == "upload" and info.created_by == steward().user
    assert info.summary["citation"]["zh"] == "深圳市政务服务数据管理局 12345 工单"
    assert info.summary["case_log_version"] == version.number and info.summary["region"] == CITY
    assert info.summary["partial_months"] == ["2024-02", "2024-06"]
    assert info.summary["origin"]["en"].startswith(f"imported by {steward().user} on ")
    assert {s.id: s.title for s in store.stored_datasets()}["caselog_sz"]["zh"] == "工单数据：深圳市 12345"
    spans = source_spans(coverage_by_dataset(store.observations(with_dataset=True)), "svc_satisfied_rate")
    line = source_line(span_citations(spans, "case_logs_imported", "M", current_uploads(store)), "zh")
    assert line.startswith(f"来源：深圳市政务服务数据管理局 12345 工单 · 版本 1，{steward().user} 于 ")
    assert store.case_logs.region("深圳 12345 系统") == CITY  # remembered with the mapping
    listed = datasets_table(store.stored_datasets(), "zh", current_uploads(store)).iloc[0]
    assert (listed["数据集"], listed["引用"]) == ("工单数据：深圳市 12345", "深圳市政务服务数据管理局 12345 工单")


def test_rollback_of_the_log_rolls_its_figures_back(store):
    first = read(export_rows("2024-03-01", "2024-04-30"))
    store_import(store, "caselog_sz", "深圳市 12345", *first, actor=steward(), region=CITY)
    second = read(export_rows("2024-03-01", "2024-05-31", seed=1))
    store_import(store, "caselog_sz", "深圳市 12345", *second, actor=steward(), region=CITY)
    assert list(figures_of(store, "svc_volume").index.month) == [3, 4, 5]
    before = store.data_version()
    store.case_logs.rollback("caselog_sz", 1, actor=steward())
    assert list(figures_of(store, "svc_volume").index.month) == [3, 4] and store.data_version() > before
    volume = measure(stored_cases(store, "caselog_sz"), "month").table.set_index("period")["volume"]
    assert list(figures_of(store, "svc_volume")) == list(volume.astype(float))
    store.case_logs.rollback("caselog_sz", 2, actor=steward())
    assert list(figures_of(store, "svc_volume").index.month) == [3, 4, 5]


def test_rollback_to_a_version_stored_without_figures_removes_them(store):
    table, report, mapping = read(export_rows("2024-03-01", "2024-04-30"))
    store.case_logs.commit("caselog_sz", to_bytes(report.cases), actor=steward(), title="深圳", row_count=1)
    store_import(store, "caselog_sz", "深圳市 12345", table, report, mapping, actor=steward(), region=CITY)
    assert len(figures_of(store, "svc_volume")) == 2
    store.case_logs.rollback("caselog_sz", 1, actor=steward())
    assert figures_of(store, "svc_volume").empty and store.current_version("caselog_sz") is None


def test_a_failed_import_writes_neither_cases_nor_figures(store, monkeypatch):
    table, report, mapping = read(export_rows("2024-03-01", "2024-04-30"))
    with pytest.raises(UnknownRegion):
        store_import(store, "caselog_sz", "深圳", table, report, mapping, actor=steward(), region="深圳特区")
    with pytest.raises(StaleVersion):
        store_import(store, "caselog_sz", "深圳", table, report, mapping, actor=steward(), region=CITY, base_version=3)

    def broken(*args, **kwargs):
        raise RuntimeError("the connection dropped while writing the figures")

    monkeypatch.setattr(case_logs_module.sql, "add_version", broken)
    before = store.data_version()
    with pytest.raises(RuntimeError):
        store_import(store, "caselog_sz", "深圳", table, report, mapping, actor=steward(), region=CITY, source="sz")
    assert (
        store.case_logs.logs() == [] and store.case_logs.region("sz") is None and store.case_logs.mapping("sz") is None
    )
    assert store.stored_datasets() == [] and store.observations().empty and store.data_version() == before
    rows = [list(r) for r in export_rows("2024-03-01", "2024-03-31")]
    rows[4][1] = "上周三"
    bad = read(rows)
    with pytest.raises(NotImportable):
        store_import(store, "caselog_sz", "深圳", *bad, actor=steward(), region=CITY)
    assert store.case_logs.logs() == [] and store.stored_datasets() == []
