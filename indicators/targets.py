"""Targets and their status: published Government Work Report targets and an office's own, judged on outturns.

How a status is decided (the reading of each target lives in targets.yaml beside this module):

* The **band** a target allows: ``at_least`` (以上) → [target, ∞); ``at_most`` (以内) → (−∞, target]; ``about`` (左右)
  → target ± tolerance, left open on the side the indicator's polarity favours — growth above "5%左右" is not a
  miss — and closed on both sides for a neutral indicator such as CPI ("3%左右" with 0.2% is a miss, below).
* The **shortfall** is how far the outturn lies outside the band (0 inside it); the **gap** is outturn − target.
* **on_track**: no shortfall. **at_risk**: the year is still in progress (the outturn is a year-to-date figure) and
  the shortfall is no larger than the target's ``at_risk_margin`` — the year can still end inside the band.
  **off_track**: any other shortfall, and every shortfall once the year's figure is final (December, Q4, annual).
* **no_data**: no series for the target, no reported value in its period, or a level (an amount) whose year is not
  complete — a part-year amount cannot be compared with a whole-year target. A gap is never filled or estimated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import data
from common import periods
from common.text import LANGS, Message, Text, render
from data.regions import NATIONAL_CODE, RegionRegistry, region_registry
from indicators.metadata import Catalogue, Indicator, catalogue
from indicators.yamlfile import ConfigFileError, line_of, load_schema, load_with_lines, validate

TARGETS_FILE = Path(__file__).resolve().parent / "targets.yaml"
SCHEMA_FILE = Path(__file__).resolve().parent / "targets_schema.yaml"
STATUSES = ("on_track", "at_risk", "off_track", "no_data")
COMPARATORS = ("about", "at_least", "at_most")
# How the published file's units (written in Chinese) read after an English number: input vocabulary of that file.
UNIT_EN = {"%": "%", "万人": " (10,000 persons)"}
# Published figures carry one or two decimals; a difference below this is rounding, not a miss.
EPS = 1e-9


class TargetFileError(ConfigFileError):
    """The targets file (indicators/targets.yaml or an office's copy) is wrong; names the file, line and field."""


@dataclass(frozen=True)
class Target:
    """One target: what is promised, for which indicator, region and period, and how it is read."""

    id: str
    origin: str  # "published" (Government Work Report) or "office"
    indicator_id: str | None
    region_code: str
    year: int
    period: pd.Timestamp | None  # one quarter or month; None = the whole year
    comparator: str
    value: float
    unit: dict[str, str]
    tolerance: float
    at_risk_margin: float
    polarity: str
    name: dict[str, str]
    wording: dict[str, str]
    source: dict[str, str]  # {zh, en}: the document that sets the target (a plain name is used in both)
    shown_on: tuple[str, ...] = ()
    note: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.source, str):  # one document name, the same in both languages
            object.__setattr__(self, "source", {lang: self.source for lang in LANGS})

    def applies_to(self, indicator_id: str) -> bool:
        """Whether a card for `indicator_id` shows this target."""
        return indicator_id == self.indicator_id or indicator_id in self.shown_on


@dataclass(frozen=True)
class Assessment:
    """A value judged against a target: status, the band allowed, and how far outside it the value lies."""

    status: str
    low: float
    high: float
    shortfall: float | None
    side: str | None  # "below" or "above" the band when missed


@dataclass(frozen=True)
class Outturn:
    """The figure a target is judged on, or why there is none (``no_series``, ``no_value``, ``year_incomplete``)."""

    value: float | None
    period: pd.Timestamp | None
    final: bool
    reason: str | None = None


@dataclass(frozen=True)
class TargetStatus:
    """A target with its outturn and status; `gap` = outturn − target in the target's unit."""

    target: Target
    status: str
    outturn: Outturn
    gap: float | None
    shortfall: float | None
    side: str | None


