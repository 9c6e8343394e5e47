"""Prefecture-level units in the region registry: every unit of both shipped city files resolves, the names people
type resolve, and the units the two files do not share are exactly the ones `data/cities.yaml` documents."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from data import UnknownRegion, dataset
from data.census import CENSUS_FILE, census_region, load_city_census
from data.regions import CITIES_FILE, municipal_codes

DOCUMENTED_MUNICIPALITIES = {"110100": "110000", "120100": "120000", "310100": "310000", "500100": "500000"}


def _boundary_units() -> list[dict]:
    path = dataset("boundaries_echarts_cities").path("china_cities_decoded.geojson")
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    units = []
    for feature in features:
        props = dict(feature["properties"])
        parent = props["parent"]
        props["parent"] = str((json.loads(parent) if isinstance(parent, str) else parent)["adcode"])
        units.append(props)
    return units


def _census_units() -> pd.DataFrame:
    path = dataset("cn_city_census").path(CENSUS_FILE)
    return pd.read_csv(path, dtype=str, usecols=["city", "city_code", "province", "province_code"])


def test_every_boundary_unit_resolves_by_code_and_name(registry):
    units = _boundary_units()
    assert len(units) == 370
    for unit in units:
        code, name = str(unit["adcode"]), unit["name"]
        kind = "city" if unit["level"] == "city" else "province"
        region = registry.resolve(name, kind=kind)
        assert region.code == code, (name, region.code, code)
        assert registry.get(code).kind == kind
        if kind == "city":
            assert region.parent == unit["parent"]


def test_every_census_unit_resolves(registry):
    census = _census_units()
    assert len(census) == 369
    for row in census.itertuples():
        stored = census_region(row.city_code)
        assert stored is not None, row.city
        assert registry.resolve(row.city).code == municipal_codes().get(row.city_code, row.city_code)
        region = registry.get(stored)
        parent = region.parent if region.kind == "city" else region.code
        assert parent == row.province_code, row.city


def test_the_unmatched_units_are_the_documented_ones(registry):
    boundary = {str(u["adcode"]) for u in _boundary_units()}
    census = set(_census_units()["city_code"])
    assert municipal_codes() == DOCUMENTED_MUNICIPALITIES
    assert census - boundary == set(DOCUMENTED_MUNICIPALITIES)
    assert boundary - census == {*DOCUMENTED_MUNICIPALITIES.values(), "710000"}
    header = CITIES_FILE.read_text(encoding="utf-8").split("cities:")[0]
    for code in [*DOCUMENTED_MUNICIPALITIES, "710000", "810000", "820000"]:
        assert code in header


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("广州", "440100"),
        ("广州市", "440100"),
        ("Guangzhou", "440100"),
        ("恩施州", "422800"),
        ("恩施土家族苗族自治州", "422800"),
        ("恩施", "422800"),
        ("Enshi Autonomous Prefecture", "422800"),
        ("阿克苏地区", "652900"),
        ("阿克苏", "652900"),
        ("Aksu", "652900"),
        ("锡林郭勒盟", "152500"),
        ("锡林郭勒", "152500"),
        ("Xilingol League", "152500"),
        ("大兴安岭地区", "232700"),
        ("Xi'an", "610100"),
        ("Urumqi", "650100"),
        ("Kashi", "653100"),
        ("海南州", "632500"),
        ("吉林市", "220200"),
    ],
)
def test_city_spellings(registry, spelling, code):
    assert registry.resolve(spelling, kind="city").code == code


def test_a_name_two_kinds_share_is_the_province_unless_a_city_is_asked_for(registry):
    assert registry.resolve("吉林").code == "220000"
    assert registry.resolve("吉林", kind="city").code == "220200"
    assert registry.resolve("海南").code == "460000"
    assert registry.resolve("Hainan").code == "460000"


def test_every_city_has_english_and_a_parent_province(registry):
    cities = registry.cities()
    assert len(cities) == 363
    english = [c.en for c in cities]
    assert len(set(english)) == len(english), "two cities share an English name"
    for city in cities:
        assert re.fullmatch(r"\d{6}", city.code) and city.code[:2] == city.parent[:2]
        assert registry.get(city.parent).kind == "province"
        assert city.en and not re.search(r"[\u4e00-\u9fff]", city.en)
    assert {c.en for c in registry.cities("350000")} >= {"Fuzhou, Fujian"}
    assert len(registry.cities("440000")) == 21
    assert registry.has_cities("440000") and not registry.has_cities("110000") and not registry.has_cities("710000")


def test_unknown_city_suggests(registry):
    with pytest.raises(UnknownRegion) as info:
        registry.resolve("广洲市", kind="city")
    assert "广州市" in info.value.suggestions


def test_census_loader_values_and_gaps():
    frame = load_city_census()
    assert set(frame["indicator_id"]) == {
        "city_population",
        "city_urban_share",
        "city_age65_share",
        "city_household_size",
    }
    row = frame.set_index(["indicator_id", "region_code", frame["period"].dt.year])["value"]
    assert row["city_population", "440100", 2020] == pytest.approx(1867.66, abs=0.01)  # 18,676,605 persons
    assert row["city_population", "110000", 2010] == pytest.approx(1961.2368)  # municipal row under the province
    assert row["city_urban_share", "440100", 2020] == pytest.approx(100 * 16096724 / 18676605, rel=1e-9)
    assert row["city_age65_share", "440100", 2020] == 7.82
    assert row["city_household_size", "440100", 2010] == 2.73
    assert frame.duplicated(["indicator_id", "region_code", "period"]).sum() == 0
    census = pd.read_csv(dataset("cn_city_census").path(CENSUS_FILE), dtype=str)
    missing = census.loc[census["popu_2020"].isna(), "city_code"].map(lambda c: municipal_codes().get(c, c))
    assert len(missing) == 10
    assert row.loc["city_population", list(missing), 2020].isna().all()
