"""AppTest of the Data page: origins, history and rollback, and a good and a bad upload through the page."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from actors import steward
from apptest import open_page, rendered
from streamlit.testing.v1 import AppTest

import data
import data.store
from data.nbs_portal import load_cn_prov_nbs
from data.vintage import shipped_join_decisions
from indicators import catalogue
from indicators.provenance import level_revisions
from ui import cache
from ui import data_view as dv


def run_page(lang: str = "zh", query: dict | None = None) -> AppTest:
    return open_page("data", query, lang, timeout=120)


def gdp_2024() -> pd.Series:
    """The real 2024 GDP of the 31 provinces, read from the NBS portal export (亿元), by region code."""
    nbs = load_cn_prov_nbs()
    return nbs[(nbs["indicator_id"] == "gdp") & (nbs["period"] == "2024-01-01")].set_index("region_code")["value"]


def gdp_wide_gbk(values: pd.Series, year: int = 2024) -> bytes:
    """Provincial GDP as a statistics office would send it: GBK, a title row above the header, full province
    names, 省份 × 年份, thousands separators."""
    registry = data.region_registry()
    table = pd.DataFrame(
        {"地区": [registry.get(c).zh for c in values.index], f"{year}年": [f"{v:,.1f}" for v in values]}
    )
    return (f"{year}年分省地区生产总值（亿元）\n" + table.to_csv(index=False)).encode("gbk")


def without_2022(store: data.store.Store) -> None:
    """Make the current version the panel as it was before the 2022 release (real rows, 2022 removed)."""
    current = store.observations(["cn_prov_panel"])
    older = current[current["period"] < pd.Timestamp("2022-01-01")]
    store.commit("cn_prov_panel", older, actor=steward("test"), mode="replace", note="before the 2022 release")


def without_2024(store: data.store.Store) -> None:
    """Make the current version the portal data as they were before the 2024 release (real rows, 2024 on removed)."""
    current = store.observations(["cn_prov_nbs"])
    older = current[current["period"] < pd.Timestamp("2024-01-01")]
    store.commit("cn_prov_nbs", older, actor=steward("test"), mode="replace", note="before the 2024 release")


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page with this column."""
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def test_datasets_with_origins_and_history(own_store):
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "数据"
    datasets_shown = at.dataframe[0].value
    assert len(datasets_shown) == len(data.OBSERVATION_LOADERS)
    assert "世界银行《世界发展指标》" in datasets_shown["引用"].tolist()
    assert "多数指标 2026-04-08 更新" in datasets_shown["发布"].tolist()
    assert not {"发布机构", "许可"} & set(datasets_shown.columns)  # provenance is in the details, not the table
    history = table_with(at, "当前")
    assert history["版本"].tolist() == [1] and history["当前"].tolist() == ["✓"]
    labels = [e.label for e in at.expander]
    assert "技术来源：中国分省年度面板（1949–2022）" in labels
    assert "技术信息：数据存储位置" in labels
    texts = [line for x in at.text for line in x.value.splitlines()]
    assert "许可：知识共享署名 4.0（CC BY 4.0），来源：世界银行世界发展指标" in texts  # shown as text, in a detail
    assert any(x.startswith("存储：sqlite") for x in texts)
    assert not any("sqlite" in c.value for c in at.caption)  # the store's path is no longer a caption
    assert any("SkywalkerSun15/regional_disparity" in c.value for c in at.code)  # the SOURCE.md shown in full


def test_after_a_commit_chart_footers_cite_the_uploaded_version(own_store):
    without_2024(own_store)  # a steward ("test") commits version 2 of the portal data
    day = own_store.version("cn_prov_nbs", 2).created_at.strftime("%Y-%m-%d")
    at = open_page("indicators", {"indicator": "gdp", "regions": "440000"}, "zh", timeout=180)
    assert not at.exception
    footers = [rendered(c.value) for c in at.caption if "来源" in rendered(c.value)]
    assert footers and all(f"版本 2，test 于 {day} 上传" in f for f in footers), footers
    assert all("数据截至 2023年" in f for f in footers), footers  # the uploaded version ends in 2023
    own_store.rollback("cn_prov_nbs", 1, actor=steward("test"))
    cache.data_changed()  # as the Data page does after a rollback
    at = open_page("indicators", {"indicator": "gdp", "regions": "440000"}, "zh", timeout=180)
    footers = [rendered(c.value) for c in at.caption if "来源" in rendered(c.value)]
    assert footers and not any("上传" in f for f in footers) and all("数据截至 2024年" in f for f in footers)


