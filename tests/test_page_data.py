"""AppTest of the Data page: origins, history and rollback, and a good and a bad upload through the page."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

import data
import data.store
from data.loaders import load_cn_prov_panel
from ui import cache


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    """The page runs on a store of its own, seeded from the shipped data, for this test only."""
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    cache.store.clear()
    cache.data_changed()
    yield data.store.open_store()
    cache.store.clear()
    cache.data_changed()


def run_page(lang: str = "zh", query: dict | None = None) -> AppTest:
    return open_page("data", query, lang, timeout=120)


def gdp_2022_wide_gbk() -> bytes:
    """The real 2022 GDP of the 31 provinces as a statistics office would send it: GBK, a title row above the
    header, full province names, 省份 × 年份, thousands separators."""
    panel = load_cn_prov_panel()
    rows = panel[(panel["indicator_id"] == "gdp") & (panel["period"] == "2022-01-01")]
    registry = data.region_registry()
    table = pd.DataFrame(
        {
            "地区": [registry.get(c).zh for c in rows["region_code"]],
            "2022年": [f"{v:,.1f}" for v in rows["value"]],
        }
    )
    return ("2022年分省地区生产总值（亿元）\n" + table.to_csv(index=False)).encode("gbk")


def without_2022(store: data.store.Store) -> None:
    """Make the current version the panel as it was before the 2022 release (real rows, 2022 removed)."""
    current = store.observations(["cn_prov_panel"])
    older = current[current["period"] < pd.Timestamp("2022-01-01")]
    store.commit("cn_prov_panel", older, by="test", mode="replace", note="before the 2022 release")


def test_datasets_with_origins_and_history(own_store):
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "数据"
    datasets_shown = at.dataframe[0].value
    assert len(datasets_shown) == len(data.OBSERVATION_LOADERS)
    assert "世界银行" in datasets_shown["发布机构"].tolist()
    assert any("CC BY 4.0" in v for v in datasets_shown["许可"])
    history = at.dataframe[1].value
    assert history["版本"].tolist() == [1] and history["当前"].tolist() == ["✓"]
    labels = [e.label for e in at.expander]
    assert "来源说明：中国分省年度面板（1949–2022）" in labels
    assert any("SkywalkerSun15/regional_disparity" in c.value for c in at.code)  # the SOURCE.md shown in full


def test_good_upload_commits_a_new_version(own_store):
    without_2022(own_store)
    before = own_store.observations(["cn_prov_panel"])
    at = run_page()
    at.file_uploader(key="data_file").set_value(("gdp_2022.csv", gdp_2022_wide_gbk(), "text/csv")).run()
    assert not at.exception
    assert "0 个错误" in " ".join(h.value for h in at.subheader)
    assert any("新增 31 行" in m.value for m in at.markdown)
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert any("版本 3" in s.value for s in at.success)
    after = own_store.observations(["cn_prov_panel"])
    added = after.merge(before, how="left", on=["indicator_id", "region_code", "period"], indicator=True)
    new_rows = added[added["_merge"] == "left_only"]
    assert len(new_rows) == 31 and set(new_rows["indicator_id"]) == {"gdp"}
    guangdong = after[
        (after["indicator_id"] == "gdp") & (after["region_code"] == "440000") & (after["period"] == "2022-01-01")
    ]["value"].iloc[0]
    assert guangdong == pytest.approx(129118.6)


def test_bad_upload_is_reported_and_changes_nothing(own_store):
    before_obs = own_store.observations()
    before_versions = [v.number for v in own_store.history("cn_prov_panel")]
    bad = gdp_2022_wide_gbk().decode("gbk").replace("广东省", "广东深圳省").replace("41,611.0", "四万").encode("gbk")
    at = run_page()
    at.file_uploader(key="data_file").set_value(("gdp_2022_bad.csv", bad, "text/csv")).run()
    assert not at.exception
    report = at.dataframe[-1].value
    messages = " ".join(report["说明"])
    assert "广东深圳省" in messages and "四万" in " ".join(report["单元格内容"].astype(str))
    assert set(report["行"].dropna().astype(int)) >= {3}
    assert any("不能提交" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "data_commit"]
    pd.testing.assert_frame_equal(own_store.observations(), before_obs)
    assert [v.number for v in own_store.history("cn_prov_panel")] == before_versions


def test_unreadable_file_gets_a_clear_message(own_store):
    at = run_page(lang="en")
    at.file_uploader(key="data_file").set_value(("empty.csv", b"", "text/csv")).run()
    assert not at.exception
    assert at.error and "empty" in at.error[0].value.lower()


def test_rollback_through_the_page(own_store):
    without_2022(own_store)
    at = run_page(query={"dataset": "cn_prov_panel"})
    assert at.dataframe[1].value["版本"].tolist() == [2, 1]
    at.selectbox(key="data_rollback_version").set_value(1)
    at.button(key="data_rollback").click().run()
    assert not at.exception
    assert own_store.current_version("cn_prov_panel") == 1
    assert [v.number for v in own_store.history("cn_prov_panel")] == [2, 1]  # nothing deleted
