"""Offline choropleth maps of China's provinces and the world's countries (library code, no Streamlit).

Typical use from a page (the ui layer caches the loaders, and its Plotly config carries ``maps.TOPOJSON_URL``)::

    fig = maps.choropleth(obs, "china", catalogue().get("gdp"), 2022, scheme="quantiles", k=5, lang="zh")
    event = show.chart(fig, meta, key, on_select="rerun", selection_mode="points")
    codes = maps.selected_regions(event, "china")
"""

from maps.boundaries import (
    BOUNDARY_DATASET,
    CITY_BOUNDARY_DATASET,
    LEVELS,
    dashed_line,
    is_city_level,
    region_shapes,
    uncoded_shapes,
)
from maps.classify import K_MAX, K_MIN, NO_DATA, SCHEMES, Classification, classify
from maps.errors import MapError, UnknownLevel, UnknownScheme
from maps.figure import choropleth, class_colours, selected_regions
from maps.offline import TOPOJSON_URL, use_local_topojson
from maps.values import (
    JoinReport,
    available_years,
    city_levels,
    drill_provinces,
    join_report,
    mappable_indicators,
    region_name,
    values_table,
    year_values,
)

__all__ = [
    "BOUNDARY_DATASET",
    "CITY_BOUNDARY_DATASET",
    "K_MAX",
    "K_MIN",
    "LEVELS",
    "NO_DATA",
    "SCHEMES",
    "TOPOJSON_URL",
    "Classification",
    "JoinReport",
    "MapError",
    "UnknownLevel",
    "UnknownScheme",
    "available_years",
    "city_levels",
    "drill_provinces",
    "is_city_level",
    "choropleth",
    "class_colours",
    "classify",
    "dashed_line",
    "join_report",
    "mappable_indicators",
    "region_name",
    "region_shapes",
    "selected_regions",
    "uncoded_shapes",
    "use_local_topojson",
    "values_table",
    "year_values",
]
