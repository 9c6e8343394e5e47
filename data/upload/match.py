"""Matching upload text to what the product knows: regions (the registry) and indicators (passed in).

`data/` never imports the indicator catalogue; the caller describes each indicator it accepts as an
`IndicatorSpec` (id, unit spellings, names used in headers, frequency, dataset), built from the catalogue.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from common import periods
from common.text import Text, clean
from data.regions import RegionRegistry, region_registry
from data.upload.bounds import Domain
from data.upload.values import header_key, split_trailing_unit, unit_key, unit_spellings


@dataclass(frozen=True)
class IndicatorSpec:
    """What an upload may contain for one indicator.

    Args:
        id: the indicator id stored in observations.
        units: accepted unit spellings (e.g. {"亿元", "100 million yuan"}); empty means "not checked".
        names: other spellings that name the indicator in a header or an indicator column
            (e.g. {"地区生产总值", "Gross regional product"}); the id always matches.
        freq: "A", "Q" or "M": periods of another frequency are errors; dates map to this frequency.
        dataset: the dataset id the indicator belongs to; uploads to another dataset are errors.
        level: True for an amount (GDP, revenue, population): its series are checked for probable revisions.
        domain: the values the indicator can take; values outside are errors.
        label: the indicator's name in each language, for messages (default: the id).
        unit_text: its unit in each language, for messages (default: the accepted spellings).
    """

    id: str
    units: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    freq: str | None = None
    dataset: str | None = None
    level: bool = False
    domain: Domain | None = None
    label: Text | None = None
    unit_text: Text | None = None

    def accepts_unit(self, unit: str) -> bool:
        return not self.units or unit_key(unit) in {unit_key(u) for u in unit_spellings(self.units)}

    def unit_label(self) -> str | Text:
        """The unit as messages name it: in the reader's language when known, else every accepted spelling."""
        if self.unit_text is not None:
            return self.unit_text
        return " / ".join(sorted(self.units)) if self.units else ""

    def name(self) -> str | Text:
        """The indicator as messages name it."""
        return self.label if self.label is not None else self.id


def region_name(registry: RegionRegistry, code: str) -> Text:
    """A region by its name in each language, for messages (a report never names a region by its code)."""
    return Text(registry.name(code, "zh"), registry.name(code, "en"))


def _text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # 110000.0 from a spreadsheet is the code 110000
    return clean(cell)


class Matcher:
    """Resolves region, period and indicator cells, caching each distinct text (uploads repeat them a lot)."""

    def __init__(self, specs: Iterable[IndicatorSpec], registry: RegionRegistry | None = None):
        self.specs = {spec.id: spec for spec in specs}
        self.registry = registry or region_registry()
        self._names: dict[str, str] = {}
        for spec in self.specs.values():
            for name in (spec.id, *spec.names):
                self._names.setdefault(header_key(name), spec.id)
        self._regions: dict[object, str | None] = {}
        self._periods: dict[tuple, object] = {}
        self._indicators: dict[object, tuple[str, str | None] | None] = {}
        self._suggested: dict[str, list[str]] = {}

    def region(self, cell: object) -> str | None:
        """The region code a cell names, or None."""
        key = cell if not isinstance(cell, float) else _text(cell)
        if key not in self._regions:
            region = self.registry.find(_text(cell))
            self._regions[key] = region.code if region else None
        return self._regions[key]

    def seen_regions(self) -> dict[str, str | None]:
        """Every region text met so far (as cleaned) and the code it was read as."""
        return {_text(key): code for key, code in self._regions.items()}

    def set_region(self, text: str, code: str) -> None:
        """Read a region text as `code` from now on (see data.upload.levels.prefer_cities)."""
        for key in [k for k in self._regions if _text(k) == text]:
            self._regions[key] = code

    def region_suggestions(self, cell: object) -> list[str]:
        """The closest region names; computed once per text (an unknown region is met once per value cell)."""
        text = _text(cell)
        if text not in self._suggested:
            self._suggested[text] = self.registry.suggest(text)
        return self._suggested[text]

    def period(self, cell: object, freq_hint: str | None = None):
        """(period start, freq) or None; see `common.periods.parse`."""
        key = (type(cell).__name__, cell, freq_hint)
        if key not in self._periods:
            self._periods[key] = periods.parse(cell, freq_hint)
        return self._periods[key]

    def indicator(self, cell: object) -> tuple[str, str | None] | None:
        """(indicator id, unit written with it) for 'gdp', '地区生产总值' or '地区生产总值（亿元）'; else None."""
        if cell not in self._indicators:
            self._indicators[cell] = self._indicator(cell)
        return self._indicators[cell]

    def _indicator(self, cell: object) -> tuple[str, str | None] | None:
        text = _text(cell)
        if header_key(text) in self._names:
            return self._names[header_key(text)], None
        name, unit = split_trailing_unit(text)
        if unit is not None and header_key(name) in self._names:
            return self._names[header_key(name)], unit
        return None

    def indicator_suggestions(self, cell: object) -> list[str]:
        name = split_trailing_unit(_text(cell))[0]
        keys = difflib.get_close_matches(header_key(name), list(self._names), n=3, cutoff=0.5)
        return list(dict.fromkeys(self._names[k] for k in keys))

    def indicator_in_title(self, title: str) -> tuple[str, str] | None:
        """(indicator id, the name found) for the longest indicator name inside a title, if exactly one fits."""
        key = header_key(title)
        found = [(len(name), name) for name in self._names if len(name) >= 2 and name in key]
        if not found:
            return None
        longest = max(found)[1]
        return self._names[longest], longest
