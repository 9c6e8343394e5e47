"""The choropleth figure: no-data regions, legend with unit, hover, dashed line, footer, payload, clicks."""

from __future__ import annotations

import json

import pandas as pd
import plotly.colors
import pytest
import shapely

from data import dataset, load_observations
from indicators.metadata import catalogue
from maps.boundaries import BOUNDARY_DATASET, DASHED_LINE_CODE, region_shapes
from maps.classify import classify
from maps.errors import UnknownLevel, UnknownScheme
from maps.figure import NO_DATA_COLOUR, choropleth, class_colours, selected_regions
from maps.offline import TOPOJSON_DIR

PAYLOAD_LIMIT = 1_000_000  # bytes of figure JSON per map


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    """Every shipped observation, loaded once for this module."""
    return load_observations()


@pytest.fixture(scope="module")
def china_zh(obs):
    """GDP by province, 2022, quantiles, Chinese."""
    return choropleth(obs, "china", catalogue().get("gdp"), 2022, "quantiles", 5, lang="zh")


@pytest.fixture(scope="module")
def world_en(obs):
    """World Bank GDP by country, 2022, natural breaks, English (HKG, MAC borrowed; CHI, XKX unmatched)."""
    return choropleth(obs, "world", catalogue().get("wb_gdp_usd"), 2022, "natural_breaks", 6, lang="en")


def region_traces(fig):
    return [t for t in fig.data if t.type == "choropleth" and t.customdata is not None]


def by_code(fig) -> dict[str, tuple]:
    """Region code → (trace, customdata row) over every region trace."""
    return {row[0]: (t, row) for t in region_traces(fig) for row in t.customdata}


def luminance(colour: str) -> float:
    r, g, b = plotly.colors.unlabel_rgb(plotly.colors.convert_colors_to_same_type(colour, "rgb")[0][0])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_regions_without_data_are_grey_and_labelled(china_zh, world_en):
    grey = [t for t in region_traces(china_zh) if t.colorscale[0][1] == NO_DATA_COLOUR]
    assert len(grey) == 1
    assert sorted(grey[0].locations) == ["710000", "810000", "820000"]
    assert grey[0].name.startswith("无数据")
    assert {row[2] for row in grey[0].customdata} == {"无数据"}
    assert any(t.name.startswith("no data") for t in region_traces(world_en))


def test_every_region_with_geometry_is_drawn_once_with_its_code(china_zh):
    codes = [code for t in region_traces(china_zh) for code in t.locations]
    assert sorted(codes) == sorted(region_shapes("china").index)
    for trace in region_traces(china_zh):
        assert list(trace.locations) == [row[0] for row in trace.customdata]
        assert {f["id"] for f in trace.geojson["features"]} == set(trace.locations)


def test_legend_title_carries_the_unit(china_zh, world_en):
    assert "亿元" in china_zh.layout.legend.title.text
    assert "US$ 100 million" in world_en.layout.legend.title.text


def test_classes_are_mapclassify_classes_with_distinct_colours(obs, china_zh):
    values = pd.Series({code: None for code in region_shapes("china").index}, dtype="float64")
    values.update(obs[(obs.indicator_id == "gdp") & (obs.period.dt.year == 2022)].set_index("region_code")["value"])
    expected = classify(values, "quantiles", 5)
    classes = [t for t in region_traces(china_zh) if t.colorscale[0][1] != NO_DATA_COLOUR]
    assert [len(t.locations) for t in classes] == expected.counts()
    assert len({t.colorscale[0][1] for t in classes}) == 5
    low, high = expected.intervals()[0]
    assert classes[0].name == f"{low:,.1f} – {high:,.1f} ({expected.counts()[0]})"


def test_hover_shows_name_value_with_unit_rank_and_period(obs, china_zh, world_en):
    trace, row = by_code(china_zh)["440000"]
    guangdong = obs[(obs.indicator_id == "gdp") & (obs.region_code == "440000") & (obs.period.dt.year == 2022)]
    assert row == ["440000", "广东", f"{guangdong['value'].iloc[0]:,.1f}亿元", "第 1 名 / 共 31 个", "2022年"]
    assert "%{customdata[1]}" in trace.hovertemplate and "%{customdata[2]}" in trace.hovertemplate
    assert "排名" in trace.hovertemplate
    _, row = by_code(world_en)["CHN"]
    assert row[1] == "China" and row[2].endswith(" US$ 100 million") and row[4] == "2022"


@pytest.mark.parametrize("polarity", ["higher_is_better", "lower_is_better", "neutral"])
def test_colour_direction_follows_polarity(polarity):
    colours = class_colours(5, polarity)
    darkest = min(range(5), key=lambda i: luminance(colours[i]))
    assert darkest == (0 if polarity == "lower_is_better" else 4)


def test_lower_is_better_paints_the_best_rank_darkest(obs):
    fig = choropleth(obs, "world", catalogue().get("egdi_rank"), 2024, "quantiles", 5)
    trace, _ = by_code(fig)["DNK"]  # EGDI rank 1 in 2024
    darkest = min(region_traces(fig), key=lambda t: luminance(t.colorscale[0][1]))
    assert trace is darkest


def test_dashed_line_is_drawn_on_china_maps_only(china_zh, world_en):
    dashes = [t for t in china_zh.data if t.type == "choropleth" and list(t.locations) == [DASHED_LINE_CODE]]
    assert len(dashes) == 1 and dashes[0].hoverinfo == "skip"
    assert not any(DASHED_LINE_CODE in (t.locations or ()) for t in world_en.data)


