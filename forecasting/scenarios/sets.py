"""Scenario sets: the edits an analyst makes to a :class:`~forecasting.scenarios.ScenarioFile` (the scenarios of one
series plus an optional target), the check of a set before it is opened, and the set as a link.

Every edit returns a new set and leaves the old one alone. A rule of sets that an edit or a set breaks raises
:class:`~forecasting.scenarios.ScenarioSetError` with a code and its facts (``name_taken`` with ``name``…), for the
page to word; a set that is not a scenario file at all raises :class:`~forecasting.scenarios.ScenarioFileError`.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence

from forecasting.scenarios.compare import MAX_SCENARIOS
from forecasting.scenarios.errors import ScenarioFileError, ScenarioSetError
from forecasting.scenarios.scenario import Scenario
from forecasting.scenarios.serialize import ScenarioFile, dumps, loads

RESERVED = "baseline"  # the name of the baseline outcome in a comparison


def rebase(file: ScenarioFile, horizon: int, model: str) -> ScenarioFile:
    """The set on another horizon and baseline model (adjustments keep their periods)."""
    moved = tuple(dataclasses.replace(s, horizon=horizon, model=model) for s in file.scenarios)
    return dataclasses.replace(file, scenarios=moved)


def _free_name(name: str, taken: Sequence[str]) -> str:
    name = name.strip()
    if not name:
        raise ScenarioSetError("name_empty")
    if name == RESERVED or name in taken:
        raise ScenarioSetError("name_taken", name=name)
    return name


def _check_room(file: ScenarioFile) -> None:
    if len(file.scenarios) >= MAX_SCENARIOS:
        raise ScenarioSetError("full", n=MAX_SCENARIOS)


def add(file: ScenarioFile, name: str, series: Mapping[str, object]) -> ScenarioFile:
    """The set with a new scenario without adjustments appended.

    Args:
        name: the new scenario's name (surrounding blanks dropped).
        series: the other fields of :class:`Scenario` (``indicator_id, region_code, horizon, model, freq, kind``).

    Raises:
        ScenarioSetError: ``full``, ``name_empty`` or ``name_taken``.
    """
    _check_room(file)
    new = Scenario(name=_free_name(name, [s.name for s in file.scenarios]), **series)
    return dataclasses.replace(file, scenarios=(*file.scenarios, new))


def replace_at(file: ScenarioFile, index: int, scenario: Scenario) -> ScenarioFile:
    """The set with scenario ``index`` replaced."""
    kept = list(file.scenarios)
    kept[index] = scenario
    return dataclasses.replace(file, scenarios=tuple(kept))


def drop_at(file: ScenarioFile, index: int) -> ScenarioFile:
    """The set without scenario ``index``."""
    return dataclasses.replace(file, scenarios=tuple(s for i, s in enumerate(file.scenarios) if i != index))


def duplicate(file: ScenarioFile, index: int, name: str) -> ScenarioFile:
    """The set with a copy of scenario ``index``, named ``name``, appended.

    Raises:
        ScenarioSetError: ``full``, ``name_empty`` or ``name_taken``.
    """
    _check_room(file)
    name = _free_name(name, [s.name for s in file.scenarios])
    return dataclasses.replace(file, scenarios=(*file.scenarios, file.scenarios[index].renamed(name)))


def rename(file: ScenarioFile, index: int, name: str, note: str) -> ScenarioFile:
    """The set with scenario ``index`` renamed and its note (the analyst's rationale) replaced.

    Raises:
        ScenarioSetError: ``name_empty`` or ``name_taken`` (by another scenario).
    """
    others = [s.name for i, s in enumerate(file.scenarios) if i != index]
    scenario = dataclasses.replace(file.scenarios[index], name=_free_name(name, others), note=note.strip())
    return replace_at(file, index, scenario)


def check_set(
    file: ScenarioFile,
    series: Mapping[str, tuple[str, str]],
    regions_of: Callable[[str], Collection[str]],
    models: Collection[str],
) -> None:
    """Whether a loaded set can be opened: at least one and at most five scenarios, all on one series that can be
    built on (right kind and frequency, a region with data) and on a known model.

    Args:
        series: indicator ids scenarios can be built on, each with its scenario ``kind`` and ``freq``.
        regions_of: the regions with data of an indicator.
        models: the baseline model names known.

    Raises:
        ScenarioSetError: ``set_empty``, ``set_large``, ``set_mixed``, ``set_indicator``, ``set_kind``,
            ``set_region`` or ``set_model``.
    """
    if not file.scenarios:
        raise ScenarioSetError("set_empty")
    if len(file.scenarios) > MAX_SCENARIOS:
        raise ScenarioSetError("set_large", n=len(file.scenarios), max=MAX_SCENARIOS)
    first = file.scenarios[0]
    if any((s.indicator_id, s.region_code) != (first.indicator_id, first.region_code) for s in file.scenarios):
        raise ScenarioSetError("set_mixed")
    if first.indicator_id not in series:
        raise ScenarioSetError("set_indicator", id=first.indicator_id)
    kind, freq = series[first.indicator_id]
    if any(s.kind != kind or s.freq != freq for s in file.scenarios):
        raise ScenarioSetError("set_kind", id=first.indicator_id)
    if first.region_code not in regions_of(first.indicator_id):
        raise ScenarioSetError("set_region", id=first.indicator_id, region=first.region_code)
    if first.model not in models:
        raise ScenarioSetError("set_model", model=first.model)


def compact(file: ScenarioFile) -> str:
    """The set as one line of JSON (the cache key of a comparison, and what a link carries)."""
    return dumps(file.scenarios, file.target, indent=None)


def fingerprint(text: str) -> str:
    """A short digest of a compact set, for keys that must change when the set does."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def encode_link(file: ScenarioFile) -> str:
    """The set for a URL parameter: compact JSON, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(compact(file).encode("utf-8")).decode("ascii").rstrip("=")


def decode_link(param: str) -> ScenarioFile:
    """A set from a URL parameter written by :func:`encode_link`.

    Raises:
        ScenarioFileError: not base64, or not a valid scenario file.
    """
    try:
        raw = base64.b64decode(param + "=" * (-len(param) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioFileError("the link's set parameter is not URL-safe base64") from None
    return loads(raw)
