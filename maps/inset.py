"""The South China Sea inset (南海诸岛) of China maps, drawn as China's official maps draw it.

The main map stops just south of Hainan Island; the islands of the South China Sea and the dashed line are shown in
a framed box at the lower right, on their own small scale, instead of full-scale dashes hanging below the mainland
(which left the mainland at a fraction of the panel). The box holds every province the window touches (Hainan
with its islands, Guangdong, Guangxi, Fujian, Taiwan …), coloured as on the main map, and the dashed line.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import plotly.graph_objects as go
import shapely

GEO = "geo2"  # the inset's geo subplot (the main map is "geo")
# lon/lat window: the dashed line spans 108.2–122.8°E, 3.4–24.6°N; the islands lie inside it.
WINDOW = {"lon": (106.0, 124.5), "lat": (2.6, 25.2)}
# Where the box sits in the figure's plot area (fractions): the lower right, clear of the mainland.
DOMAIN = {"x": [0.78, 0.995], "y": [0.005, 0.36]}
FRAME_COLOUR = "#555555"
# The main map's southern edge: just below Hainan Island's southern tip (18.15°N).
MAIN_SOUTH = 17.6


def window() -> shapely.Geometry:
    (west, east), (south, north) = WINDOW["lon"], WINDOW["lat"]
    return shapely.box(west, south, east, north)


def codes_in_window(geometries: gpd.GeoSeries) -> set[str]:
    """Codes of the regions whose shape reaches into the inset's window."""
    return set(geometries.index[geometries.intersects(window())])


def layout() -> dict[str, Any]:
    """The inset's geo subplot: framed, white behind, a plain cylindrical view of the window (no base layers)."""
    return {
        "domain": DOMAIN,
        "visible": False,
        "fitbounds": False,
        "projection": {"type": "mercator"},
        "lonaxis": {"range": list(WINDOW["lon"])},
        "lataxis": {"range": list(WINDOW["lat"])},
        "showframe": True,
        "framecolor": FRAME_COLOUR,
        "framewidth": 1,
        "bgcolor": "#ffffff",
    }


def label(text: str, size: int) -> go.Scattergeo:
    """The box's caption, 南海诸岛, at its lower right as on the official maps."""
    return go.Scattergeo(
        lon=[WINDOW["lon"][1] - 0.6],
        lat=[WINDOW["lat"][0] + 1.2],
        mode="text",
        text=[text],
        textposition="top left",
        textfont={"size": size, "color": FRAME_COLOUR},
        hoverinfo="skip",
        showlegend=False,
        geo=GEO,
    )


def main_part(geometries: gpd.GeoSeries) -> gpd.GeoSeries:
    """The shapes as the main map draws them: cut at :data:`MAIN_SOUTH`, so the islands and dashes to the south are
    not drawn twice (the main view's frame shows more than its range when the panel is taller than China)."""
    south = geometries.bounds["miny"] < MAIN_SOUTH
    if not south.any():
        return geometries
    out = geometries.copy()
    cut = shapely.clip_by_rect(geometries[south].values, -180.0, MAIN_SOUTH, 180.0, 90.0)
    out[south] = shapely.orient_polygons(cut, exterior_cw=True)  # d3-geo fills a counter-clockwise ring inside out
    return out