def test_footer_names_data_and_boundary_sources_and_unmatched_regions(china_zh, world_en):
    footer = china_zh.layout.annotations[0].text
    for ds, lang in ((dataset("cn_prov_nbs"), "zh"), (dataset(BOUNDARY_DATASET), "zh")):  # 2022: the portal
        assert ds.producer[lang] in footer and ds.licence[lang] in footer
    footer = world_en.layout.annotations[0].text
    assert "CC BY 4.0" in footer and "MIT" in footer
    assert "Channel Islands (CHI)" in footer and "(XKX)" in footer
    assert "drawn from the provincial layer" in footer


@pytest.mark.parametrize("fixture", ["china_zh", "world_en"])
def test_payload_is_under_a_megabyte(fixture, request):
    assert len(request.getfixturevalue(fixture).to_json()) < PAYLOAD_LIMIT


@pytest.mark.parametrize("fixture", ["china_zh", "world_en"])
def test_shipped_exterior_rings_are_clockwise(fixture, request):
    fig = json.loads(request.getfixturevalue(fixture).to_json())
    rings = 0
    for trace in fig["data"]:
        for feature in (trace.get("geojson") or {}).get("features", []):
            shape = shapely.geometry.shape(feature["geometry"])
            for polygon in [shape] if shape.geom_type == "Polygon" else shape.geoms:
                assert not polygon.exterior.is_ccw, feature["id"]
                rings += 1
    assert rings > 200


@pytest.mark.parametrize("fixture", ["china_zh", "world_en"])
def test_base_layers_are_hidden_and_the_topojson_stub_exists(fixture, request):
    geo = request.getfixturevalue(fixture).layout.geo
    assert geo.visible is False
    assert (TOPOJSON_DIR / f"{geo.scope}_{geo.resolution}m.json").is_file()


def test_empty_classes_keep_their_legend_row(obs):
    frame = pd.DataFrame(
        {
            "indicator_id": "gdp",
            "region_code": ["110000", "120000", "130000", "140000", "150000"],
            "period": pd.Timestamp("2020-01-01"),
            "freq": "A",
            "value": [0.0, 1.0, 2.0, 3.0, 100.0],
        }
    )
    fig = choropleth(frame, "china", catalogue().get("gdp"), 2020, "equal_interval", 4)
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == ["0.0 – 25.0 (4)", "25.0 – 50.0 (0)", "50.0 – 75.0 (0)", "75.0 – 100.0 (1)", "无数据 (29)"]


def test_a_year_without_data_draws_every_region_grey(obs):
    fig = choropleth(obs, "world", catalogue().get("egdi"), 2020, lang="en")  # no survey in 2020
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == [f"no data ({len(region_shapes('world'))})"]
    assert fig.layout.legend.title.text == "Unit: index (0–1)"


def test_a_click_yields_the_region_code():
    event = {
        "selection": {
            "points": [
                {"curve_number": 4, "location": "510000", "customdata": ["510000", "四川"]},
                {"curve_number": 8, "location": DASHED_LINE_CODE},
                {"curve_number": 2, "customdata": ["440000", "广东"]},
                {"curve_number": 2, "location": "510000"},
            ]
        }
    }
    assert selected_regions(event, "china") == ["510000", "440000"]
    assert selected_regions({"selection": {"points": [{"location": "HKG"}]}}, "world") == ["HKG"]
    assert selected_regions({"selection": {"points": [{"location": "HKG"}]}}, "china") == []
    assert selected_regions({"selection": {"points": []}}, "china") == []


def test_bad_arguments_are_named(obs):
    with pytest.raises(UnknownLevel):
        choropleth(obs, "asia", catalogue().get("gdp"), 2022)
    with pytest.raises(UnknownScheme):
        choropleth(obs, "china", catalogue().get("gdp"), 2022, scheme="jenks")


def test_a_map_drawn_from_two_sources_names_both(obs):
    fig = choropleth(obs, "china", catalogue().get("gdp"), 2000, sources=("cn_prov_panel",))
    footer = fig.layout.annotations[0].text
    assert dataset("cn_prov_panel").producer["zh"] in footer and dataset("cn_prov_nbs").producer["zh"] not in footer


@pytest.mark.parametrize(
    ("lang", "title", "note"),
    [("zh", "（2025年，初步数）", "2025年数值为初步数"), ("en", "(2025, preliminary)", "2025 figures are preliminary")],
)
def test_a_preliminary_year_is_marked_in_the_title_and_footer(obs, lang, title, note):
    fig = choropleth(obs, "china", catalogue().get("gdp_per_capita"), 2025, lang=lang)
    assert fig.layout.title.text.endswith(title)
    assert note in fig.layout.annotations[0].text
    final = choropleth(obs, "china", catalogue().get("gdp_per_capita"), 2024, lang=lang)
    assert note not in final.layout.annotations[0].text


def test_a_stale_indicator_says_so_in_the_footer(obs):
    fig = choropleth(obs, "china", catalogue().get("trade_total"), 2022)  # COCKPIT_TODAY is 2026-12-02
    assert "最新数据为 2022年（按发布周期应已有 2024年数据）" in fig.layout.annotations[0].text
    current = choropleth(obs, "china", catalogue().get("gdp"), 2024)
    assert "最新数据为" not in current.layout.annotations[0].text