def test_good_upload_commits_a_new_version(own_store):
    without_2024(own_store)
    before = own_store.observations(["cn_prov_nbs"])
    at = run_page(query={"dataset": "cn_prov_nbs"})
    assert table_with(at, "当前")["版本"].tolist() == [2, 1]
    at.file_uploader(key="data_file").set_value(("gdp_2024.csv", gdp_wide_gbk(gdp_2024()), "text/csv")).run()
    assert not at.exception
    assert "0 个错误" in " ".join(h.value for h in at.subheader)
    title = data.dataset("cn_prov_nbs").title["zh"]
    assert any("新增 31 行" in m.value and title in m.value for m in at.markdown)  # the dataset by name, not id
    assert not any("cn_prov_nbs" in m.value for m in at.markdown)
    report = table_with(at, "说明") if any("说明" in d.value.columns for d in at.dataframe) else None
    assert report is None or not report["说明"].str.contains("统计口径").any()  # the real release: no break
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert any("版本 3" in s.value and title in s.value for s in at.success)
    # The Version history tab lists the new version at once, and the uploader is empty for the next file.
    assert table_with(at, "当前")["版本"].tolist() == [3, 2, 1]
    assert table_with(at, "当前")["当前"].tolist() == ["✓", "", ""]
    assert not [b for b in at.button if b.key == "data_commit"]
    after = own_store.observations(["cn_prov_nbs"])
    added = after.merge(before, how="left", on=["indicator_id", "region_code", "period"], indicator=True)
    new_rows = added[added["_merge"] == "left_only"]
    assert len(new_rows) == 31 and set(new_rows["indicator_id"]) == {"gdp"}
    guangdong = after[
        (after["indicator_id"] == "gdp") & (after["region_code"] == "440000") & (after["period"] == "2024-01-01")
    ]["value"].iloc[0]
    assert guangdong == pytest.approx(gdp_2024()["440000"])  # 141,488.9 in the export


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "统计口径或数据版本的修订"), ("en", "a revision or a change of data vintage")]
)
def test_an_upload_with_a_revision_jump_gets_a_break_warning(own_store, lang, words):
    # A 2025 release in which eight provinces come out of a census revision 35 % higher, the rest 5 % up.
    revised = ["120000", "150000", "210000", "220000", "230000", "450000", "630000", "640000"]
    values = gdp_2024() * 1.05
    values[revised] = gdp_2024()[revised] * 1.35
    at = run_page(lang=lang)
    at.file_uploader(key="data_file").set_value(("gdp_2025.csv", gdp_wide_gbk(values, 2025), "text/csv")).run()
    assert not at.exception
    column = "说明" if lang == "zh" else "Problem"
    report = table_with(at, column)
    breaks = report[report[column].str.contains(words, regex=False)]
    assert len(breaks) == 1
    message = breaks.iloc[0][column]
    assert words in message and ("8 个地区（共 31 个）" in message or "8 of 31 regions" in message)
    assert [b for b in at.button if b.key == "data_commit"]  # a warning: a person decides, the commit stays possible


def test_bad_upload_is_reported_and_changes_nothing(own_store):
    before_obs = own_store.observations()
    before_versions = [v.number for v in own_store.history("cn_prov_nbs")]
    henan = f"{gdp_2024()['410000']:,.1f}"
    bad = gdp_wide_gbk(gdp_2024()).decode("gbk").replace("广东省", "广东深圳省").replace(henan, "四万").encode("gbk")
    at = run_page()
    at.file_uploader(key="data_file").set_value(("gdp_2024_bad.csv", bad, "text/csv")).run()
    assert not at.exception
    report = at.dataframe[-1].value
    messages = " ".join(report["说明"])
    assert "广东深圳省" in messages and "四万" in " ".join(report["单元格内容"].astype(str))
    order = list(gdp_2024().index)  # the file's rows: title, header, then the provinces in this order
    assert {f"A{3 + order.index('440000')}", f"B{3 + order.index('410000')}"} <= set(report["单元格"])
    assert any("不能提交" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "data_commit"]
    pd.testing.assert_frame_equal(own_store.observations(), before_obs)
    assert [v.number for v in own_store.history("cn_prov_nbs")] == before_versions


def test_unreadable_file_gets_a_clear_message(own_store):
    at = run_page(lang="en")
    at.file_uploader(key="data_file").set_value(("empty.csv", b"", "text/csv")).run()
    assert not at.exception
    assert at.error and "empty" in at.error[0].value.lower()


