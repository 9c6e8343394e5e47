"""The pages' first choices (indicator, region, model, horizon, years, map options), from ui/defaults.yaml.

Read once per process and checked: the file's shape against a schema, then every indicator, region, model and map
option it names against the catalogue, the region registry, the model registry and the map library, so a typo fails
at start-up with its line instead of quietly showing another view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import data
import forecasting
import maps
from indicators.metadata import catalogue
from indicators.views import VIEW_IDS
from indicators.yamlfile import ConfigFileError, field_name, line_of, load_with_lines, validate

DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.yaml"
_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_BY_FREQ = {
    "type": "object",
    "required": ["A", "Q", "M"],
    "additionalProperties": False,
    "patternProperties": {"^[AQM]$": {"type": "integer", "minimum": 1}},
}


def _section(properties: dict) -> dict:
    return {"type": "object", "required": list(properties), "additionalProperties": False, "properties": properties}


SCHEMA = _section(
    {
        "indicators": _section(
            {
                "view": {"enum": list(VIEW_IDS)},
                "regions": {"type": "integer", "minimum": 1, "maximum": 12},
                "countries": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "years": _BY_FREQ,
            }
        ),
        "forecast": _section(
            {"indicator": _ID, "model": {"type": "string"}, "horizon": _BY_FREQ, "max_horizon": _BY_FREQ}
        ),
        "scenarios": _section(
            {
                "indicator": _ID,
                "region": {"type": "string"},
                "model": {"type": "string"},
                "drivers": {"type": "array", "items": _ID},
            }
        ),
        "map": _section({"level": {"type": "string"}, "scheme": {"type": "string"}, "classes": {"type": "integer"}}),
    }
)


class DefaultsFileError(ConfigFileError):
    """ui/defaults.yaml is wrong; names the line and field."""


@dataclass(frozen=True)
class IndicatorsDefaults:
    view: str
    regions: int
    countries: tuple[str, ...]
    years: Mapping[str, int]


@dataclass(frozen=True)
class ForecastDefaults:
    indicator: str
    model: str
    horizon: Mapping[str, int]
    max_horizon: Mapping[str, int]


@dataclass(frozen=True)
class ScenariosDefaults:
    indicator: str
    region: str
    model: str
    drivers: tuple[str, ...]


@dataclass(frozen=True)
class MapDefaults:
    level: str
    scheme: str
    classes: int


@dataclass(frozen=True)
class Defaults:
    """The first choices of each page."""

    indicators: IndicatorsDefaults
    forecast: ForecastDefaults
    scenarios: ScenariosDefaults
    map: MapDefaults


def _problems(raw: dict) -> list[tuple[tuple, str]]:
    """Names that do not exist, as (field path, problem)."""
    cat, registry, models = catalogue(), data.region_registry(), forecasting.model_names()
    found = []

    def need(ok: bool, where: tuple, problem: str) -> None:
        if not ok:
            found.append((where, problem))

    for page in ("forecast", "scenarios"):
        ind = raw[page]["indicator"]
        need(ind in cat, (page, "indicator"), f"{ind!r} is not in the catalogue")
        need(raw[page]["model"] in models, (page, "model"), f"{raw[page]['model']!r} is not one of {list(models)}")
    for i, driver in enumerate(raw["scenarios"]["drivers"]):
        need(driver in cat, ("scenarios", "drivers", i), f"{driver!r} is not in the catalogue")
    need(
        raw["scenarios"]["region"] in registry, ("scenarios", "region"), f"{raw['scenarios']['region']!r} is no region"
    )
    for i, code in enumerate(raw["indicators"]["countries"]):
        need(code in registry, ("indicators", "countries", i), f"{code!r} is no region")
    for freq, h in raw["forecast"]["horizon"].items():
        top = raw["forecast"]["max_horizon"][freq]
        need(h <= top, ("forecast", "horizon", freq), f"{h} is beyond the longest horizon offered, {top}")
    need(raw["map"]["level"] in maps.LEVELS, ("map", "level"), f"expected one of {list(maps.LEVELS)}")
    need(raw["map"]["scheme"] in maps.SCHEMES, ("map", "scheme"), f"expected one of {list(maps.SCHEMES)}")
    classes = raw["map"]["classes"]
    need(maps.K_MIN <= classes <= maps.K_MAX, ("map", "classes"), f"expected {maps.K_MIN} to {maps.K_MAX}")
    return found


def load_defaults(path: Path | str = DEFAULTS_FILE) -> Defaults:
    """Read and check a defaults file.

    Raises:
        DefaultsFileError: the file breaks its schema or names something that does not exist (file, line, field).
    """
    path = Path(path)
    raw, lines = load_with_lines(path, DefaultsFileError)
    validate(raw, lines, SCHEMA, path, DefaultsFileError)
    problems = _problems(raw)
    if problems:
        where, problem = problems[0]
        raise DefaultsFileError(path, line_of(lines, where), field_name(where), problem)
    ind, fc, sc, mp = raw["indicators"], raw["forecast"], raw["scenarios"], raw["map"]
    return Defaults(
        IndicatorsDefaults(ind["view"], ind["regions"], tuple(ind["countries"]), dict(ind["years"])),
        ForecastDefaults(fc["indicator"], fc["model"], dict(fc["horizon"]), dict(fc["max_horizon"])),
        ScenariosDefaults(sc["indicator"], sc["region"], sc["model"], tuple(sc["drivers"])),
        MapDefaults(mp["level"], mp["scheme"], mp["classes"]),
    )


@lru_cache(maxsize=1)
def defaults() -> Defaults:
    """The shipped defaults (read once per process)."""
    return load_defaults()
