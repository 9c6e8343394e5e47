"""Boundary geometry for the two map levels, prepared once for Plotly's geo renderer.

Source: the ECharts map assets (dataset ``boundaries_echarts``), which follow China's boundary conventions: 34
provincial-level units plus the South China Sea dashed line, and world countries with Taiwan inside China.

Preparation, in order, and why:

1. ``make_valid(method="structure")`` — 22 provinces and 2 countries have self-touching rings as decoded; the
   "structure" method keeps polygons only (Plotly ignores GeometryCollections, so linework must not leak in).
2. ``coverage_clean`` then ``coverage_simplify`` — neighbours share one simplified edge, so no slivers or gaps open
   between provinces as they would with per-feature simplification.
3. ``set_precision`` and rounding to 3 decimals (about 100 m, finer than the source's 1/1024° grid) — halves the JSON.
4. ``orient_polygons(exterior_cw=True)`` — d3-geo, which Plotly uses, reads a counter-clockwise exterior ring as
   "everything except this polygon" and fills the whole frame; GeoJSON (RFC 7946) ships them counter-clockwise.

Features that vanish at this precision (Vatican City) are dropped and listed by :func:`dropped_features`.

Below the province, a level is a province's code ("440000"): its prefecture-level units from the city map (dataset
``boundaries_echarts_cities``), prepared the same way, one province at a time, so only that province's geometry is
ever sent to the browser.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

from data import dataset
from maps.errors import UnknownLevel

BOUNDARY_DATASET = "boundaries_echarts"
CITY_BOUNDARY_DATASET = "boundaries_echarts_cities"
CITY_FILE = "china_cities_decoded.geojson"
LEVELS = ("china", "world")  # the top levels; a province's code is the level of its cities (see is_city_level)
DASHED_LINE_CODE = "100000_JD"
NO_CODE = "-99"  # world features without an ISO code (Somaliland, Kosovo, Northern Cyprus, Siachen Glacier)
# On the world layer Hong Kong, Macao and Taiwan lie inside China; where data report them on their own (World Bank
# HKG, MAC) their outline is taken from the province layer and cut out of China, so both stay visible and clickable.
BORROWABLE = {"HKG": "810000", "MAC": "820000", "TWN": "710000"}


@dataclass(frozen=True)
class Preparation:
    """How one level's geometry is prepared: source file, code field, simplification tolerance (degrees)."""

    file: str
    code_field: str
    tolerance: float
    decimals: int = 3


# Tolerances keep every vertex that is visible at dashboard size: a 700 px China map is ~0.09°/px, a world map
# ~0.35°/px. China at 0.03° goes from 24.6k to ~14k vertices; the world file is already coarse.
PREPARATION = {
    "china": Preparation("china_provinces_decoded.geojson", "adcode", tolerance=0.03),
    "world": Preparation("world_countries_decoded.geojson", "iso_a3", tolerance=0.05),
}


# A province's cities on a ~700 px panel: a province spans 3–25°, so 0.005–0.04°/px; 0.01° keeps every visible bend.
CITY_PREPARATION = Preparation(CITY_FILE, "adcode", tolerance=0.01)


def is_city_level(level: str) -> bool:
    """Whether a level is a province's prefecture-level map (its code, for a province divided into cities)."""
    return level not in PREPARATION and level in _city_parents().values()


def _check_level(level: str) -> Preparation:
    if level in PREPARATION:
        return PREPARATION[level]
    if is_city_level(level):
        return CITY_PREPARATION
    raise UnknownLevel(
        f"unknown map level {level!r}; expected one of {', '.join(LEVELS)} or a province code with cities"
    )


@lru_cache(maxsize=1)
def _city_file() -> gpd.GeoDataFrame:
    """The whole city map, read once (4.4 MB); each province's part is prepared on its own."""
    path = dataset(CITY_BOUNDARY_DATASET).path(CITY_FILE)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
        raw = gpd.read_file(path)
    raw = raw[raw["level"] == "city"]
    # `parent` is an object in most features and a JSON string in a few: either way the province is its adcode.
    parents = raw["parent"].map(lambda p: str(json.loads(p)["adcode"] if isinstance(p, str) else p["adcode"]))
    codes = raw["adcode"].astype(str)
    return gpd.GeoDataFrame(
        {"code": codes.values, "name": raw["name"].astype(str).values, "parent": parents.values},
        geometry=raw.geometry.values,
        crs=raw.crs,
    )


@lru_cache(maxsize=1)
def _city_parents() -> dict[str, str]:
    frame = _city_file()
    return dict(zip(frame["code"], frame["parent"], strict=True))


def prepare(geometries: np.ndarray, tolerance: float, decimals: int = 3) -> np.ndarray:
    """Repair, simplify as a coverage, round and orient clockwise (see the module docstring for why)."""
    valid = shapely.make_valid(geometries, method="structure", keep_collapsed=False)
    clean = shapely.coverage_clean(valid)
    simple = shapely.coverage_simplify(clean, tolerance) if tolerance > 0 else clean
    grid = 10.0**-decimals
    snapped = shapely.set_precision(simple, grid)
    # set_precision leaves binary artefacts (116.12300000000001); rounding keeps the JSON short.
    rounded = shapely.transform(snapped, lambda xy: np.round(xy, decimals))
    return shapely.orient_polygons(rounded, exterior_cw=True)


