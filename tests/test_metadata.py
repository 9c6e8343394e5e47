"""Indicator catalogue: schema, wording rules, completeness in both languages, and data ↔ metadata."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from data import datasets
from data.case_indicators import IMPORTED_LOGS
from indicators import MetadataError, UnknownIndicator, load_catalogue
from indicators.metadata import CATALOGUE_FILE

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_indicator_in_the_data_has_metadata_and_vice_versa(obs, cat):
    # Indicators only imported case logs report (满意率 …) are marked `imported` and have no shipped figures; that an
    # import writes them is tested in test_services_import.py.
    imported = {ind.id for ind in cat if ind.imported}
    assert imported == {"svc_satisfied_rate", "svc_bad_rate", "svc_followup_rate"}
    assert set(obs["indicator_id"]) == set(cat.ids) - imported


def test_metadata_frequency_and_source_match_the_data(obs, cat):
    for ind in cat:
        if ind.imported:
            assert ind.source == IMPORTED_LOGS, ind.id
            continue
        rows = obs[obs["indicator_id"] == ind.id]
        assert set(rows["freq"]) == {ind.freq}, ind.id
        assert ind.source in datasets(), ind.id


def test_every_entry_is_complete_in_both_languages(cat):
    for ind in cat:
        for field in ("name", "definition", "vintage", "revision"):
            text = getattr(ind, field)
            assert CJK.search(text["zh"]), f"{ind.id}.{field}.zh is not Chinese"
            assert text["en"] and not CJK.search(text["en"]), f"{ind.id}.{field}.en is not English"
        assert ind.unit["zh"] and ind.unit["en"]
        if ind.per_capita:
            assert ind.per_capita.denominator in cat
        if ind.conversion:
            assert ind.conversion["zh"] and ind.conversion["en"]


def test_english_units_read_the_english_way(cat):
    # "RMB 100 million", "US$ 100 million", "10,000 persons": not the Chinese order "100 million yuan" / "10 thousand".
    chinese_order = re.compile(r"\b\d+ (thousand|million|billion) (yuan|US\$)|\b10 thousand\b")
    units = [ind.unit["en"] for ind in cat] + [ind.per_capita.unit["en"] for ind in cat if ind.per_capita]
    assert units and not [u for u in units if chinese_order.search(u)]
    assert "RMB 100 million" in units and "US$ 100 million" in units and "10,000 persons" in units


def test_search_in_both_languages(cat):
    assert "gdp" in [i.id for i in cat.search("生产总值")]
    assert "gdp" in [i.id for i in cat.search("gross regional")]
    assert [i.id for i in cat.search("电子政务 排名")] == ["egdi_rank"]
    assert all(i.category == "governance" for i in cat.search("", "governance"))


def test_unknown_indicator_suggests(cat):
    with pytest.raises(UnknownIndicator, match="did you mean gdp"):
        cat.get("gpd")


def _entry(raw, indicator_id):
    return next(e for e in raw["indicators"] if e["id"] == indicator_id)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda e: e["name"].pop("en"), r"indicators\.0\.name.*'gdp'.*'en' is a required property"),
        (lambda e: e["name"].update(zh="Gross product"), r"indicators\.0\.name\.zh.*'gdp'.*does not match"),
        (lambda e: e["unit"].update(en="100 Million Yuan"), r"indicators\.0\.unit\.en.*'gdp'.*does not match"),
        (lambda e: e.update(short_unit="亿 元"), r"indicators\.0\.short_unit.*'gdp'.*does not match"),
        (lambda e: e.update(polarity="good"), r"indicators\.0\.polarity.*'gdp'.*is not one of"),
        (lambda e: e.pop("definition"), r"indicators\.0.*'gdp'.*'definition' is a required property"),
        (lambda e: e.pop("vintage"), r"indicators\.0.*'gdp'.*'vintage' is a required property"),
        (lambda e: e["revision"].pop("zh"), r"indicators\.0\.revision.*'gdp'.*'zh' is a required property"),
        (lambda e: e.update(source="nowhere"), r"entry 'gdp': source 'nowhere' is not a shipped dataset"),
        (lambda e: e.update(imported=True), r"entry 'gdp': an imported-only indicator's source is case_logs_imported"),
        (lambda e: e.update(source="case_logs_imported"), r"source 'case_logs_imported' is not a shipped dataset"),
        (lambda e: e["per_capita"].update(denominator="people"), r"per_capita\.denominator 'people' unknown"),
    ],
)
def test_bad_catalogue_entry_names_entry_and_field(tmp_path: Path, damage, message):
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    broken = copy.deepcopy(raw)
    damage(_entry(broken, "gdp"))
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MetadataError, match=message):
        load_catalogue(path)


def test_duplicate_ids_rejected(tmp_path: Path):
    raw = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    raw["indicators"].append(copy.deepcopy(raw["indicators"][0]))
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MetadataError, match="duplicate indicator id"):
        load_catalogue(path)


def test_indicators_the_portal_reports_name_it_as_their_source(cat):
    from data.nbs_portal import load_cn_prov_nbs

    for indicator_id in set(load_cn_prov_nbs()["indicator_id"]):
        ind = cat.get(indicator_id)
        assert ind.source == "cn_prov_nbs", indicator_id
        assert "第五次" in ind.vintage["zh"] or "国家数据" in ind.vintage["zh"], indicator_id
