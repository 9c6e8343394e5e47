"""The choropleth figure: China provinces or world countries, classified, with legend, hover, footer.

One Plotly choropleth trace per class (a real legend with each class's range and count), one grey trace for regions
without data, the South China Sea dashed line on China maps, uncoded world features as plain background. Each trace
carries only its own features, so the boundaries travel to the browser once. Every region trace has
``locations`` = region code and ``customdata[0]`` = region code, so a click yields the code (see
:func:`selected_regions`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from common.text import render
from data import region_registry
from data.citation import Upload
from indicators.freshness import freshness
from indicators.metadata import Indicator
from maps import inset, labels
from maps.boundaries import (
    BOUNDARY_DATASET,
    CITY_BOUNDARY_DATASET,
    DASHED_LINE_CODE,
    dashed_line,
    feature_collection,
    is_city_level,
    region_shapes,
    uncoded_shapes,
)
from maps.classify import K_MAX, NO_DATA, SCHEMES, Classification, classify
from maps.values import (
    JoinReport,
    is_preliminary,
    join_report,
    latest_year,
    level_kind,
    rank,
    region_name,
    year_values,
)

NO_DATA_COLOUR = "#cccccc"
BACKGROUND_COLOUR = "#ebebeb"  # land without an ISO code: visibly not a data region, lighter than "no data"
BORDER_COLOUR = "#ffffff"
DASH_COLOUR = "#555555"
# Polar indicators: darker = better (the scale is reversed when lower is better). Neutral: another single hue,
# darker = higher, so a reader never takes "more" for "better".
PALETTE = {"higher_is_better": ("Blues", False), "lower_is_better": ("Blues", True), "neutral": ("Purples", False)}
# Explicit projection and lon/lat window rather than fitbounds: plotly.js silently turns fitbounds off once a
# rotation is set, and on the world it centres the view on the Pacific because Russia and Fiji cross 180°.
VIEW = {
    "china": {
        "projection": {"type": "conic equal area", "parallels": [25, 47], "rotation": {"lon": 105}},
        "lonaxis": {"range": [73, 136]},
        "lataxis": {"range": [inset.MAIN_SOUTH, 54]},  # the South China Sea is in the inset (maps.inset)
    },
    "world": {
        # Centred on 150°E like the world maps of China's SinoMaps Press; the cut runs through the Atlantic.
        "projection": {"type": "natural earth", "rotation": {"lon": 150}},
        "lonaxis": {"range": [-30, 330]},
        "lataxis": {"range": [-58, 85]},  # Cape Horn to northern Greenland; the file has no Antarctica
    },
}
# Text sizes (px). The legend is read, not glanced at: its entries are as large as the page's body text (Streamlit's
# 1rem); the legend's explanation and the source lines a step smaller, never the tiny <sup> of before.
BODY_SIZE = 16
SMALL_SIZE = 13
FOOTER_SIZE = 11
FOOTER_WIDTH = 110  # character cells of a source line (a Chinese character takes two) before it wraps
HEIGHT = {"china": 520, "world": 500, "city": 520}  # of the map itself; the title, legend and source lines add theirs
CITY_MARGIN = 0.04  # of a province's extent, around its cities
INSET_ROOM = 0.35  # of a province's width, added east of it when the South China Sea inset sits at the lower right
ROW = 26  # px of one legend row
# The topojson stub in static/topojson/ is named after these two (plotly.js fetches <scope>_<resolution>m.json).
GEO_SCOPE, GEO_RESOLUTION = "world", 110


def class_colours(k: int, polarity: str) -> list[str]:
    """Colours of classes 0..k-1 (class 0 holds the lowest values); the light end is skipped to stay off grey."""
    name, reverse = PALETTE.get(polarity, PALETTE["neutral"])
    steps = list(np.linspace(0.3, 1.0, k)) if k > 1 else [0.7]
    colours = plotly.colors.sample_colorscale(getattr(plotly.colors.sequential, name), steps)
    return colours[::-1] if reverse else colours


def _hover(lang: str) -> str:
    return (
        "<b>%{customdata[1]}</b><br>"
        + f"{render('choropleth.value', lang)}: %{{customdata[2]}}<br>"
        + f"{render('choropleth.rank', lang)}: %{{customdata[3]}}<br>"
        + f"{render('choropleth.year', lang)}: %{{customdata[4]}}<extra></extra>"
    )


def _region_trace(
    shapes: pd.DataFrame, codes: list[str], klass: int, colour: str, name: str, customdata: pd.DataFrame, lang: str
) -> go.Choropleth:
    """One class (or the no-data group): z is the class index (NO_DATA = -1), the colour is fixed."""
    return go.Choropleth(
        geojson=feature_collection(shapes.geometry.loc[codes]),
        locations=codes,
        z=[klass] * len(codes),
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        marker={"line": {"color": BORDER_COLOUR, "width": 0.6}},
        unselected={"marker": {"opacity": 0.45}},  # after a click the rest of the map stays readable
        customdata=customdata.loc[codes].to_numpy().tolist(),
        hovertemplate=_hover(lang),
        name=name,
        showlegend=True,
        legendrank=klass if klass != NO_DATA else K_MAX + 1,
    )


def _empty_class_entry(colour: str, name: str, rank: int) -> go.Scattergeo:
    """A legend row for a class no region falls in (an empty choropleth trace would vanish from the legend)."""
    return go.Scattergeo(
        lon=[None],
        lat=[None],
        mode="markers",
        marker={"symbol": "square", "size": 12, "color": colour},
        name=name,
        showlegend=True,
        legendrank=rank,
        hoverinfo="skip",
    )


def _fixed_trace(geojson: dict, codes: list[str], colour: str, outline: float = 0.0) -> go.Choropleth:
    """A non-data layer (dashed line, uncoded land): one colour, no hover, no legend, not clickable."""
    return go.Choropleth(
        geojson=geojson,
        locations=codes,
        z=[0] * len(codes),
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        marker={"line": {"width": outline, "color": colour}},
        hoverinfo="skip",
        showlegend=False,
    )


def _customdata(
    drawn: pd.Series, values: pd.Series, shapes: pd.DataFrame, meta: Indicator, year: int, lang: str
) -> pd.DataFrame:
    """Per region: code, name, value with unit, rank among all reporting regions, period."""
    ranks = rank(values, meta.polarity)
    n = int(values.notna().sum())
    rows = {}
    for code in drawn.index:
        value = drawn[code]
        place = ranks.get(code, pd.NA)
        rows[code] = [
            code,
            region_name(code, lang, shapes["name"].get(code)),
            labels.with_unit(value, meta.decimals, meta.unit[lang], lang),
            "—" if pd.isna(place) else render("choropleth.rank_of", lang, rank=int(place), n=n),
            render("choropleth.period", lang, year=year),
        ]
    return pd.DataFrame.from_dict(rows, orient="index")


def _legend_title(meta: Indicator, classes: Classification, lang: str) -> str:
    unit = render("choropleth.unit", lang, unit=meta.unit[lang])
    if classes.k == 0:  # nothing reported that year: no colour scale to explain
        return unit
    direction = "darker_higher" if meta.polarity == "neutral" else "darker_better"
    scheme = render("choropleth.scheme", lang, scheme=SCHEMES[classes.scheme].label[lang], k=classes.k)
    explained = f"{render(f'choropleth.{direction}', lang)} · {scheme}"
    return f"{unit}<br><span style='font-size:{SMALL_SIZE}px'>{explained}</span>"


def _footer(
    meta: Indicator,
    report: JoinReport,
    lang: str,
    notes: tuple[str, ...] = (),
    sources: tuple[str, ...] = (),
    year: int | None = None,
    uploads: Mapping[str, Upload] | None = None,
    boundary: str = BOUNDARY_DATASET,
) -> str:
    cited = labels.footer(meta, boundary, lang, sources, year, uploads)
    # An uploader's name is text: escaped after wrapping, so no line break falls inside an entity.
    cited_pieces = [html.escape(piece, quote=False) for line in cited for piece in labels.wrap(line, FOOTER_WIDTH)]
    lines = list(notes)
    sep = labels.SEPARATOR[lang]
    if report.unmatched:
        names = sep.join(f"{region_name(c, lang)} ({c})" for c in report.unmatched)
        lines.append(render("choropleth.unmatched", lang, regions=names))
    if report.borrowed:
        lines.append(
            render("choropleth.borrowed", lang, regions=sep.join(region_name(c, lang) for c in report.borrowed))
        )
    return "<br>".join(cited_pieces + [piece for line in lines for piece in labels.wrap(line, FOOTER_WIDTH)])


def _inset_copy(trace: go.Choropleth, geometries: pd.Series, keep: set[str]) -> go.Choropleth | None:
    """The part of a map layer inside the South China Sea inset, whole (the main map's copy is cut at its southern
    edge): same colours, no hover, no legend, no click."""
    codes = [code for code in trace.locations if code in keep]
    if not codes:
        return None
    return go.Choropleth(
        geojson=feature_collection(geometries.loc[codes]),
        locations=codes,
        z=[trace.z[0]] * len(codes),
        colorscale=trace.colorscale,
        showscale=False,
        marker={"line": {"color": trace.marker.line.color, "width": trace.marker.line.width}},
        hoverinfo="skip",
        showlegend=False,
        geo=inset.GEO,
    )


def _inset_traces(traces: list[Any], geometries: pd.Series, lang: str) -> list[Any]:
    """Copies of the region layers and the dashed line for the inset, and its caption."""
    keep = inset.codes_in_window(geometries) | {DASHED_LINE_CODE}
    copies = [_inset_copy(t, geometries, keep) for t in traces if isinstance(t, go.Choropleth)]
    return [c for c in copies if c is not None] + [inset.label(render("choropleth.inset", lang), SMALL_SIZE)]


def _has_city_figures(obs: pd.DataFrame, indicator_id: str, year: int) -> bool:
    """Whether an indicator has figures for prefecture-level units in a year (the province map then greys out the
    provinces whose figures are their cities')."""
    cities = {c.code for c in region_registry().cities()}
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["period"].dt.year == int(year)) & obs["value"].notna()]
    return bool(rows["region_code"].isin(cities).any())


