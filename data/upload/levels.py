"""Provinces and their cities in one upload: which level a name means, and a file that mixes the two.

A city table names its units as people write them (广州 or 广州市, 恩施州). A few short names are also a
province's (吉林 the province, 吉林 the city of Jilin; 海南 and Qinghai's 海南州): the registry reads them as the
province. When the file's other names are cities, such a name is read as the city of the same province instead
(`prefer_cities`).

A province's total and its cities in one column would be counted twice by anything that sums or ranks the column, so
a file that holds a province and any of its own cities is refused (`check_levels`), naming the province's row and
its cities; provinces beside cities of other provinces are allowed (a national table of municipalities and cities).
"""

from __future__ import annotations

import pandas as pd

from common.text import Text
from data.regions import RegionRegistry
from data.upload.match import Matcher, region_name
from data.upload.validation import ProblemLog


def prefer_cities(matcher: Matcher) -> bool:
    """Re-read names the file used for a province as the city of that province when the file's other regions are
    that province's cities; True when any name changed (the table must then be read again)."""
    registry: RegionRegistry = matcher.registry
    seen = {text: code for text, code in matcher.seen_regions().items() if code is not None}
    parents = {registry.get(c).parent for c in seen.values() if registry.get(c).kind == "city"}
    changed = False
    for text, code in seen.items():
        if registry.get(code).kind != "province":
            continue
        city = registry.find(text, kind="city")
        if city is not None and city.parent in parents:
            matcher.set_region(text, city.code)
            changed = True
    return changed


def check_levels(frame: pd.DataFrame, sources: pd.DataFrame, registry: RegionRegistry, log: ProblemLog) -> None:
    """Log a `region_levels_mixed` error for every province whose own cities the same file also holds."""
    codes = frame["region_code"].unique()
    cities: dict[str, list[str]] = {}
    for code in codes:
        region = registry.get(code) if code in registry else None
        if region is not None and region.kind == "city":
            cities.setdefault(region.parent, []).append(code)
    for province in sorted(set(codes) & set(cities)):
        src = sources.loc[frame.index[frame["region_code"] == province][0]]
        own = sorted(cities[province])
        names = [region_name(registry, c) for c in own[:3]]
        log.add(
            "region_levels_mixed",
            row=int(src["row"]),
            column=src["column"],
            header=src["header"],
            value=registry.name(province, "zh"),
            region=region_name(registry, province),
            cities=Text("、".join(n.zh for n in names), ", ".join(n.en for n in names)),
            count=len(own),
        )