def band(target: float, comparator: str, polarity: str, tolerance: float = 0.0) -> tuple[float, float]:
    """The range of outturns that meet a target (see the module docstring)."""
    if comparator == "at_least":
        return target, math.inf
    if comparator == "at_most":
        return -math.inf, target
    if comparator != "about":
        raise ValueError(f"comparator must be one of {sorted(COMPARATORS)}; got {comparator!r}")
    low = -math.inf if polarity == "lower_is_better" else target - tolerance
    high = math.inf if polarity == "higher_is_better" else target + tolerance
    return low, high


def assess(
    outturn: float | None,
    target: float,
    comparator: str,
    polarity: str,
    tolerance: float = 0.0,
    at_risk_margin: float = 0.0,
    final: bool = True,
) -> Assessment:
    """Judge one value against one target.

    Args:
        outturn: the figure (None or NaN = no data).
        target: the target value.
        comparator: about, at_least or at_most.
        polarity: the indicator's polarity (matters for ``about`` only).
        tolerance: half-width of the ``about`` band.
        at_risk_margin: largest shortfall still "at risk" while the year is in progress.
        final: whether the outturn is the period's final figure rather than a year-to-date one.
    """
    low, high = band(target, comparator, polarity, tolerance)
    if outturn is None or pd.isna(outturn):
        return Assessment("no_data", low, high, None, None)
    below, above = low - outturn, outturn - high
    shortfall = max(below, above, 0.0)
    if shortfall <= EPS:
        return Assessment("on_track", low, high, 0.0, None)
    side = "below" if below > 0 else "above"
    status = "at_risk" if not final and shortfall <= at_risk_margin + EPS else "off_track"
    return Assessment(status, low, high, shortfall, side)


def _last_of_year(period: pd.Timestamp, freq: str) -> bool:
    return freq == "A" or (freq == "Q" and period.month >= 10) or (freq == "M" and period.month == 12)


def find_outturn(obs: pd.DataFrame, target: Target, ind: Indicator | None) -> Outturn:
    """The value a target is judged on: its period's value, or the year's latest (year-to-date) value."""
    if ind is None:
        return Outturn(None, None, False, "no_series")
    rows = obs[(obs["indicator_id"] == ind.id) & (obs["region_code"] == target.region_code)]
    if target.period is not None:
        at = rows.loc[rows["period"] == target.period, "value"].dropna()
        if at.empty:
            return Outturn(None, target.period, False, "no_value")
        return Outturn(float(at.iloc[0]), target.period, True)
    in_year = rows[(rows["period"].dt.year == target.year) & rows["value"].notna()]
    if in_year.empty:
        return Outturn(None, None, False, "no_value")
    last = in_year.loc[in_year["period"].idxmax()]
    final = _last_of_year(last["period"], ind.freq)
    if not final and ind.kind == "level":
        return Outturn(None, last["period"], False, "year_incomplete")
    return Outturn(float(last["value"]), last["period"], final)


def target_status(target: Target, obs: pd.DataFrame, cat: Catalogue | None = None) -> TargetStatus:
    """The status of one target on the observations."""
    cat = cat or catalogue()
    ind = cat.get(target.indicator_id) if target.indicator_id else None
    out = find_outturn(obs, target, ind)
    judged = assess(
        out.value, target.value, target.comparator, target.polarity, target.tolerance, target.at_risk_margin, out.final
    )
    gap = None if out.value is None else round(out.value - target.value, 10)
    return TargetStatus(target, judged.status, out, gap, judged.shortfall, judged.side)


