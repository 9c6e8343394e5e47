"""Scenario files: JSON with a versioned schema, written and read back exactly.

A file is ``{"schema_version": 1, "scenarios": [...], "target": null | {...}}``; every field is written and every
field is required on reading (``null`` where optional), so a file says everything it means. Loading checks the
JSON, the version, the structure (JSON Schema, :data:`SCHEMA`) and then each value (the dataclasses' own checks);
any problem raises :class:`ScenarioFileError` naming where it is (``scenarios[0].adjustments[1].pp: …``) and
nothing is returned. ``loads(dumps(x))`` gives objects equal to ``x``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

import jsonschema

from forecasting.scenarios.adjustments import ADJUSTMENT_TYPES
from forecasting.scenarios.errors import ScenarioError, ScenarioFileError
from forecasting.scenarios.periods import FREQS
from forecasting.scenarios.scenario import COMPARATORS, MEASURES, Scenario, Target

SCHEMA_VERSION = 1
MAX_BYTES = 1_000_000
_LABEL = {"type": "string", "minLength": 1, "maxLength": 20}
_OPTIONAL_LABEL = {"type": ["string", "null"], "minLength": 1, "maxLength": 20}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 200}
_NUMBER = {"type": "number"}


def _object(properties: dict) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


ADJUSTMENT_SCHEMAS = {
    "growth_shock": _object(
        {"type": {"const": "growth_shock"}, "pp": _NUMBER, "start": _LABEL, "end": _OPTIONAL_LABEL}
    ),
    "level_shift": _object(
        {
            "type": {"const": "level_shift"},
            "amount": _NUMBER,
            "unit": {"enum": ["percent", "units"]},
            "start": _LABEL,
            "end": _OPTIONAL_LABEL,
        }
    ),
    "target_path": _object({"type": {"const": "target_path"}, "value": _NUMBER, "period": _LABEL}),
    "driver_change": _object(
        {
            "type": {"const": "driver_change"},
            "driver_id": _TEXT,
            "driver_region": _TEXT,
            "amount": _NUMBER,
            "start": _LABEL,
            "end": _OPTIONAL_LABEL,
            "mode": {"enum": ["percent", "growth_pp"]},
            "method": {"enum": ["elasticity", "var"]},
            "estimation_start": _OPTIONAL_LABEL,
        }
    ),
}
TARGET_SCHEMA = _object(
    {
        "value": _NUMBER,
        "period": _LABEL,
        "comparator": {"enum": list(COMPARATORS)},
        "tolerance": _NUMBER,
        "measure": {"enum": list(MEASURES)},
        "label": {"type": "string", "maxLength": 200},
    }
)


def _file_schema(adjustment: dict, target: dict) -> dict:
    scenario = _object(
        {
            "name": _TEXT,
            "indicator_id": _TEXT,
            "region_code": _TEXT,
            "horizon": {"type": "integer", "minimum": 1},
            "model": _TEXT,
            "freq": {"enum": list(FREQS)},
            "kind": {"enum": ["level", "rate"]},
            "adjustments": {"type": "array", "items": adjustment},
            "note": {"type": "string", "maxLength": 2000},
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "决策驾驶舱 policy scenarios",
        **_object(
            {
                "schema_version": {"const": SCHEMA_VERSION},
                "scenarios": {"type": "array", "items": scenario},
                "target": target,
            }
        ),
    }


SCHEMA = _file_schema({"oneOf": list(ADJUSTMENT_SCHEMAS.values())}, {"anyOf": [TARGET_SCHEMA, {"type": "null"}]})
# Validation goes in stages (structure, then each adjustment by its type, then the target) so that every message
# names the field at fault instead of "not valid under any of the given schemas".
_STRUCTURE = jsonschema.Draft202012Validator(_file_schema({"type": "object"}, {"type": ["object", "null"]}))
_TARGET = jsonschema.Draft202012Validator(TARGET_SCHEMA)
_ADJUSTMENT_VALIDATORS = {name: jsonschema.Draft202012Validator(s) for name, s in ADJUSTMENT_SCHEMAS.items()}


@dataclass(frozen=True)
class ScenarioFile:
    """What a file holds: scenarios and an optional target."""

    scenarios: tuple[Scenario, ...]
    target: Target | None = None


def scenario_to_dict(scenario: Scenario) -> dict:
    """The JSON object of one scenario (every field, adjustments tagged by ``type``)."""
    fields = {f.name: getattr(scenario, f.name) for f in dataclasses.fields(scenario)}
    fields["adjustments"] = [{"type": a.type, **dataclasses.asdict(a)} for a in scenario.adjustments]
    return fields


def dumps(scenarios: Scenario | Sequence[Scenario], target: Target | None = None, indent: int | None = 2) -> str:
    """A scenario file as JSON text (Chinese kept as is); ``indent=None`` gives one compact line (for a link)."""
    scenarios = [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
    if not all(isinstance(s, Scenario) for s in scenarios):
        raise ScenarioError("dumps expects Scenario objects")
    _check_names(scenarios)
    document = {
        "schema_version": SCHEMA_VERSION,
        "scenarios": [scenario_to_dict(s) for s in scenarios],
        "target": None if target is None else dataclasses.asdict(target),
    }
    separators = (",", ":") if indent is None else None
    return json.dumps(document, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False)


def loads(text: str | bytes) -> ScenarioFile:
    """Read a scenario file whole, or raise :class:`ScenarioFileError` saying what is wrong and where."""
    document = _parse(text)
    if not isinstance(document, dict):
        raise ScenarioFileError(f"expected a JSON object with schema_version and scenarios; got {_kind(document)}")
    if "schema_version" not in document:
        raise ScenarioFileError("schema_version is missing; expected a scenario file written by this application")
    version = document["schema_version"]
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise ScenarioFileError(f"schema_version {version!r} is not supported; this version reads {SCHEMA_VERSION}")
    _raise_schema_errors(_STRUCTURE, document, "")
    if document["target"] is not None:
        _raise_schema_errors(_TARGET, document["target"], "target")
    scenarios = tuple(_scenario(raw, f"scenarios[{i}]") for i, raw in enumerate(document["scenarios"]))
    try:
        _check_names(scenarios)
        target = None if document["target"] is None else Target(**document["target"])
        if target is not None and scenarios:
            target.check(scenarios[0].freq)
    except ScenarioError as error:
        raise ScenarioFileError(str(error)) from None
    return ScenarioFile(scenarios, target)


def _parse(text: str | bytes) -> object:
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ScenarioFileError(f"the file has {len(text)} bytes; expected at most {MAX_BYTES}")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ScenarioFileError(f"the file is not UTF-8 text (byte {error.start})") from None
    if not isinstance(text, str):
        raise ScenarioFileError(f"expected JSON text; got {type(text).__name__}")
    if len(text) > MAX_BYTES:
        raise ScenarioFileError(f"the file has {len(text)} characters; expected at most {MAX_BYTES}")

    def reject(constant: str) -> None:
        raise ScenarioFileError(f"not valid JSON: {constant} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=reject)
    except json.JSONDecodeError as error:
        raise ScenarioFileError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except RecursionError:  # thousands of nested brackets: no scenario file is nested that deep
        raise ScenarioFileError("not a scenario file: JSON nested too deeply") from None


def _scenario(raw: dict, where: str) -> Scenario:
    adjustments = []
    for j, item in enumerate(raw["adjustments"]):
        here = f"{where}.adjustments[{j}]"
        kind = item.get("type")
        if kind not in ADJUSTMENT_TYPES:
            raise ScenarioFileError(
                f"{here}.type: unknown adjustment type {kind!r}; expected one of {sorted(ADJUSTMENT_TYPES)}"
            )
        _raise_schema_errors(_ADJUSTMENT_VALIDATORS[kind], item, here)
        fields = {k: v for k, v in item.items() if k != "type"}
        adjustments.append(_build(ADJUSTMENT_TYPES[kind], fields, here))
    return _build(Scenario, {**raw, "adjustments": tuple(adjustments)}, where)


def _build(cls: type, fields: dict, where: str):
    try:
        return cls(**fields)
    except ScenarioError as error:
        raise ScenarioFileError(f"{where}: {error}") from None


def _raise_schema_errors(validator: jsonschema.Draft202012Validator, document: object, prefix: str) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        shown = "; ".join(f"{_path(prefix, e.absolute_path)}: {e.message}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ScenarioFileError(shown + more)


def _path(prefix: str, parts) -> str:
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def _check_names(scenarios: Sequence[Scenario]) -> None:
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(f"scenario names must be unique; repeated: {duplicates}")


def _kind(value: object) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )
