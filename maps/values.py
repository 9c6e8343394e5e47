"""What can be mapped and with which values: indicators per level, years, one year's values, the join report.

Every function takes the canonical long observation frame (``indicator_id, region_code, period, freq, value``)
as loaded by ``data.load_observations``; other indicators, aggregates and periods in it are ignored.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import pycountry

from data import FLAG, NATIONAL_CODE, PRELIMINARY, WORLD_CODE, region_registry
from indicators.metadata import Indicator, catalogue
from maps.boundaries import BORROWABLE, LEVELS, dropped_features, is_city_level, region_shapes, uncoded_shapes
from maps.errors import MapError, UnknownLevel

LEVEL_KIND = {"china": "province", "world": "country"}
AGGREGATES = frozenset({NATIONAL_CODE, WORLD_CODE})  # totals, not places: never drawn


def level_kind(level: str) -> str:
    """The region kind a level shows ("province", "country", or "city" for a province's code)."""
    if level in LEVEL_KIND:
        return LEVEL_KIND[level]
    if is_city_level(level):
        return "city"
    raise UnknownLevel(f"unknown map level {level!r}; expected one of {', '.join(LEVELS)} or a province code")


def city_levels() -> list[str]:
    """The provinces that have a prefecture-level map (the codes that are levels), in code order."""
    registry = region_registry()
    return [p.code for p in registry.provinces() if registry.has_cities(p.code)]


def drill_provinces(obs: pd.DataFrame, indicator_id: str) -> frozenset[str]:
    """The provinces a click opens the cities of, for one indicator: those with a city map whose cities have values
    of the indicator (a click on any other province opens the province itself on the Indicators page)."""
    registry = region_registry()
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["freq"] == "A") & obs["value"].notna()]
    parents = {registry.get(c).parent for c in rows["region_code"].unique() if c in registry}
    return frozenset(p for p in city_levels() if p in parents)


def _level_codes(level: str) -> set[str]:
    if level_kind(level) == "city":
        return {r.code for r in region_registry().cities(level)}
    return {r.code for r in region_registry().of_kind(level_kind(level))} - AGGREGATES


def _annual(obs: pd.DataFrame, indicator_id: str, level: str) -> pd.DataFrame:
    codes = _level_codes(level)
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["freq"] == "A")]
    return rows[rows["region_code"].isin(codes)]


def mappable_indicators(obs: pd.DataFrame, level: str) -> list[str]:
    """Ids of annual indicators with at least one value for a region of this level, in catalogue order."""
    codes = _level_codes(level)
    rows = obs[(obs["freq"] == "A") & obs["region_code"].isin(codes) & obs["value"].notna()]
    present = set(rows["indicator_id"].unique())
    return [ind.id for ind in catalogue() if ind.id in present]


def available_years(obs: pd.DataFrame, indicator_id: str, level: str) -> list[int]:
    """Years with at least one value for a region of this level, ascending (gaps in the series stay gaps)."""
    rows = _annual(obs, indicator_id, level)
    return sorted(int(y) for y in rows.loc[rows["value"].notna(), "period"].dt.year.unique())


def year_values(obs: pd.DataFrame, indicator_id: str, level: str, year: int) -> pd.Series:
    """One year's values by region code (the level's regions that report the indicator that year; NaN kept).

    Raises:
        MapError: a region has more than one value for the year.
    """
    rows = _annual(obs, indicator_id, level)
    rows = rows[rows["period"].dt.year == int(year)]
    dupes = rows["region_code"][rows["region_code"].duplicated()].unique()
    if len(dupes):
        raise MapError(f"{indicator_id} {year}: more than one value for region(s) {', '.join(sorted(dupes))}")
    return rows.set_index("region_code")["value"].rename(indicator_id).astype("float64")


def is_preliminary(obs: pd.DataFrame, indicator_id: str, level: str, year: int) -> bool:
    """Whether any of one year's values on the map is a preliminary figure."""
    if FLAG not in obs.columns:
        return False
    rows = _annual(obs, indicator_id, level)
    return bool(((rows["period"].dt.year == int(year)) & (rows[FLAG] == PRELIMINARY)).any())


def latest_year(obs: pd.DataFrame, indicator_id: str, level: str) -> int | None:
    """The last year with a value for a region of the level, or None."""
    years = available_years(obs, indicator_id, level)
    return years[-1] if years else None


def rank(values: pd.Series, polarity: str) -> pd.Series:
    """Rank 1 = best: highest first unless lower is better (neutral: highest first). Ties share the best rank."""
    ascending = polarity == "lower_is_better"
    return values.rank(ascending=ascending, method="min", na_option="keep").astype("Int64")


@dataclass(frozen=True)
class JoinReport:
    """How one year's values met the level's geometry.

    matched: data regions drawn in colour; unmatched: data regions with no geometry (not drawn, listed in the
    footer); no_data: drawn regions without a value (grey); borrowed: world codes drawn from the province layer;
    uncoded / dropped: geometry never joined (no ISO code; vanished in simplification).
    """

    level: str
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]
    no_data: tuple[str, ...]
    borrowed: dict[str, str] = field(default_factory=dict)
    uncoded: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


def borrow_for(values: pd.Series, level: str) -> frozenset[str]:
    """World codes with a value that have no world geometry but an outline on the province layer."""
    if level != "world":
        return frozenset()
    own = region_shapes("world").index
    reported = values.dropna().index
    return frozenset(c for c in reported if c in BORROWABLE and c not in own)


def join_report(values: pd.Series, level: str) -> JoinReport:
    """Join values (by region code) to the level's regions; nothing is dropped without being listed."""
    borrowed = borrow_for(values, level)
    shapes = region_shapes(level, borrowed).index
    reported = values.dropna().index
    return JoinReport(
        level=level,
        matched=tuple(sorted(c for c in reported if c in shapes)),
        unmatched=tuple(sorted(c for c in reported if c not in shapes)),
        no_data=tuple(sorted(c for c in shapes if c not in reported)),
        borrowed={c: BORROWABLE[c] for c in sorted(borrowed)},
        uncoded=tuple(uncoded_shapes()["name"]) if level == "world" else (),
        dropped=tuple(dropped_features(level)),
    )


@lru_cache(maxsize=1)
def _zh_country_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)


def region_name(code: str, lang: str = "zh", fallback: str | None = None) -> str:
    """Display name: the registry's name; for territories outside it, pycountry's (zh) or the boundary file's name."""
    registry = region_registry()
    if code in registry:
        return registry.name(code, lang)
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is not None:
        return _zh_country_names().gettext(country.name) if lang == "zh" else country.name
    return fallback or code


def values_table(obs: pd.DataFrame, meta: Indicator, level: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """The map's values as a table: region_code, name, value, rank; best first, regions without data last.

    Lists every region drawn on the map plus data regions without geometry, so a gap stays visible as NaN.
    """
    values = year_values(obs, meta.id, level, year)
    shapes = region_shapes(level, borrow_for(values, level))
    codes = list(dict.fromkeys([*shapes.index, *values.index]))
    table = pd.DataFrame({"region_code": codes})
    table["name"] = [region_name(c, lang, shapes["name"].get(c)) for c in codes]
    table["value"] = table["region_code"].map(values).astype("float64")
    table["rank"] = rank(table.set_index("region_code")["value"], meta.polarity).array
    ordered = table.sort_values(["rank", "name"], na_position="last", kind="stable")
    return ordered.reset_index(drop=True)
