"""Named exceptions of the scenario library.

Every message says what was expected and what was received, so a page can show it as it is and an analyst can fix
the scenario without reading code. All derive from :class:`ScenarioError`, itself a :class:`ValueError`.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario, adjustment or target that is not usable (bad field, wrong kind, period outside the horizon)."""


class BaselineError(ScenarioError):
    """The baseline history or forecast frame is not usable (missing columns, unordered intervals, bad dates)."""


class DriverDataError(ScenarioError):
    """A driver series is missing, too short or otherwise unusable for estimating its effect on the target."""


class ScenarioFileError(ScenarioError):
    """A scenario file (JSON) that cannot be loaded; nothing of it is returned."""