def _read(level: str) -> gpd.GeoDataFrame:
    prep = _check_level(level)
    if prep is CITY_PREPARATION:
        cities = _city_file()
        return cities.loc[cities["parent"] == level, ["code", "name", "geometry"]].reset_index(drop=True)
    path = dataset(BOUNDARY_DATASET).path(prep.file)
    with warnings.catch_warnings():
        # pyogrio tries to parse mixed-type id columns as JSON and warns when it leaves them as strings.
        warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
        raw = gpd.read_file(path)
    codes = raw[prep.code_field].astype(str)
    return gpd.GeoDataFrame({"code": codes, "name": raw["name"].astype(str)}, geometry=raw.geometry.values, crs=raw.crs)


@lru_cache(maxsize=64)  # the two top levels and every province's cities
def _prepared(level: str) -> gpd.GeoDataFrame:
    """Every feature of a level's file, prepared; empties kept so :func:`dropped_features` can name them."""
    prep = _check_level(level)
    frame = _read(level)
    frame["geometry"] = prepare(frame.geometry.values, prep.tolerance, prep.decimals)
    return frame


def dropped_features(level: str) -> list[str]:
    """Names of features that vanished in preparation (too small for the rounding grid)."""
    frame = _prepared(level)
    return frame.loc[frame.geometry.is_empty, "name"].tolist()


@lru_cache(maxsize=64)
def _region_shapes(level: str, borrow: frozenset[str]) -> gpd.GeoDataFrame:
    frame = _prepared(level)
    keep = ~frame.geometry.is_empty & ~frame["code"].isin([DASHED_LINE_CODE, NO_CODE])
    # Australia comes as two features (mainland, Ashmore and Cartier Islands): one code, one shape.
    shapes = frame[keep].dissolve(by="code", aggfunc="first", sort=False)
    shapes["geometry"] = shapely.orient_polygons(shapes.geometry.values, exterior_cw=True)  # union may re-wind
    if level == "world" and borrow:
        shapes = _borrow_from_china(shapes, borrow)
    shapes.index.name = "code"
    return shapes


def _borrow_from_china(world: gpd.GeoDataFrame, borrow: frozenset[str]) -> gpd.GeoDataFrame:
    provinces = region_shapes("china")
    codes = sorted(c for c in borrow if c in BORROWABLE and c not in world.index)
    if not codes:
        return world
    parts = provinces.loc[[BORROWABLE[c] for c in codes]].set_axis(codes)
    china = world.loc["CHN", "geometry"]
    cut = shapely.difference(china, shapely.union_all(parts.geometry.values))
    world = world.copy()
    # The cut adds unrounded vertices: prepare again without simplifying.
    world.loc["CHN", "geometry"] = prepare(np.array([cut]), tolerance=0.0)[0]
    return gpd.GeoDataFrame(
        {"name": list(world["name"]) + list(parts["name"])},
        geometry=list(world.geometry.values) + list(parts.geometry.values),
        index=list(world.index) + codes,
        crs=world.crs,
    )


def region_shapes(level: str, borrow: frozenset[str] | set[str] = frozenset()) -> gpd.GeoDataFrame:
    """The regions of a level that can carry values, indexed by code, with the source's ``name`` and geometry.

    China is keyed by adcode string ("110000"), the world by ISO alpha-3. Excluded: the dashed line (see
    :func:`dashed_line`), world features without a code (see :func:`uncoded_shapes`) and dropped features.

    Args:
        level: "china", "world" or a province code (its prefecture-level units, keyed by adcode).
        borrow: world only — codes from :data:`BORROWABLE` to draw from the province layer (e.g. {"HKG", "MAC"}).

    Returns:
        A fresh copy; the cached original is never handed out.
    """
    return _region_shapes(level, frozenset(borrow)).copy()


def dashed_line() -> shapely.Geometry:
    """The South China Sea dashed line (a MultiPolygon of short dashes), drawn on every China map."""
    frame = _prepared("china")
    return frame.loc[frame["code"] == DASHED_LINE_CODE, "geometry"].iloc[0]


def uncoded_shapes() -> gpd.GeoDataFrame:
    """World features with no ISO code (iso_a3 -99): drawn as plain background, never joined to data."""
    frame = _prepared("world")
    return frame[(frame["code"] == NO_CODE) & ~frame.geometry.is_empty].reset_index(drop=True)


def feature_collection(geometries: gpd.GeoSeries) -> dict:
    """A GeoJSON FeatureCollection with each feature's ``id`` set to its index label (the region code)."""
    features = [
        {"type": "Feature", "id": str(code), "properties": {}, "geometry": shapely.geometry.mapping(geom)}
        for code, geom in geometries.items()
    ]
    return {"type": "FeatureCollection", "features": features}