class TargetBook:
    """All targets known to the app, looked up by region, year and indicator."""

    def __init__(self, targets: list[Target]):
        self.targets = tuple(targets)

    def __iter__(self):
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)

    def for_region(self, region_code: str, year: int | None = None) -> list[Target]:
        """Targets of a region (optionally one year), published first."""
        found = [t for t in self.targets if t.region_code == region_code and (year is None or t.year == year)]
        return sorted(found, key=lambda t: (t.origin != "published", t.year, t.id))

    def years(self, region_code: str) -> list[int]:
        """Years with at least one target for the region, ascending."""
        return sorted({t.year for t in self.targets if t.region_code == region_code})

    def for_card(self, indicator_id: str, region_code: str, year: int) -> Target | None:
        """The target a KPI card shows: this year's, else the most recent earlier year's (None if none)."""
        found = [
            t for t in self.targets if t.region_code == region_code and t.year <= year and t.applies_to(indicator_id)
        ]
        return max(found, key=lambda t: (t.year, t.origin == "office", t.period or pd.Timestamp.min), default=None)

    def value_of(self, target_id: str, region_code: str, year: int) -> float | None:
        """The target value of `target_id` for a region and year (None when not set): thresholds for warnings."""
        for t in self.targets:
            if t.id == target_id and t.region_code == region_code and t.year == year:
                return t.value
        return None


@dataclass(frozen=True)
class TargetConfig:
    """The parsed targets file: how published targets are read, and the office's own targets."""

    published: dict[str, dict]
    office: list[Target] = field(default_factory=list)
    path: Path = TARGETS_FILE  # the file read, named in errors found later


def _wording(comparator: str, value: float, unit: dict[str, str]) -> dict[str, str]:
    """The target as words: ``5%左右`` / ``about 5%``, ``1100万人以上`` / ``at least 1100 (10,000 persons)``."""
    word, number = Message(f"target.comparator.{comparator}"), f"{value:g}"
    unit_en = UNIT_EN.get(unit["en"], f" {unit['en']}" if unit["en"] else "")
    fields = {"number": number, "word": word, "unit": Text(unit["zh"], unit_en)}
    return {lang: render("target.wording", lang, **fields) for lang in LANGS}


def _source(text: str | dict[str, str], year: int) -> dict[str, str]:
    """The source in both languages: as given when the file gives both; the Government Work Report (the published
    targets' source, cited in Chinese) named in English; any other document as written."""
    if isinstance(text, dict):
        return dict(text)
    if text == render("target.source_work_report", "zh", year=year):
        return {lang: render("target.source_work_report", lang, year=year) for lang in LANGS}
    return {lang: text for lang in LANGS}


def _target_unit(ind: Indicator) -> dict[str, str]:
    """The unit a target is written in: % for rates, nothing for an index, else the indicator's unit."""
    if ind.short_unit == "%":
        return {"zh": "%", "en": "%"}
    if ind.kind == "index":
        return {"zh": "", "en": ""}
    return dict(ind.unit)


def _parse_period(raw: str | int) -> tuple[int, pd.Timestamp | None, str | None]:
    """Year, the single period (or None for a whole year) and its frequency code, from a canonical label (the
    schema allows ``2025``, ``2025Q2`` and ``2025-06``)."""
    for freq in periods.FREQS:
        try:
            period = periods.parse_label(str(raw), freq)
        except periods.PeriodError:
            continue
        return (period.year, None, None) if freq == "A" else (period.year, period.start_time, freq)
    raise ValueError(f"{raw!r} is not a period label such as 2025, 2025Q2 or 2025-06")


def _office_target(entry: dict, where: tuple, lines: dict, path: Path, cat: Catalogue, reg: RegionRegistry) -> Target:
    def fail(name: str, problem: str) -> TargetFileError:
        return TargetFileError(path, line_of(lines, (*where, name)), f"office[{where[-1]}].{name}", problem)

    if entry["indicator"] not in cat:
        raise fail("indicator", f"{entry['indicator']!r} is not in the indicator catalogue")
    ind = cat.get(entry["indicator"])
    if entry["region"] not in reg:
        raise fail("region", f"{entry['region']!r} is not a known region code")
    year, period, freq = _parse_period(entry["period"])
    if freq is not None and freq != ind.freq:
        raise fail(
            "period",
            f"{entry['period']!r} is a {'quarter' if freq == 'Q' else 'month'} but {ind.id} is {ind.frequency}",
        )
    if entry["comparator"] == "about" and "tolerance" not in entry:
        raise fail("comparator", "an 'about' (左右) target needs a tolerance: the half-width of the band it allows")
    unit = _target_unit(ind)
    return Target(
        id=entry["id"],
        origin="office",
        indicator_id=ind.id,
        region_code=entry["region"],
        year=year,
        period=period,
        comparator=entry["comparator"],
        value=float(entry["value"]),
        unit=unit,
        tolerance=float(entry.get("tolerance", 0.0)),
        at_risk_margin=float(entry.get("at_risk_margin", 0.0)),
        polarity=ind.polarity,
        name=dict(ind.name),
        wording=entry.get("wording") or _wording(entry["comparator"], float(entry["value"]), unit),
        source=_source(entry["source"], year),
    )