def needs_inset(level: str, shapes: pd.DataFrame) -> bool:
    """China, and a province whose units reach the South China Sea islands (Hainan's Sansha), get the inset."""
    return level == "china" or (is_city_level(level) and float(shapes.total_bounds[1]) < inset.MAIN_SOUTH)


def _view(level: str, shapes: pd.DataFrame, with_inset: bool) -> dict[str, Any]:
    """The projection and window: fixed for China and the world; a province's cities fill the panel (with room for
    the inset where it is drawn), on a Mercator projection as provincial maps are."""
    if not is_city_level(level):
        return VIEW[level]
    # Hainan: the island fills the main view; Sansha (the islands far to the south) is the inset's.
    on_main = shapes.bounds["miny"] >= inset.MAIN_SOUTH if with_inset else shapes.bounds["miny"].notna()
    west, south, east, north = (float(v) for v in shapes[on_main if on_main.any() else slice(None)].total_bounds)
    pad_x, pad_y = (east - west) * CITY_MARGIN, (north - south) * CITY_MARGIN
    room = (east - west) * INSET_ROOM if with_inset else 0.0
    return {
        "projection": {"type": "mercator"},
        "lonaxis": {"range": [west - pad_x, east + pad_x + room]},
        "lataxis": {"range": [south - pad_y, north + pad_y]},
    }


