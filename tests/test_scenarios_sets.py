"""Scenario sets: edits return new sets, a broken rule raises ScenarioSetError with its code and facts, links
round-trip."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from forecasting.scenarios import (
    MAX_SCENARIOS,
    GrowthShock,
    LevelShift,
    Scenario,
    ScenarioFile,
    ScenarioFileError,
    ScenarioSetError,
    Target,
    sets,
)

SERIES = {"indicator_id": "gdp", "region_code": "440000", "horizon": 5, "model": "ets", "freq": "A", "kind": "level"}
STIMULUS = Scenario("Stimulus", **SERIES, adjustments=(GrowthShock(1.0, "2023", "2025"),))
SHIFT = Scenario("Shift", **SERIES, adjustments=(LevelShift(5.0, "percent", "2024"),))
TWO = ScenarioFile((STIMULUS, SHIFT), Target(150_000.0, "2027"))
BUILDABLE = {"gdp": ("level", "A"), "cpi_yoy": ("rate", "M")}


def regions_of(indicator_id: str) -> list[str]:
    return ["440000", "110000"] if indicator_id == "gdp" else ["100000"]


def full() -> ScenarioFile:
    return ScenarioFile(tuple(STIMULUS.renamed(f"S{i}") for i in range(MAX_SCENARIOS)))


def test_edits_return_new_sets_and_leave_the_old_one_alone():
    added = sets.add(TWO, "  Calm  ", SERIES)
    assert [s.name for s in added.scenarios] == ["Stimulus", "Shift", "Calm"]
    assert added.scenarios[2].adjustments == () and added.target == TWO.target
    copied = sets.duplicate(TWO, 0, "Stimulus 2")
    assert copied.scenarios[2] == STIMULUS.renamed("Stimulus 2")
    renamed = sets.rename(TWO, 1, "Shift up", "  five percent  ")
    assert (renamed.scenarios[1].name, renamed.scenarios[1].note) == ("Shift up", "five percent")
    assert sets.rename(TWO, 1, "Shift", "").scenarios[1].name == "Shift", "a scenario keeps its own name"
    assert sets.drop_at(TWO, 0).scenarios == (SHIFT,)
    assert sets.replace_at(TWO, 1, STIMULUS.renamed("X")).scenarios[1].name == "X"
    moved = sets.rebase(TWO, 3, "theta")
    assert {(s.horizon, s.model) for s in moved.scenarios} == {(3, "theta")}
    assert moved.scenarios[0].adjustments == STIMULUS.adjustments
    assert TWO.scenarios == (STIMULUS, SHIFT)


@pytest.mark.parametrize(
    ("edit", "code", "fields"),
    [
        (lambda: sets.add(TWO, "   ", SERIES), "name_empty", {}),
        (lambda: sets.add(TWO, "Shift", SERIES), "name_taken", {"name": "Shift"}),
        (lambda: sets.add(TWO, "baseline", SERIES), "name_taken", {"name": "baseline"}),
        (lambda: sets.add(full(), "New", SERIES), "full", {"n": MAX_SCENARIOS}),
        (lambda: sets.duplicate(full(), 0, "New"), "full", {"n": MAX_SCENARIOS}),
        (lambda: sets.duplicate(TWO, 0, "Stimulus"), "name_taken", {"name": "Stimulus"}),
        (lambda: sets.rename(TWO, 0, "Shift", ""), "name_taken", {"name": "Shift"}),
        (lambda: sets.rename(TWO, 0, "", ""), "name_empty", {}),
    ],
)
def test_a_broken_rule_of_edits_raises_its_code_and_facts(edit, code, fields):
    with pytest.raises(ScenarioSetError) as raised:
        edit()
    assert (raised.value.code, raised.value.fields) == (code, fields)


@pytest.mark.parametrize(
    ("file", "code", "fields", "message"),
    [
        (ScenarioFile(()), "set_empty", {}, "the set holds no scenario"),
        (
            ScenarioFile(tuple(STIMULUS.renamed(f"S{i}") for i in range(MAX_SCENARIOS + 1))),
            "set_large",
            {"n": MAX_SCENARIOS + 1, "max": MAX_SCENARIOS},
            "the set holds 6 scenarios; at most 5 can be opened",
        ),
        (
            ScenarioFile((STIMULUS, dataclasses.replace(SHIFT, region_code="110000"))),
            "set_mixed",
            {},
            "not all on one indicator and region",
        ),
        (
            ScenarioFile((dataclasses.replace(STIMULUS, indicator_id="egdi_rank"),)),
            "set_indicator",
            {"id": "egdi_rank"},
            "no indicator 'egdi_rank'",
        ),
        (ScenarioFile((Scenario("Calm", **{**SERIES, "kind": "rate"}),)), "set_kind", {"id": "gdp"}, "kind of 'gdp'"),
        (
            ScenarioFile((dataclasses.replace(STIMULUS, region_code="650000"),)),
            "set_region",
            {"id": "gdp", "region": "650000"},
            "'gdp' has no data for region '650000'",
        ),
        (ScenarioFile((dataclasses.replace(STIMULUS, model="lstm"),)), "set_model", {"model": "lstm"}, "'lstm'"),
    ],
)
def test_a_set_that_cannot_be_opened_says_why(file, code, fields, message):
    with pytest.raises(ScenarioSetError, match=message) as raised:
        sets.check_set(file, BUILDABLE, regions_of, ["auto", "ets"])
    assert (raised.value.code, raised.value.fields) == (code, fields)


def test_a_good_set_passes_the_check():
    assert sets.check_set(TWO, BUILDABLE, regions_of, ["auto", "ets"]) is None


def test_set_errors_survive_pickling_and_refuse_unknown_codes():
    error = pickle.loads(pickle.dumps(ScenarioSetError("name_taken", name="A")))
    assert (error.code, error.fields) == ("name_taken", {"name": "A"})
    assert str(error) == "the name 'A' is taken ('baseline' is reserved for the baseline)"
    with pytest.raises(ValueError, match="unknown scenario set error code 'oops'"):
        ScenarioSetError("oops")


def test_links_round_trip_and_a_broken_link_is_a_file_error():
    link = sets.encode_link(TWO)
    assert "=" not in link and "+" not in link and "/" not in link
    assert sets.decode_link(link) == TWO
    assert sets.compact(TWO) == sets.compact(sets.decode_link(link)) and "\n" not in sets.compact(TWO)
    assert sets.fingerprint(sets.compact(TWO)) != sets.fingerprint(sets.compact(sets.drop_at(TWO, 0)))
    with pytest.raises(ScenarioFileError, match="not URL-safe base64"):
        sets.decode_link("not a link!")
    with pytest.raises(ScenarioFileError):
        sets.decode_link(sets.encode_link(TWO)[:-8])