def load_target_config(
    path: Path | None = None, cat: Catalogue | None = None, registry: RegionRegistry | None = None
) -> TargetConfig:
    """Read and check a targets file.

    Raises:
        TargetFileError: the file breaks the schema or names an unknown indicator, region or period; the message
            gives the line and field.
    """
    path = Path(path or TARGETS_FILE)
    cat, reg = cat or catalogue(), registry or region_registry()
    raw, lines = load_with_lines(path, TargetFileError)
    validate(raw, lines, load_schema(SCHEMA_FILE), path, TargetFileError)
    for target_id, reading in raw["published"].items():
        where = ("published", target_id)
        if reading["indicator"] is not None and reading["indicator"] not in cat:
            problem = f"{reading['indicator']!r} is not in the indicator catalogue"
            raise TargetFileError(
                path, line_of(lines, (*where, "indicator")), f"published.{target_id}.indicator", problem
            )
        if reading["indicator"] is None and "polarity" not in reading:
            problem = "without an indicator the polarity must be given"
            raise TargetFileError(path, line_of(lines, where), f"published.{target_id}.polarity", problem)
    office, seen = [], set()
    for i, entry in enumerate(raw["office"] or []):
        if entry["id"] in seen:
            raise TargetFileError(
                path, line_of(lines, ("office", i, "id")), f"office[{i}].id", f"duplicate id {entry['id']!r}"
            )
        seen.add(entry["id"])
        office.append(_office_target(entry, ("office", i), lines, path, cat, reg))
    return TargetConfig(raw["published"], office, path)


def published_targets(frame: pd.DataFrame, config: TargetConfig, cat: Catalogue | None = None) -> list[Target]:
    """The Government Work Report targets (national), each with its reading from the targets file.

    Raises:
        TargetFileError: a published target_id has no reading in the targets file.
    """
    cat = cat or catalogue()
    targets = []
    for row in frame.itertuples(index=False):
        reading = config.published.get(row.target_id)
        if reading is None:
            raise TargetFileError(
                config.path, None, f"published.{row.target_id}", "no reading for this published target"
            )
        ind_id = reading["indicator"]
        polarity = reading.get("polarity") or cat.get(ind_id).polarity
        unit = {"zh": row.unit, "en": row.unit}
        wording = {"zh": row.wording_zh, "en": _wording(row.comparator, float(row.value), unit)["en"]}
        targets.append(
            Target(
                id=row.target_id,
                origin="published",
                indicator_id=ind_id,
                region_code=NATIONAL_CODE,
                year=int(row.year),
                period=None,
                comparator=row.comparator,
                value=float(row.value),
                unit=unit,
                tolerance=float(reading["tolerance"]),
                at_risk_margin=float(reading["at_risk_margin"]),
                polarity=polarity,
                name={"zh": row.indicator_zh, "en": row.indicator_en},
                wording=wording,
                source=_source(row.source, int(row.year)),
                shown_on=tuple(reading.get("shown_on", ())),
                note=reading.get("note"),
            )
        )
    return targets


def load_targets(path: Path | None = None, published: pd.DataFrame | None = None) -> TargetBook:
    """Every target: the shipped published ones read through the targets file, plus the office's own."""
    config = load_target_config(path)
    frame = data.load_cn_targets() if published is None else published
    return TargetBook(published_targets(frame, config) + config.office)
