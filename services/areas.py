"""An imported log's area names matched to registry codes, where the region the log covers has children the registry
knows: a province's prefecture-level cities, the country's provinces. A name that matches no child (a district, a
street, a typo) keeps its name and no code; nothing is guessed across provinces (两个省都有的地名 stay names)."""

from __future__ import annotations

import pandas as pd

from data.regions import Region, RegionRegistry


def _key(text: str) -> str:
    return "".join(str(text).split()).casefold()


def children(registry: RegionRegistry, region: str) -> list[Region]:
    """The registry's regions one level below `region` (none for a city, a country or a jurisdiction)."""
    kind = registry.get(region).kind if region in registry else None
    if kind == "province":
        return registry.cities(region)
    if kind == "national":
        return registry.provinces()
    return []


def child_codes(registry: RegionRegistry, region: str) -> dict[str, str]:
    """Every spelling of every child of `region` (full and short Chinese name, English name, aliases) → its code."""
    names = {}
    for child in children(registry, region):
        for spelling in (child.zh, child.short_zh, child.en, *child.aliases, child.code):
            names.setdefault(_key(spelling), child.code)
    return names


def with_area_codes(cases: pd.DataFrame, region: str, registry: RegionRegistry) -> pd.DataFrame:
    """`cases` with `area_code` filled where the area's name is a child of `region` (codes already there kept)."""
    names = child_codes(registry, region)
    if not names or cases.empty:
        return cases
    matched = cases["area"].map(lambda a: names.get(_key(a)) if isinstance(a, str) else None, na_action="ignore")
    out = cases.copy()
    out["area_code"] = cases["area_code"].fillna(matched.astype("string"))
    return out
