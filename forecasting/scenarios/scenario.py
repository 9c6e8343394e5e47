"""A scenario (baseline model plus logged adjustments) and a target to test outcomes against.

Both are frozen dataclasses, checked on construction, equal when their fields are equal, and serialisable to JSON
(:mod:`forecasting.scenarios.serialize`). A scenario holds no data: it names its series and model, and is simulated
against a :class:`~forecasting.scenarios.Baseline` built from the current data.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from forecasting.scenarios.adjustments import ADJUSTMENT_TYPES, KINDS, Adjustment, DriverChange
from forecasting.scenarios.baseline import Baseline
from forecasting.scenarios.errors import ScenarioError
from forecasting.scenarios.periods import check_freq, finite, text, to_period

MAX_HORIZON = 240
COMPARATORS = ("at_least", "at_most", "about")
MEASURES = ("level", "growth")


@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions on one series.

    Attributes:
        name: shown in tables and legends; unique within a comparison.
        indicator_id, region_code: the target series (opaque strings).
        horizon: periods ahead (at most the baseline forecast's length).
        model: the baseline model name; the baseline simulated against must report the same.
        freq: ``"A"``, ``"Q"`` or ``"M"``; periods of the adjustments are labels of this frequency.
        kind: ``"level"`` (GDP, spending…) or ``"rate"`` (an inflation or unemployment rate in %).
        adjustments: applied in order, each to the result of the previous ones.
        note: the analyst's free-text rationale.
    """

    name: str
    indicator_id: str
    region_code: str
    horizon: int
    model: str
    freq: str
    kind: Literal["level", "rate"] = "level"
    adjustments: tuple[Adjustment, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        text(self.name, "name")
        text(self.indicator_id, "indicator_id")
        text(self.region_code, "region_code")
        text(self.model, "model")
        check_freq(self.freq)
        if self.kind not in KINDS:
            raise ScenarioError(f"kind: expected 'level' or 'rate'; got {self.kind!r}")
        if isinstance(self.horizon, bool) or not isinstance(self.horizon, int) or not 1 <= self.horizon <= MAX_HORIZON:
            raise ScenarioError(
                f"horizon: expected a whole number of periods from 1 to {MAX_HORIZON}; got {self.horizon!r}"
            )
        if not isinstance(self.note, str) or len(self.note) > 2000:
            raise ScenarioError("note: expected a string of at most 2000 characters")
        if not isinstance(self.adjustments, (tuple, list)):
            raise ScenarioError(f"adjustments: expected a list of adjustments; got {type(self.adjustments).__name__}")
        object.__setattr__(self, "adjustments", tuple(self.adjustments))
        for i, adjustment in enumerate(self.adjustments):
            if type(adjustment) not in ADJUSTMENT_TYPES.values():
                raise ScenarioError(
                    f"adjustments[{i}]: expected one of {sorted(ADJUSTMENT_TYPES)}; got {type(adjustment).__name__}"
                )
            try:
                adjustment.check(self.freq, self.kind)
            except ScenarioError as error:
                raise ScenarioError(f"adjustments[{i}].{error}") from None

    @classmethod
    def for_baseline(
        cls,
        baseline: Baseline,
        name: str,
        indicator_id: str,
        region_code: str,
        *,
        kind: str = "level",
        horizon: int | None = None,
        adjustments: tuple[Adjustment, ...] = (),
        note: str = "",
    ) -> Scenario:
        """A scenario on ``baseline``'s model and frequency, over its whole forecast unless ``horizon`` is given."""
        horizon = len(baseline.forecast) if horizon is None else horizon
        return cls(name, indicator_id, region_code, horizon, baseline.model, baseline.freq, kind, adjustments, note)

    def with_adjustment(self, adjustment: Adjustment) -> Scenario:
        """A copy with ``adjustment`` appended (checked)."""
        return dataclasses.replace(self, adjustments=(*self.adjustments, adjustment))

    def without_adjustment(self, index: int) -> Scenario:
        """A copy without the adjustment at ``index``."""
        if not -len(self.adjustments) <= index < len(self.adjustments):
            raise ScenarioError(f"no adjustment {index}; the scenario has {len(self.adjustments)}")
        kept = list(self.adjustments)
        del kept[index]
        return dataclasses.replace(self, adjustments=tuple(kept))

    def renamed(self, name: str) -> Scenario:
        """A copy under another name (to duplicate a scenario)."""
        return dataclasses.replace(self, name=name)

    @property
    def drivers(self) -> list[tuple[str, str]]:
        """``(driver_id, driver_region)`` of every driver whose history :func:`simulate` needs, in order."""
        keys = [a.key for a in self.adjustments if isinstance(a, DriverChange)]
        return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class Target:
    """A target to meet in one period: ``value`` with a comparator.

    Attributes:
        value: in the indicator's units (``measure`` "level") or in % growth over the previous period ("growth").
        period: a label of the scenarios' frequency.
        comparator: ``at_least``, ``at_most`` or ``about`` (``|x - value| <= tolerance``).
        tolerance: for ``about`` only, in the units of ``value``; must be positive there.
        measure: ``"level"`` or ``"growth"`` (period-on-period growth in %, e.g. "GDP growth about 5%").
        label: where the target comes from, for display (e.g. "政府工作报告").
    """

    value: float
    period: str
    comparator: Literal["at_least", "at_most", "about"] = "at_least"
    tolerance: float = 0.0
    measure: Literal["level", "growth"] = "level"
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", finite(self.value, "target.value"))
        text(self.period, "target.period", 20)
        if self.comparator not in COMPARATORS:
            raise ScenarioError(f"target.comparator: expected one of {list(COMPARATORS)}; got {self.comparator!r}")
        if self.measure not in MEASURES:
            raise ScenarioError(f"target.measure: expected 'level' or 'growth'; got {self.measure!r}")
        object.__setattr__(self, "tolerance", finite(self.tolerance, "target.tolerance", None, None))
        if self.comparator == "about" and self.tolerance <= 0:
            raise ScenarioError(f"target.tolerance: 'about' needs a positive tolerance; got {self.tolerance}")
        if self.comparator != "about" and self.tolerance != 0:
            raise ScenarioError(
                f"target.tolerance: only 'about' takes a tolerance; got {self.tolerance} with {self.comparator!r}"
            )
        if not isinstance(self.label, str) or len(self.label) > 200:
            raise ScenarioError("target.label: expected a string of at most 200 characters")

    def check(self, freq: str) -> None:
        """Check ``period`` against the scenarios' frequency."""
        to_period(self.period, freq, "target.period")
