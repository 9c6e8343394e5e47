"""The indicator catalogue: typed metadata loaded from catalogue.yaml and checked against schema.yaml."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

from common import yamlio
from data.case_indicators import IMPORTED_LOGS
from data.datasets import datasets
from indicators.errors import MetadataError, UnknownIndicator

HERE = Path(__file__).resolve().parent
CATALOGUE_FILE = HERE / "catalogue.yaml"
SCHEMA_FILE = HERE / "schema.yaml"
FREQ_CODES = {"annual": "A", "quarterly": "Q", "monthly": "M"}


@dataclass(frozen=True)
class PerCapita:
    """How to turn an indicator into a per-person figure."""

    denominator: str
    factor: float
    unit: dict[str, str]
    short_unit: str


@dataclass(frozen=True)
class Indicator:
    """Metadata of one indicator, as declared in catalogue.yaml."""

    id: str
    name: dict[str, str]
    unit: dict[str, str]
    short_unit: str
    frequency: str
    category: str
    polarity: str
    decimals: int
    kind: str
    definition: dict[str, str]
    source: str
    source_field: str
    vintage: dict[str, str]
    revision: dict[str, str]
    conversion: dict[str, str] | None = None
    domain: dict | None = None  # {minimum, maximum, exclusive_minimum, integer}: values outside are upload errors
    per_capita: PerCapita | None = None
    total: str | None = None
    imported: bool = False  # reported only by imported case logs (source IMPORTED_LOGS): no shipped figures

    @property
    def freq(self) -> str:
        """Frequency code used in the observation frame: A, Q or M."""
        return FREQ_CODES[self.frequency]

    def label(self, lang: str = "zh") -> str:
        return self.name[lang]

    def unit_label(self, lang: str = "zh") -> str:
        return self.unit[lang]


class Catalogue:
    """All indicators by id, in catalogue order."""

    def __init__(self, indicators: list[Indicator]):
        self._by_id = {ind.id: ind for ind in indicators}

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id.

        Raises:
            UnknownIndicator: not in the catalogue; carries the closest ids.
        """
        try:
            return self._by_id[indicator_id]
        except KeyError:
            close = difflib.get_close_matches(str(indicator_id), list(self._by_id), n=3)
            raise UnknownIndicator(str(indicator_id), close) from None

    def search(self, text: str = "", category: str | None = None) -> list[Indicator]:
        """Indicators whose id, Chinese or English name, unit or definition contains every word of `text`."""
        words = [w.casefold() for w in str(text).split()]
        found = []
        for ind in self._by_id.values():
            if category and ind.category != category:
                continue
            haystack = " ".join(
                [ind.id, ind.name["zh"], ind.name["en"], ind.definition["zh"], ind.definition["en"], ind.source_field]
            ).casefold()
            if all(w in haystack for w in words):
                found.append(ind)
        return found


def _validate(raw: dict, path: Path) -> None:
    schema = yamlio.read(SCHEMA_FILE)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = list(first.absolute_path)
        entry = ""
        if len(where) >= 2 and where[0] == "indicators":
            entry = f" (entry {raw['indicators'][where[1]].get('id', where[1])!r})"
        field = ".".join(str(p) for p in where)
        raise MetadataError(f"{path}: {field}{entry}: {first.message} ({len(errors)} problem(s) in all)")
    ids = [entry["id"] for entry in raw["indicators"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise MetadataError(f"{path}: duplicate indicator id(s): {', '.join(dupes)}")
    known_sources = set(datasets())
    for entry in raw["indicators"]:
        if entry.get("imported") and entry["source"] != IMPORTED_LOGS:
            message = f"an imported-only indicator's source is {IMPORTED_LOGS}"
            raise MetadataError(f"{path}: entry {entry['id']!r}: {message}")
        if entry["source"] not in known_sources and not entry.get("imported"):
            raise MetadataError(f"{path}: entry {entry['id']!r}: source {entry['source']!r} is not a shipped dataset")
        pc = entry.get("per_capita")
        if pc and pc["denominator"] not in ids:
            raise MetadataError(f"{path}: entry {entry['id']!r}: per_capita.denominator {pc['denominator']!r} unknown")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read, validate and type the catalogue.

    Raises:
        MetadataError: the file breaks the schema; the message names the entry and field.
    """
    path = path or CATALOGUE_FILE
    try:
        raw = yamlio.read(path)
    except (OSError, yaml.YAMLError) as exc:
        raise MetadataError(f"{path}: cannot be read as YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise MetadataError(f"{path}: expected a mapping with an 'indicators' list")
    _validate(raw, path)
    indicators = []
    for entry in raw["indicators"]:
        entry = dict(entry)
        if entry.get("per_capita"):
            entry["per_capita"] = PerCapita(**entry["per_capita"])
        indicators.append(Indicator(**entry))
    return Catalogue(indicators)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue (read once per process)."""
    return load_catalogue()
