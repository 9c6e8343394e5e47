"""Region registry: codes, spellings, groupings, country names, and errors for unknown names."""

from __future__ import annotations

import re

import pytest

from data import UnknownRegion


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("内蒙古", "150000"),
        ("内蒙古自治区", "150000"),
        ("Inner Mongolia", "150000"),
        ("Nei Mongol", "150000"),
        ("inner  mongolia", "150000"),
        ("黑龙江", "230000"),
        ("黑龙江省", "230000"),
        ("广西壮族自治区", "450000"),
        ("Tibet", "540000"),
        ("西藏", "540000"),
        ("香港", "810000"),
        ("Macau", "820000"),
        ("全国", "100000"),
        ("440000", "440000"),
        ("China", "100000"),
        ("CHN", "CHN"),
        ("United States", "USA"),
        ("美国", "USA"),
        ("Korea, Republic of", "KOR"),
    ],
)
def test_resolve_spellings(registry, spelling, code):
    assert registry.resolve(spelling).code == code


def test_unknown_name_raises_with_suggestions(registry):
    with pytest.raises(UnknownRegion) as info:
        registry.resolve("湖北x省")
    assert info.value.name == "湖北x省"
    assert "湖北省" in info.value.suggestions
    assert "湖北x省" in str(info.value) and "湖北省" in str(info.value)


def test_resolve_respects_kind(registry):
    with pytest.raises(UnknownRegion):
        registry.resolve("北京", kind="country")


def test_provinces_and_groups(registry):
    provinces = registry.provinces()
    assert len(provinces) == 34
    assert all(re.fullmatch(r"\d{6}", p.code) for p in provinces)
    groups = {p.group for p in provinces}
    assert groups == {"east", "central", "west", "northeast", "hmt"}
    assert sum(p.group == "northeast" for p in provinces) == 3
    assert sum(p.group in ("east", "central", "west", "northeast") for p in provinces) == 31


def test_every_country_has_a_chinese_name(registry):
    countries = registry.countries()
    assert len(countries) >= 200
    for c in countries:
        assert re.fullmatch(r"[A-Z]{3}", c.code)
        assert re.search(r"[\u4e00-\u9fff]", c.zh), f"{c.code} has no Chinese name: {c.zh!r}"
        assert c.en and not re.search(r"[\u4e00-\u9fff]", c.en)
    assert registry.get("HKG").zh == "中国香港"


def test_names_follow_language(registry):
    assert registry.name("150000", "zh") == "内蒙古"
    assert registry.name("150000", "en") == "Inner Mongolia"
    assert registry.name("ZZZ", "en") == "ZZZ"  # display never fails; joins use get()
