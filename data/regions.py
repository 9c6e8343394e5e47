"""Region registry: provincial-level units and their prefecture-level cities (GB/T 2260), countries (ISO 3166
alpha-3).

Joins use codes; names are for display. `resolve` accepts any known spelling (full or short Chinese name,
English name, alias, code) and raises `UnknownRegion` with the closest matches otherwise. A name two kinds share
(吉林 the province and 吉林市 the city, whose short name is 吉林) resolves to the province unless a kind is asked
for; cities come from `cities.yaml` (its header lists the units the shipped city files do not share, and why).
"""

from __future__ import annotations

import difflib
import gettext
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from common import yamlio
from data.datasets import dataset
from data.errors import DataFormatError, UnknownRegion

REGIONS_FILE = Path(__file__).resolve().parent / "regions.yaml"
CITIES_FILE = Path(__file__).resolve().parent / "cities.yaml"
NATIONAL_CODE = "100000"
WORLD_CODE = "WLD"


@dataclass(frozen=True)
class Region:
    """A region with its code, names and grouping."""

    code: str
    kind: str  # "national", "province", "city", "country" or "jurisdiction" (a case log's city abroad)
    zh: str
    en: str
    short_zh: str
    group: str | None = None
    aliases: tuple[str, ...] = field(default=())
    parent: str | None = None  # a city's province

    def name(self, lang: str = "zh") -> str:
        """Display name: the short Chinese name or the English name."""
        return self.short_zh if lang == "zh" else self.en


def _key(text: str) -> str:
    return re.sub(r"[\s·・'’.,()（）_-]+", "", str(text)).casefold()


class RegionRegistry:
    """Lookup of regions by code or any known name."""

    def __init__(self, regions: list[Region], same_place: dict[str, str] | None = None):
        self._same: dict[str, str] = {}
        for a, b in (same_place or {}).items():
            self._same[a], self._same[b] = b, a
        self._by_code: dict[str, Region] = {}
        self._by_key: dict[str, list[Region]] = {}
        for region in regions:
            self._by_code[region.code] = region
        for region in regions:  # names after codes, so a name never shadows a code
            for spelling in (region.code, region.zh, region.short_zh, region.en, *region.aliases):
                found = self._by_key.setdefault(_key(spelling), [])
                if region not in found:
                    found.append(region)

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Region:
        """The region with exactly this code.

        Raises:
            UnknownRegion: no region has this code.
        """
        try:
            return self._by_code[str(code)]
        except KeyError:
            raise UnknownRegion(str(code), self.suggest(str(code))) from None

    def resolve(self, text: str, kind: str | None = None) -> Region:
        """The region a name or code refers to, optionally restricted to one kind.

        Raises:
            UnknownRegion: the text matches no region (of that kind); carries the closest names.
        """
        region = self.find(text, kind)
        if region is None:
            raise UnknownRegion(str(text), self.suggest(str(text), kind))
        return region

    def find(self, text: str, kind: str | None = None) -> Region | None:
        """Like `resolve`, but None when nothing matches (no suggestions computed: cheap for bulk lookups)."""
        by_code = self._by_code.get(str(text).strip())
        candidates = [by_code] if by_code is not None else self._by_key.get(_key(text), [])
        for region in candidates:  # registry order: provinces before cities, so 吉林 is the province
            if kind is None or region.kind == kind:
                return region
        return None

    def suggest(self, text: str, kind: str | None = None, n: int = 3) -> list[str]:
        """The closest known spellings, for error messages."""
        spellings = {}
        for region in self._by_code.values():
            if kind is None or region.kind == kind:
                for s in (region.zh, region.short_zh, region.en, *region.aliases):
                    spellings[_key(s)] = s
        keys = difflib.get_close_matches(_key(text), list(spellings), n=n, cutoff=0.5)
        return [spellings[k] for k in keys]

    def of_kind(self, kind: str) -> list[Region]:
        return [r for r in self._by_code.values() if r.kind == kind]

    def provinces(self) -> list[Region]:
        return self.of_kind("province")

    def countries(self) -> list[Region]:
        return self.of_kind("country")

    def cities(self, province: str | None = None) -> list[Region]:
        """Prefecture-level units, of one province (its code) or of all, in code order."""
        return [r for r in self.of_kind("city") if province is None or r.parent == province]

    def has_cities(self, province: str) -> bool:
        """Whether a province is divided into prefecture-level units (not the municipalities, HK, Macao, Taiwan)."""
        return any(r.parent == province for r in self.of_kind("city"))

    def in_kinds(self, code: str, kinds: frozenset[str] | set[str]) -> str | None:
        """`code`, or the other code of the same place (HKG ↔ 810000), whose kind is one of `kinds`; else None."""
        for candidate in (code, self._same.get(code)):
            if candidate in self._by_code and self._by_code[candidate].kind in kinds:
                return candidate
        return None

    def name(self, code: str, lang: str = "zh") -> str:
        """Display name of a code; the code itself when unknown (never raises, for display paths)."""
        region = self._by_code.get(str(code))
        return region.name(lang) if region else str(code)


