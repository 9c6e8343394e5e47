"""The choropleth figure: no-data regions, legend with unit, hover, dashed line, footer, payload, clicks."""

from __future__ import annotations

import json

import pandas as pd
import plotly.colors
import pytest
import shapely
import streamlit as st

from data import dataset, load_observations
from indicators.metadata import catalogue
from maps.boundaries import BOUNDARY_DATASET, DASHED_LINE_CODE, dashed_line, region_shapes
from maps.classify import classify
from maps.errors import UnknownLevel, UnknownScheme
from maps.figure import FOOTER_WIDTH, NO_DATA_COLOUR, choropleth, class_colours, selected_regions
from maps.inset import MAIN_SOUTH
from maps.labels import cell_width
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
    assert sorted(t.geo or "geo" for t in dashes) == ["geo", "geo2"]  # the main map's part, and the inset's whole
    assert all(t.hoverinfo == "skip" for t in dashes)
    assert not any(DASHED_LINE_CODE in (t.locations or ()) for t in world_en.data)


def test_footer_names_data_and_boundary_sources_and_unmatched_regions(china_zh, world_en):
    footer = china_zh.layout.annotations[0].text
    for ds, lang in ((dataset("cn_prov_nbs"), "zh"), (dataset(BOUNDARY_DATASET), "zh")):  # 2022: the portal
        assert ds.citation[lang] in footer and ds.licence[lang] not in footer
    footer = world_en.layout.annotations[0].text
    assert "World Bank, World Development Indicators" in footer and "CC BY 4.0" not in footer
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
    assert dataset("cn_prov_panel").citation["zh"] in footer and dataset("cn_prov_nbs").citation["zh"] not in footer
    assert "数据截至 2000年" in footer


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


# --- layout: the map fills its panel, a readable legend, the South China Sea inset, source lines that fit -----------


def lats(geojson: dict) -> list[float]:
    """Every latitude of a FeatureCollection's polygons."""
    found = []
    for feature in geojson["features"]:
        shape = shapely.geometry.shape(feature["geometry"])
        if not shape.is_empty:
            found += [y for geom in getattr(shape, "geoms", [shape]) for _, y in geom.exterior.coords]
    return found


def test_the_map_spans_the_whole_plot_area_and_the_legend_sits_under_it(china_zh, world_en):
    for fig in (china_zh, world_en):
        assert list(fig.layout.geo.domain.x) == [0, 1] and list(fig.layout.geo.domain.y) == [0, 1]
        legend = fig.layout.legend
        assert legend.orientation == "h" and legend.y == 0 and legend.yanchor == "top"  # below, not on the land
        assert fig.layout.margin.l <= 10 and fig.layout.margin.r <= 10


def test_legend_text_is_as_large_as_the_page_body_text(china_zh, world_en):
    body = st.get_option("theme.baseFontSize") or 16  # Streamlit's 1rem
    for fig in (china_zh, world_en):
        legend = fig.layout.legend
        assert legend.font.size >= body and legend.title.font.size >= body
        assert "<sup>" not in legend.title.text  # the old explanation was superscript, 10 px
        assert fig.layout.font.size >= body


def test_the_south_china_sea_is_in_a_framed_inset_at_the_lower_right(china_zh, world_en):
    inset = china_zh.layout.geo2
    assert inset.showframe and inset.framecolor and inset.framewidth >= 1
    assert inset.domain.x[0] >= 0.75 and inset.domain.x[1] <= 1 and inset.domain.y[0] >= 0 and inset.domain.y[1] <= 0.4
    west, south, east, north = dashed_line().bounds
    assert inset.lonaxis.range[0] <= west and inset.lonaxis.range[1] >= east
    assert inset.lataxis.range[0] <= south and inset.lataxis.range[1] >= north
    in_inset = [t for t in china_zh.data if t.geo == "geo2"]
    dash = next(t for t in in_inset if list(t.locations or ()) == [DASHED_LINE_CODE])
    assert min(lats(dash.geojson)) == pytest.approx(south, abs=0.01)  # every dash, down to the southernmost
    assert "460000" in {code for t in in_inset for code in (t.locations or ())}  # Hainan and its islands
    assert all(t.hoverinfo == "skip" and t.showlegend is False for t in in_inset)
    assert any(t.type == "scattergeo" and list(t.text) == ["南海诸岛"] for t in in_inset)
    # The main map stops south of Hainan Island: nothing is drawn twice, nothing hangs below the mainland.
    main = [t for t in china_zh.data if t.type == "choropleth" and (t.geo or "geo") == "geo"]
    assert min(y for t in main for y in lats(t.geojson)) >= MAIN_SOUTH
    assert china_zh.layout.geo.lataxis.range[0] == MAIN_SOUTH
    assert not any(getattr(t, "geo", None) == "geo2" for t in world_en.data)  # the world has no inset


def test_source_lines_wrap_to_the_width_of_the_panel(china_zh, world_en):
    for fig in (china_zh, world_en):
        footer = fig.layout.annotations[0].text
        lines = footer.split("<br>")
        assert all(cell_width(line) <= FOOTER_WIDTH for line in lines)
        assert fig.layout.margin.b >= 16 * len(lines)  # room below the map for every line
