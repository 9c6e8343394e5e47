"""Citations (data/citation.py): every shipped dataset cited in plain words with its data date, nothing a developer
would write (paths, repositories, commits, licences), and the uploaded version cited once a steward commits one."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from actors import steward

from common.text import LANGS
from data import citation as cite
from data.datasets import datasets
from data.store import Store
from indicators.provenance import SourceSpan, span_citations

DEVELOPER_WORDS = re.compile(r"github|commit|\.ya?ml|\.csv|\.py\b|https?://|licen[cs]e|许可|仓库|repositor", re.I)
DATES = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


@pytest.mark.parametrize("dataset_id", list(datasets()))
def test_every_dataset_has_a_plain_bilingual_citation(dataset_id):
    ds = datasets()[dataset_id]
    for lang in LANGS:
        words = ds.citation[lang] + " " + (ds.released or {}).get(lang, "")
        assert words.strip() and not DEVELOPER_WORDS.search(words), (dataset_id, lang, words)
        repositories = re.findall(r"[\w.-]+/[\w.-]+", ds.distributor)
        for technical in (ds.version, ds.url, *repositories, *(r.split("/")[-1] for r in repositories)):
            assert technical not in words, (dataset_id, technical)
    assert re.search(r"[\u4e00-\u9fff]", ds.citation["zh"]) and not re.search(r"[\u4e00-\u9fff]", ds.citation["en"])


@pytest.mark.parametrize("dataset_id", [i for i, d in datasets().items() if d.released])
def test_a_release_date_is_one_its_source_md_states(dataset_id):
    ds = datasets()[dataset_id]
    source = ds.source_text()
    for lang in LANGS:
        for date in DATES.findall(ds.released[lang]):
            assert date in source, (dataset_id, date)  # never an invented date


def test_one_source_reads_publication_data_date_and_release():
    wdi = [cite.Citation("wb_wdi")]
    line = cite.source_line(wdi, "zh", pd.Timestamp("2024-01-01"))
    assert line == "来源：世界银行《世界发展指标》 · 数据截至 2024年 · 多数指标 2026-04-08 更新"
    en = cite.source_line(wdi, "en", pd.Timestamp("2024-01-01"))
    assert en == "Source: World Bank, World Development Indicators · Data to 2024 · most series updated 2026-04-08"


def test_a_source_without_a_known_release_says_only_what_is_known():
    line = cite.source_line([cite.Citation("cn_gdp_quarterly", "Q")], "en", pd.Timestamp("2026-01-01"), "Q")
    assert line == "Source: National Bureau of Statistics of China, National Data: quarterly data · Data to 2026 Q1"


def test_several_sources_name_the_years_each_supplies():
    spans = [
        SourceSpan("cn_prov_nbs", pd.Timestamp("2006-01-01"), pd.Timestamp("2024-01-01"), 31, 100),
        SourceSpan("cn_prov_panel", pd.Timestamp("1952-01-01"), pd.Timestamp("2005-01-01"), 31, 100),
    ]
    line = cite.source_line(span_citations(spans, "cn_prov_nbs", "A"), "en", pd.Timestamp("2024-01-01"))
    assert line == (
        "Sources: National Bureau of Statistics of China, National Data: provincial annual data (after the fifth "
        "economic census revision) (2006–2024); National Bureau of Statistics of China, statistical yearbooks: "
        "provincial series (1952–2005) · Data to 2024"
    )


def test_boundaries_are_cited_plainly():
    assert cite.boundary_line("boundaries_cnmaps", "zh") == "边界：高德地图省级行政区划边界（简化至约 1 公里）"
    assert "pyecharts" not in cite.boundary_line("boundaries_echarts", "en")


def frame(values: dict[int, float]) -> pd.DataFrame:
    """Quarterly GDP (亿元) of the nation in the canonical long format, one row per quarter of 2025."""
    return pd.DataFrame(
        {
            "indicator_id": "gdp_q",
            "region_code": "100000",
            "period": pd.to_datetime([f"2025-{3 * q - 2:02d}-01" for q in values]),
            "freq": "Q",
            "value": [float(v) for v in values.values()],
        }
    )


def test_after_a_commit_the_citation_names_the_uploaded_version_and_after_a_rollback_the_release(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.seed({"cn_gdp_quarterly": lambda: frame({1: 318758.0, 2: 341000.0})})
    assert cite.current_uploads(store) == {}  # the shipped data: cited as shipped
    version = store.commit("cn_gdp_quarterly", frame({3: 354000.0}), actor=steward("王芳"), file_name="q3.csv")
    uploads = cite.current_uploads(store)
    assert uploads == {"cn_gdp_quarterly": cite.Upload(2, "王芳", version.created_at)}
    spans = [SourceSpan("cn_gdp_quarterly", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-07-01"), 1, 3)]
    cites = span_citations(spans, "cn_gdp_quarterly", "Q", uploads)
    day = version.created_at.strftime("%Y-%m-%d")
    assert cite.source_line(cites, "zh", pd.Timestamp("2025-07-01"), "Q") == (
        f"来源：国家统计局 国家数据·季度数据 · 数据截至 2025年第3季度 · 版本 2，王芳 于 {day} 上传"
    )
    assert cite.source_line(cites, "en", pd.Timestamp("2025-07-01"), "Q").endswith(
        f"Data to 2025 Q3 · version 2, uploaded by 王芳 on {day}"
    )
    assert "q3.csv" not in cite.source_line(cites, "en")  # the file name is technical provenance
    store.rollback("cn_gdp_quarterly", 1, actor=steward("王芳"))
    assert cite.current_uploads(store) == {}
    store.close()