def _province_regions(raw: dict) -> list[Region]:
    nat = raw["national"]
    regions = [Region(nat["code"], "national", nat["zh"], nat["en"], nat["short_zh"], None, tuple(nat["aliases"]))]
    for p in raw["provinces"]:
        regions.append(Region(p["code"], "province", p["zh"], p["en"], p["short_zh"], p["group"], tuple(p["aliases"])))
    return regions


def _country_regions(overrides: dict) -> list[Region]:
    """Countries in the shipped World Bank and UN EGDI lists, with Chinese names from pycountry."""
    meta_path = dataset("wb_wdi").path("wb_country_metadata.csv")
    egdi_path = dataset("un_egdi").path("un_egdi_2010_2024_long.csv")
    try:
        wb = pd.read_csv(meta_path, dtype=str, keep_default_na=False)
        egdi = pd.read_csv(egdi_path, dtype=str, usecols=["iso3", "country_name"], keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataFormatError(code="country_lists_unreadable", paths=[meta_path, egdi_path], detail=str(exc)) from exc
    economies = wb[wb["Region"] != ""]
    names = dict(zip(economies["Country Code"], economies["TableName"], strict=True))
    for iso3, name in zip(egdi["iso3"], egdi["country_name"], strict=True):
        names.setdefault(iso3, name.strip())
    names.setdefault("WLD", "World")
    zh_catalog = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    regions = []
    for iso3, en in sorted(names.items()):
        over = overrides.get(iso3, {})
        country = pycountry.countries.get(alpha_3=iso3)
        zh = over.get("zh") or (zh_catalog.gettext(country.name) if country else en)
        en = over.get("en", en)
        aliases = tuple(a for a in {country.name, getattr(country, "common_name", None)} if a) if country else ()
        regions.append(Region(iso3, "country", zh, en, zh, None, aliases))
    return regions


def _city_regions() -> list[Region]:
    raw = yamlio.read(CITIES_FILE)
    return [
        Region(c["code"], "city", c["zh"], c["en"], c["short_zh"], None, tuple(c["aliases"]), parent=c["parent"])
        for c in raw["cities"]
    ]


@lru_cache(maxsize=1)
def municipal_codes() -> dict[str, str]:
    """Census city codes of the municipalities (110100 …) → the province code they are stored and drawn under."""
    return dict(yamlio.read(CITIES_FILE)["municipal_codes"])


@lru_cache(maxsize=1)
def region_registry() -> RegionRegistry:
    """The registry of all regions the product knows (national, provinces, cities, countries)."""
    raw = yamlio.read(REGIONS_FILE)
    regions = _province_regions(raw) + _city_regions() + _country_regions(raw.get("country_overrides", {}))
    # Jurisdictions of case logs (a city's 311 log): neither provinces nor countries, shown by name only.
    regions += [
        Region(j["code"], "jurisdiction", j["zh"], j["en"], j["short_zh"], None, tuple(j.get("aliases", ())))
        for j in raw.get("jurisdictions", [])
    ]
    return RegionRegistry(regions, raw.get("same_place"))


def region_groups() -> dict[str, dict[str, str]]:
    """Group id → {zh, en} display names."""
    return yamlio.read(REGIONS_FILE)["groups"]
