"""City-level uploads: a province's communiqué for its cities (short or full names, GBK CSV or XLSX) is read like a
provincial table; a name a province and a city share is the city among cities; a province with its own cities in one
column is refused instead of being counted twice."""

from __future__ import annotations

import pytest
from test_upload import catalogue_specs, xlsx

from data.nbs_portal import load_cn_prov_nbs
from data.store import Store
from data.upload import prepare

# Guangdong's 2022 GDP by city (亿元), as its statistical communiqué prints them; short names, then full names.
GUANGDONG = [("广州", "28839.00"), ("深圳", "32387.68"), ("佛山", "12698.39"), ("东莞", "11200.32"), ("恩施州", "1")]


def gbk_csv(rows: list[tuple[str, str]], title: str = "各市地区生产总值") -> bytes:
    lines = [f"{title},", "单位：亿元,", "地区,2022年"] + [f"{name},{value}" for name, value in rows]
    return "\r\n".join(lines).encode("gbk")


def _prepared(content: bytes, name: str, tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 's.sqlite3'}")
    store.seed({"cn_prov_nbs": load_cn_prov_nbs})
    try:
        return prepare(content, name, indicators=catalogue_specs(), store=store)
    finally:
        store.close()


def test_a_city_table_by_short_names_in_gbk_csv(tmp_path):
    rows = GUANGDONG[:4]
    upload = _prepared(gbk_csv(rows), "gd_cities.csv", tmp_path)
    assert upload.raw.encoding == "gb18030"
    assert upload.report.ok, [p.message_zh for p in upload.report.errors]
    assert upload.dataset_id == "cn_prov_nbs"  # the provincial dataset takes its provinces' cities
    got = upload.frame.set_index("region_code")["value"]
    assert got.to_dict() == {"440100": 28839.0, "440300": 32387.68, "440600": 12698.39, "441900": 11200.32}
    assert set(upload.frame["indicator_id"]) == {"gdp"}


def test_a_city_table_by_full_names_in_xlsx(tmp_path):
    rows = [["各市地区生产总值"], ["单位：亿元"], ["地区", "2022年"], ["广州市", 28839.0]]
    rows.append(["恩施土家族苗族自治州", 1402.0])
    upload = _prepared(xlsx(rows), "cities.xlsx", tmp_path)
    assert upload.report.ok, [p.message_zh for p in upload.report.errors]
    assert set(upload.frame["region_code"]) == {"440100", "422800"}


def test_jilin_among_jilin_cities_is_the_city(tmp_path):
    rows = [("长春", "6744.56"), ("吉林", "1714.89"), ("四平", "532.41")]
    upload = _prepared(gbk_csv(rows), "jl.csv", tmp_path)
    assert upload.report.ok, [p.message_zh for p in upload.report.errors]
    assert set(upload.frame["region_code"]) == {"220100", "220200", "220300"}


def test_jilin_among_provinces_stays_the_province(tmp_path):
    rows = [("辽宁", "28975.1"), ("吉林", "13070.2"), ("黑龙江", "15901.0")]
    upload = _prepared(gbk_csv(rows, "各省地区生产总值"), "ne.csv", tmp_path)
    assert upload.report.ok
    assert set(upload.frame["region_code"]) == {"210000", "220000", "230000"}


@pytest.mark.parametrize("province", ["广东", "广东省"])
def test_a_province_and_its_cities_in_one_column_are_refused(tmp_path, province):
    rows = [(province, "129118.58"), *GUANGDONG[:3]]
    upload = _prepared(gbk_csv(rows), "mixed.csv", tmp_path)
    assert not upload.report.ok
    assert upload.report.counts["region_levels_mixed"] == 1
    problem = next(p for p in upload.report.errors if p.code == "region_levels_mixed")
    assert problem.row == 4 and problem.cells == ("B4",)  # the province's figure, which would be counted twice
    assert "广东" in problem.message_zh and "3 个地级市" in problem.message_zh and "广州" in problem.message_zh
    assert "counted twice" in problem.message_en


def test_municipalities_beside_other_provinces_cities_are_no_mixture(tmp_path):
    rows = [("北京", "41610.9"), ("上海", "44652.8"), ("广州", "28839.00"), ("深圳", "32387.68")]
    upload = _prepared(gbk_csv(rows, "主要城市地区生产总值"), "big.csv", tmp_path)
    assert upload.report.ok, [p.message_zh for p in upload.report.errors]
    assert set(upload.frame["region_code"]) == {"110000", "310000", "440100", "440300"}