def test_rollback_through_the_page(own_store):
    without_2022(own_store)
    at = run_page(query={"dataset": "cn_prov_panel"})
    assert table_with(at, "当前")["版本"].tolist() == [2, 1]
    at.selectbox(key="data_rollback_version").set_value(1)
    at.button(key="data_rollback").click().run()
    assert not at.exception
    # Asked first: nothing changes until the steward confirms.
    assert own_store.current_version("cn_prov_panel") == 2
    assert any("回滚到版本 1" in w.value and "当前版本 2" in w.value for w in at.warning)
    at.button(key="data_rollback_no").click().run()
    assert own_store.current_version("cn_prov_panel") == 2 and not any("回滚到版本 1" in w.value for w in at.warning)
    at.button(key="data_rollback").click().run()
    at.button(key="data_rollback_yes").click().run()
    assert not at.exception
    assert own_store.current_version("cn_prov_panel") == 1
    assert [v.number for v in own_store.history("cn_prov_panel")] == [2, 1]  # nothing deleted
    # …and then told what was done, with the history showing it.
    title = data.dataset("cn_prov_panel").title["zh"]
    assert any(title in s.value and "由版本 2 改为版本 1" in s.value for s in at.success)
    assert table_with(at, "当前")["当前"].tolist() == ["", "✓"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_vintage_tab_shows_the_joins_and_the_break_check(own_store, cat, lang):
    at = run_page(lang=lang)
    assert not at.exception
    indicator, joined = ("指标", "保留早年数据的地区") if lang == "zh" else ("Indicator", "Regions with earlier years")
    joins = table_with(at, joined).set_index(indicator)
    decisions = shipped_join_decisions()
    gdp = decisions[decisions["indicator_id"] == "gdp"]
    assert joins.loc[cat.get("gdp").name[lang], joined] == f"{gdp['kept_from'].notna().sum()} / {len(gdp)}"
    jumping = "跳变地区 / 报告地区" if lang == "zh" else "Regions jumping / reporting"
    revisions = table_with(at, jumping)
    expected = level_revisions(own_store.observations(), cat)
    assert len(revisions) == len(expected) > 0
    # The provincial series of the consistent vintage are not among them; the yearbook's hukou split is.
    assert cat.get("gdp").name[lang] not in set(revisions[indicator])
    assert cat.get("population_nonagri_hukou").name[lang] in set(revisions[indicator])
    assert at.warning and str(len(expected)) in at.warning[0].value


REPORT_COLUMNS = {
    "zh": ["级别", "单元格", "表头", "单元格内容", "说明"],
    "en": ["Severity", "Cells", "Header", "Cell value", "Problem"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_wide_file_without_indicator_reports_everything_then_takes_the_chosen_indicator(own_store, lang):
    bad = "地区,2023年,2024年\n北京,1,2\n火星,3,4\n天津,x,5\n".encode()
    at = run_page(lang=lang)
    at.file_uploader(key="data_file").set_value(("gdp.csv", bad, "text/csv")).run()
    assert not at.exception
    report = table_with(at, REPORT_COLUMNS[lang][-1])
    assert list(report.columns) == REPORT_COLUMNS[lang]  # no problem codes, no row/column split
    text = " ".join(report.to_numpy().ravel().astype(str))
    assert "None" not in text and "<NA>" not in text and "key_required" not in text
    messages = " ".join(report[REPORT_COLUMNS[lang][-1]])
    assert ("请在上方“指标”框中选择" if lang == "zh" else "Indicator box above") in messages  # the missing indicator…
    assert "火星" in messages and ("“x”" if lang == "zh" else "'x'") in messages  # …and every cell problem with it
    assert {"A3", "B4"} <= set(report[REPORT_COLUMNS[lang][1]])
    # The selector lists the catalogue in the page's language.
    box = at.selectbox(key="data_indicator")
    gdp = "地区生产总值（亿元）" if lang == "zh" else "Gross regional product (RMB 100 million)"
    assert gdp in box.options
    if lang == "en":
        assert not [o for o in box.options if re.search("[\u4e00-\u9fff]", o)]  # no Chinese on the English page
    good = "地区,2024年\n北京,1\n".encode()
    at.file_uploader(key="data_file").set_value(("gdp.csv", good, "text/csv")).run()
    box.set_value("gdp").run()
    assert not at.exception
    assert ("0 个错误" if lang == "zh" else "0 errors") in " ".join(h.value for h in at.subheader)
    assert [b for b in at.button if b.key == "data_commit"]


def test_the_indicator_stated_in_the_file_is_named_and_a_changed_value_shows_old_and_new(own_store):
    old = gdp_2024()["110000"]
    text = f"2024年分省地区生产总值（亿元）\n地区,2024年\n北京,{old + 1000:.1f}\n天津,{gdp_2024()['120000']}\n"
    at = run_page()
    at.file_uploader(key="data_file").set_value(("gdp.csv", text.encode(), "text/csv")).run()
    assert not at.exception
    assert any("文件注明的指标：地区生产总值（亿元）" in c.value for c in at.caption)
    changes = table_with(at, "原值 → 新值")
    assert changes.to_dict("records") == [
        {
            "单元格": "B3",
            "指标": "地区生产总值",
            "地区": "北京",
            "时期": "2024年",
            "原值 → 新值": f"{old:,.10g} → {old + 1000:,.10g}",
        }
    ]


@pytest.mark.parametrize(
    "unit", ["亿元", "RMB 100 million", "100 million yuan", "100 million CNY", "(100 Million Yuan)"]
)
def test_an_upload_may_spell_the_catalogue_unit_as_releases_do(unit):
    # NBS English exports write "100 million yuan"; the catalogue's English unit reads "RMB 100 million".
    gdp = next(spec for spec in dv.upload_specs(catalogue()) if spec.id == "gdp")
    assert gdp.accepts_unit(unit)
    assert not gdp.accepts_unit("万元") and not gdp.accepts_unit("10,000 persons")
