"""Scenario files: exact JSON round trip, the versioned schema, and bad files rejected whole with the reason."""

from __future__ import annotations

import json

import jsonschema
import pytest

from forecasting.scenarios import (
    SCHEMA,
    SCHEMA_VERSION,
    DriverChange,
    GrowthShock,
    LevelShift,
    Scenario,
    ScenarioFileError,
    Target,
    TargetPath,
    dumps,
    loads,
)


def scenarios() -> list[Scenario]:
    """Two scenarios using every adjustment type and every optional field."""
    a = Scenario(
        "稳增长 A",
        "gdp",
        "440000",
        5,
        "ets",
        "A",
        adjustments=[
            GrowthShock(1.0, "2024", "2026"),
            GrowthShock(-0.1 + 0.2, "2027"),  # 0.1 + float noise: the round trip must keep every bit
            LevelShift(2.5, "percent", "2025", "2026"),
            LevelShift(-300.0, "units", "2026"),
            TargetPath(150000.0, "2027"),
        ],
        note="政府工作报告口径",
    )
    b = Scenario(
        "spending",
        "gdp",
        "440000",
        5,
        "ets",
        "A",
        adjustments=[
            DriverChange("fiscal_expenditure", "440000", 10.0, "2024", "2025"),
            DriverChange("fixed_asset_investment", "440000", 1.5, "2024", None, "growth_pp", "var", "2000"),
        ],
    )
    return [a, b]


def test_round_trip_is_exact():
    target = Target(5.0, "2025", "about", 0.5, "growth", "省定目标")
    loaded = loads(dumps(scenarios(), target))
    assert loaded.scenarios == tuple(scenarios()) and loaded.target == target
    assert loads(dumps(scenarios()[0])).scenarios == (scenarios()[0],)
    assert loads(dumps(scenarios()).encode("utf-8")).scenarios == tuple(scenarios())
    assert dumps(list(loaded.scenarios), loaded.target) == dumps(scenarios(), target)
    compact = dumps(scenarios(), target, indent=None)
    assert "\n" not in compact and loads(compact) == loaded


def test_files_follow_the_published_schema():
    document = json.loads(dumps(scenarios(), Target(1.0, "2027")))
    assert document["schema_version"] == SCHEMA_VERSION == 1
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["scenarios"][1]["adjustments"][1] == {
        "type": "driver_change",
        "driver_id": "fixed_asset_investment",
        "driver_region": "440000",
        "amount": 1.5,
        "start": "2024",
        "end": None,
        "mode": "growth_pp",
        "method": "var",
        "estimation_start": "2000",
    }


def edited(change) -> str:
    document = json.loads(dumps(scenarios(), Target(1.0, "2027")))
    change(document)
    return json.dumps(document, ensure_ascii=False)


def _set(path, value):
    def change(document):
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _delete(path):
    def change(document):
        node = document
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return change


BAD_FILES = {
    "not json": ('{"schema_version": 1, "scenarios": [', "not valid JSON: .* at line 1"),
    "nan": ('{"schema_version": 1, "scenarios": [], "target": NaN}', "NaN is not a number JSON allows"),
    "not an object": ("[1, 2]", "expected a JSON object"),
    "no version": ('{"scenarios": [], "target": null}', "schema_version is missing"),
    "wrong version": (edited(_set(["schema_version"], 2)), "schema_version 2 is not supported; this version reads 1"),
    "unknown type": (
        edited(_set(["scenarios", 0, "adjustments", 1, "type"], "tax_cut")),
        r"scenarios\[0\]\.adjustments\[1\]\.type: unknown adjustment type 'tax_cut'",
    ),
    "number as text": (
        edited(_set(["scenarios", 0, "adjustments", 0, "pp"], "1")),
        r"scenarios\[0\]\.adjustments\[0\]\.pp: '1' is not of type 'number'",
    ),
    "bool as number": (
        edited(_set(["scenarios", 1, "adjustments", 0, "amount"], True)),
        r"scenarios\[1\]\.adjustments\[0\]\.amount: True is not of type 'number'",
    ),
    "infinite number": (
        edited(_set(["scenarios", 0, "adjustments", 2, "amount"], 1)).replace('"amount": 1,', '"amount": 1e999,'),
        r"scenarios\[0\]\.adjustments\[2\]: level_shift\.amount: expected a finite number",
    ),
    "out of range": (
        edited(_set(["scenarios", 0, "adjustments", 2, "amount"], -150)),
        "greater than -100",
    ),
    "fractional horizon": (edited(_set(["scenarios", 0, "horizon"], 2.5)), r"scenarios\[0\]\.horizon: 2\.5 is not"),
    "missing field": (
        edited(_delete(["scenarios", 1, "adjustments", 0, "method"])),
        r"scenarios\[1\]\.adjustments\[0\]: 'method' is a required property",
    ),
    "missing scenario field": (edited(_delete(["scenarios", 0, "model"])), "'model' is a required property"),
    "extra field": (edited(_set(["scenarios", 0, "colour"], "red")), r"\('colour' was unexpected\)"),
    "bad period": (
        edited(_set(["scenarios", 0, "adjustments", 0, "start"], "2024Q1")),
        r"scenarios\[0\]: adjustments\[0\]\.growth_shock\.start: expected a period label such as '2026'",
    ),
    "growth on a rate": (edited(_set(["scenarios", 0, "kind"], "rate")), "growth shocks do not apply to a rate"),
    "duplicate names": (edited(_set(["scenarios", 1, "name"], "稳增长 A")), "names must be unique"),
    "bad target": (edited(_set(["target", "comparator"], "roughly")), r"target\.comparator: 'roughly' is not one of"),
    "target period": (edited(_set(["target", "period"], "2027-01")), "target.period: expected a period label"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_are_rejected_whole_with_the_reason(name):
    text, message = BAD_FILES[name]
    with pytest.raises(ScenarioFileError, match=message):
        loads(text)


def test_undecodable_or_oversized_bytes_are_rejected():
    with pytest.raises(ScenarioFileError, match="not UTF-8"):
        loads(b'{"schema_version": 1, "name": "\xff"}')
    with pytest.raises(ScenarioFileError, match="expected at most"):
        loads(b" " * 1_000_001)
