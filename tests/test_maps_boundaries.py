"""Boundary preparation: every region keyed, valid, clockwise; the dashed line and uncoded land kept apart."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from data import region_registry
from maps.boundaries import (
    BORROWABLE,
    NO_CODE,
    dashed_line,
    dropped_features,
    prepare,
    region_shapes,
    uncoded_shapes,
)
from maps.errors import UnknownLevel


def polygons(geom: shapely.Geometry) -> list[shapely.Polygon]:
    return [geom] if geom.geom_type == "Polygon" else list(geom.geoms)


def clockwise(geom: shapely.Geometry) -> bool:
    """Exterior rings clockwise and holes counter-clockwise: what d3-geo needs to fill the inside."""
    return all(
        not p.exterior.is_ccw and all(ring.is_ccw for ring in p.interiors) for p in polygons(geom) if not p.is_empty
    )


def test_every_provincial_unit_has_a_geometry_keyed_by_adcode():
    province_codes = {r.code for r in region_registry().provinces()}
    assert len(province_codes) == 34
    assert set(region_shapes("china").index) == province_codes


def test_world_is_keyed_by_iso3_without_the_minus_99_features():
    world = region_shapes("world")
    assert world.index.is_unique
    assert all(len(code) == 3 and code.isalpha() and code.isupper() for code in world.index)
    assert NO_CODE not in world.index
    assert {"CHN", "USA", "AUS", "BRA"} <= set(world.index)


def test_features_without_an_iso_code_are_kept_apart_as_background():
    assert sorted(uncoded_shapes()["name"]) == ["Kosovo", "Northern Cyprus", "Siachen Glacier", "Somaliland"]


@pytest.mark.parametrize("level", ["china", "world"])
def test_prepared_geometries_are_valid_polygons_wound_clockwise(level):
    shapes = region_shapes(level, set(BORROWABLE) if level == "world" else set())
    assert set(shapes.geom_type) <= {"Polygon", "MultiPolygon"}
    assert shapes.is_valid.all()
    assert not shapes.is_empty.any()
    bad = [code for code, geom in shapes.geometry.items() if not clockwise(geom)]
    assert bad == []


@pytest.mark.parametrize("level", ["china", "world"])
def test_no_feature_vanishes_in_simplification(level):
    assert dropped_features(level) == []


def test_dashed_line_is_a_set_of_dashes_in_the_south_china_sea():
    line = dashed_line()
    assert line.geom_type == "MultiPolygon"
    assert len(line.geoms) >= 9
    minx, miny, maxx, maxy = line.bounds
    assert minx > 105 and maxx < 126 and 3 < miny < 5 and maxy < 26
    assert clockwise(line)


def test_borrowed_hong_kong_and_macao_are_cut_out_of_china():
    world = region_shapes("world", {"HKG", "MAC"})
    assert {"HKG", "MAC"} <= set(world.index)
    for code in ("HKG", "MAC"):
        province = region_shapes("china").loc[BORROWABLE[code], "geometry"]
        assert world.loc[code, "geometry"].equals(province)
        overlap = shapely.intersection(world.loc["CHN", "geometry"], world.loc[code, "geometry"]).area
        assert overlap < 1e-3 * province.area  # re-snapping China to the 0.001° grid leaves slivers, no more
    assert "HKG" not in region_shapes("world").index  # only on request


def test_region_shapes_hands_out_copies():
    first = region_shapes("china")
    first.loc["110000", "name"] = "changed"
    assert region_shapes("china").loc["110000", "name"] == "北京市"


def test_prepare_repairs_a_bow_tie_and_winds_it_clockwise():
    bow_tie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    ccw_square = shapely.Polygon([(10, 0), (11, 0), (11, 1), (10, 1)])
    assert not bow_tie.is_valid and ccw_square.exterior.is_ccw
    out = prepare(np.array([bow_tie, ccw_square]), tolerance=0.0)
    assert all(shapely.is_valid(out))
    assert out[0].geom_type == "MultiPolygon" and out[0].area == pytest.approx(2.0)
    assert all(clockwise(g) for g in out)


def test_prepare_rounds_coordinates_to_the_grid():
    square = shapely.Polygon([(0.12345, 0), (1.98765, 0), (1.98765, 1.00049), (0.12345, 1.00049)])
    coords = shapely.get_coordinates(prepare(np.array([square]), tolerance=0.0, decimals=3))
    assert np.array_equal(coords, np.round(coords, 3))


def test_unknown_level_is_named():
    with pytest.raises(UnknownLevel, match="'europe'.*china, world"):
        region_shapes("europe")