def _legend(title: str) -> dict[str, Any]:
    """A row under the map, its title above the entries: inside the frame it covered land on both maps (China's
    lower left is Tibet and Yunnan, the world's lower corners Africa and South America)."""
    return {
        "title": {"text": title, "font": {"size": BODY_SIZE}, "side": "top"},
        "font": {"size": BODY_SIZE},
        "orientation": "h",
        "x": 0.0,
        "y": 0.0,
        "xanchor": "left",
        "yanchor": "top",
        "itemclick": False,
        "itemdoubleclick": False,
    }


def _legend_rows(k: int, missing: bool) -> int:
    """Rows the legend takes in a dashboard-wide panel: two of title, then about three entries a row."""
    return 2 + -(-(k + missing) // 3)


def choropleth(
    obs: pd.DataFrame,
    level: str,
    meta: Indicator,
    year: int,
    scheme: str = "quantiles",
    k: int = 5,
    lang: str = "zh",
    sources: tuple[str, ...] = (),
    uploads: Mapping[str, Upload] | None = None,
) -> go.Figure:
    """A classified choropleth of one indicator in one year.

    Args:
        obs: the canonical long frame (``data.load_observations()``); only ``meta.id``'s annual values for the
            level's regions in ``year`` are used, so the page can pass its cached frame as is.
        level: "china" (provinces, adcode), "world" (countries, ISO alpha-3) or a province's code (its
            prefecture-level units, adcode; only that province's geometry is in the figure).
        meta: the indicator (``catalogue().get(id)``): name, unit, decimals, polarity and source are used.
        year: calendar year.
        scheme: "quantiles", "equal_interval" or "natural_breaks" (mapclassify).
        k: number of classes, 2–9 (fewer when there are fewer distinct values).
        lang: "zh" or "en" for names, legend, hover and footer.
        sources: the datasets that year's values come from, for the footer (default the indicator's source).
        uploads: the uploaded version each dataset reads, by dataset id, cited in the footer.

    Returns:
        The figure; data regions without geometry are named in its footer (and in :func:`maps.join_report`).

    Raises:
        UnknownLevel, UnknownScheme, MapError: bad arguments or duplicate values.
    """
    kind = level_kind(level)
    obs = obs[obs["indicator_id"] == meta.id]  # one pass over the whole frame; the checks below read only these rows
    values = year_values(obs, meta.id, level, year)
    report = join_report(values, level)
    shapes = region_shapes(level, report.borrowed.keys())
    whole = shapes.geometry.copy()
    with_inset = needs_inset(level, shapes)
    view = _view(level, shapes, with_inset)  # from the whole shapes: a unit reaching the islands is the inset's
    if with_inset:
        whole[DASHED_LINE_CODE] = dashed_line()
        shapes["geometry"] = inset.main_part(shapes.geometry)  # the islands' place is the inset
    drawn = values.reindex(shapes.index)
    classes = classify(drawn, scheme, k)
    customdata = _customdata(drawn, values, shapes, meta, year, lang)
    colours = class_colours(classes.k, meta.polarity)

    traces: list[Any] = []
    if level == "world":
        uncoded = uncoded_shapes()
        ids = [f"uncoded-{i}" for i in uncoded.index]
        traces.append(_fixed_trace(feature_collection(uncoded.geometry.set_axis(ids)), ids, BACKGROUND_COLOUR))
    legend = labels.legend_intervals(classes.intervals(), meta.decimals, lang)
    for i, (label, count) in enumerate(zip(legend, classes.counts(), strict=True)):
        name = f"{label} ({count})"
        codes = classes.classes.index[classes.classes == i].tolist()
        if codes:
            traces.append(_region_trace(shapes, codes, i, colours[i], name, customdata, lang))
        else:
            traces.append(_empty_class_entry(colours[i], name, rank=i))
    missing = classes.no_data()
    if missing:
        name = f"{render('choropleth.no_data', lang)} ({len(missing)})"
        traces.append(_region_trace(shapes, missing, NO_DATA, NO_DATA_COLOUR, name, customdata, lang))
    if level == "china":
        dash = feature_collection(inset.main_part(whole.loc[[DASHED_LINE_CODE]]))  # the dash east of Taiwan
        # The dashes are slivers a few hundred metres wide: an outline keeps them visible at any zoom.
        traces.append(_fixed_trace(dash, [DASHED_LINE_CODE], DASH_COLOUR, outline=1.0))
    if with_inset:
        layers = list(traces)
        if level != "china":  # a province's map shows no dashes of its own: the inset draws the whole line
            dash = feature_collection(whole.loc[[DASHED_LINE_CODE]])
            layers.append(_fixed_trace(dash, [DASHED_LINE_CODE], DASH_COLOUR, outline=1.0))
        traces += _inset_traces(layers, whole, lang)

    # Vintage notes: a preliminary year, and data older than the release calendar promises.
    preliminary = is_preliminary(obs, meta.id, level, year)
    notes = [render("choropleth.preliminary", lang, year=year)] if preliminary else []
    latest = latest_year(obs, meta.id, level)
    fresh = freshness(pd.Timestamp(f"{latest}-01-01") if latest else None, "A", meta.id)
    if fresh.stale and latest is not None:
        notes.append(render("choropleth.stale", lang, latest=latest, expected=fresh.expected.year))
    if level == "china" and _has_city_figures(obs, meta.id, year):
        notes.append(render("choropleth.city_figures", lang))
    key = "choropleth.title_preliminary" if preliminary else "choropleth.title"
    title = render(key, lang, name=meta.name[lang], year=year)
    if kind == "city":  # whose cities: the title travels into exports and packs without the page around it
        title = render("choropleth.in_province", lang, province=region_name(level, lang), title=title)
    boundary = CITY_BOUNDARY_DATASET if kind == "city" else BOUNDARY_DATASET
    footer = _footer(meta, report, lang, tuple(notes), sources, year, uploads, boundary)
    footer_height = 16 * (footer.count("<br>") + 1)
    legend_rows = _legend_rows(classes.k, bool(missing))
    fig = go.Figure(traces)
    geo = {
        "visible": False,  # no base layers: they would need the real world_110m topojson from a CDN
        "scope": GEO_SCOPE,
        "resolution": GEO_RESOLUTION,
        "fitbounds": False,
        **view,
        "bgcolor": "rgba(0,0,0,0)",
        "domain": {"x": [0, 1], "y": [0, 1]},
    }
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": BODY_SIZE + 2}},
        font={"size": BODY_SIZE},
        hoverlabel={"font": {"size": BODY_SIZE}},
        geo=geo,
        legend=_legend(_legend_title(meta, classes, lang)),
        annotations=[
            {
                "text": footer,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -ROW * legend_rows,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "showarrow": False,
                "font": {"size": FOOTER_SIZE, "color": "#666666"},
            }
        ],
        margin={"l": 4, "r": 4, "t": 44, "b": footer_height + ROW * legend_rows + 8},
        height=HEIGHT["city" if kind == "city" else level] + 44 + ROW * legend_rows + footer_height + 8,
        uirevision=level,  # keep the user's zoom when only the year or scheme changes
    )
    if with_inset:
        fig.update_layout(geo2={**inset.layout(), "scope": GEO_SCOPE, "resolution": GEO_RESOLUTION})
    return fig


def selected_regions(event: Mapping | Any, level: str) -> list[str]:
    """Region codes clicked or lasso-selected in ``st.plotly_chart(..., on_select="rerun")``'s event.

    Reads ``event["selection"]["points"][i]["location"]`` (falling back to ``customdata[0]``) and keeps only
    regions of the level (on a province's map, its own cities), so clicks on the dashed line or background land give
    nothing.
    """
    selection = event.get("selection", {}) if isinstance(event, Mapping) else getattr(event, "selection", {})
    points = selection.get("points", []) if isinstance(selection, Mapping) else getattr(selection, "points", [])
    kind = level_kind(level)
    registry = region_registry()
    codes = []
    for point in points:
        code = point.get("location") or (point.get("customdata") or [None])[0]
        if code is None or code not in registry or code in codes:
            continue
        region = registry.get(code)
        if region.kind == kind and (kind != "city" or region.parent == level):
            codes.append(str(code))
    return codes
