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


SET_MESSAGES = {
    "name_empty": "a scenario needs a name",
    "name_taken": "the name {name!r} is taken ('baseline' is reserved for the baseline)",
    "full": "at most {n} scenarios can be compared",
    "set_empty": "the set holds no scenario",
    "set_large": "the set holds {n} scenarios; at most {max} can be opened",
    "set_mixed": "the set's scenarios are not all on one indicator and region",
    "set_indicator": "there is no indicator {id!r} to build scenarios on",
    "set_kind": "the set's scenarios do not match the frequency or kind of {id!r}",
    "set_region": "{id!r} has no data for region {region!r}",
    "set_model": "unknown baseline model {model!r}",
}


class ScenarioSetError(ScenarioError):
    """An edit of a scenario set, or a set to open, that breaks a rule of sets (unique names, at most five
    scenarios, one series this application has…).

    ``code`` names the rule (a key of :data:`SET_MESSAGES`) and ``fields`` hold its facts, so that a page words the
    message in its user's language; ``str()`` gives the English message.
    """

    def __init__(self, code: str, **fields: object) -> None:
        if code not in SET_MESSAGES:
            raise ValueError(f"unknown scenario set error code {code!r}; expected one of {sorted(SET_MESSAGES)}")
        self.code, self.fields = code, fields
        super().__init__(SET_MESSAGES[code].format(**fields))

    def __reduce__(self) -> tuple:
        return _set_error, (self.code, self.fields)


def _set_error(code: str, fields: dict) -> ScenarioSetError:
    return ScenarioSetError(code, **fields)
