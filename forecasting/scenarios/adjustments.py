"""Typed adjustments of a baseline: growth shocks, level shifts, target paths and driver changes.

Each adjustment is a small frozen dataclass that checks its own numbers on construction and its periods against the
scenario's frequency and series kind in :meth:`check` (called by :class:`~forecasting.scenarios.Scenario`). Units
are explicit in the field names: ``pp`` is percentage points (``1.0`` = +1 pp), ``percent`` is per cent of the
baseline (``5.0`` = +5%), ``units`` is the indicator's own unit. ``end=None`` means "to the end of the horizon".

Growth is period-on-period growth (annual for annual data, quarter-on-quarter for quarterly…).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from forecasting.scenarios.errors import ScenarioError
from forecasting.scenarios.periods import finite, text, to_period

KINDS = ("level", "rate")


def _check_window(start: str, end: str | None, freq: str, where: str) -> None:
    first = to_period(start, freq, f"{where}.start")
    if end is not None and to_period(end, freq, f"{where}.end") < first:
        raise ScenarioError(f"{where}: end {end} is before start {start}; expected end >= start")


def _check_optional_label(value: object, field: str) -> None:
    if value is not None and not isinstance(value, str):
        raise ScenarioError(f"{field}: expected a period label or null; got {value!r}")


@dataclass(frozen=True)
class GrowthShock:
    """Growth raised by ``pp`` percentage points in ``start``…``end``.

    Temporary (``end`` given): growth then returns to the baseline's growth, so the level gain stays. Persistent
    (``end=None``): the shock lasts to the end of the horizon. Refused on rate series.
    """

    type: ClassVar[str] = "growth_shock"
    pp: float
    start: str
    end: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "pp", finite(self.pp, "growth_shock.pp", -100.0, 100.0))
        text(self.start, "growth_shock.start", 20)
        _check_optional_label(self.end, "growth_shock.end")

    @property
    def persistent(self) -> bool:
        return self.end is None

    def check(self, freq: str, kind: str) -> None:
        if kind == "rate":
            raise ScenarioError(
                "growth_shock: growth shocks do not apply to a rate series (kind 'rate', e.g. an inflation rate in "
                "%): its growth has no meaning; use a level shift in units (percentage points of the rate) instead"
            )
        _check_window(self.start, self.end, freq, "growth_shock")


@dataclass(frozen=True)
class LevelShift:
    """Level raised by ``amount`` (``unit`` "percent" of the baseline, or "units" of the indicator) in a window.

    From ``start`` to ``end`` (then back to the baseline), or to the end of the horizon when ``end=None``. On rate
    series only units (percentage points of the rate) make sense.
    """

    type: ClassVar[str] = "level_shift"
    amount: float
    unit: Literal["percent", "units"]
    start: str
    end: str | None = None

    def __post_init__(self) -> None:
        if self.unit not in ("percent", "units"):
            raise ScenarioError(f"level_shift.unit: expected 'percent' or 'units'; got {self.unit!r}")
        low = -100.0 if self.unit == "percent" else None
        object.__setattr__(self, "amount", finite(self.amount, "level_shift.amount", low, None))
        text(self.start, "level_shift.start", 20)
        _check_optional_label(self.end, "level_shift.end")

    def check(self, freq: str, kind: str) -> None:
        if kind == "rate" and self.unit == "percent":
            raise ScenarioError(
                "level_shift: a shift in percent of a rate series (kind 'rate') is ambiguous; give it in units, "
                "i.e. percentage points of the rate"
            )
        _check_window(self.start, self.end, freq, "level_shift")


@dataclass(frozen=True)
class TargetPath:
    """The path that reaches ``value`` in ``period`` from the last observed value.

    Level series: constant growth; rate series: a constant change per period. After ``period`` the series follows
    the baseline's growth (the level reached is kept). The implied growth is compared with the baseline's in the
    outcome.
    """

    type: ClassVar[str] = "target_path"
    value: float
    period: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", finite(self.value, "target_path.value"))
        text(self.period, "target_path.period", 20)

    def check(self, freq: str, kind: str) -> None:
        to_period(self.period, freq, "target_path.period")
        if kind == "level" and self.value <= 0:
            raise ScenarioError(f"target_path.value: a level target must be positive; got {self.value}")


@dataclass(frozen=True)
class DriverChange:
    """A driver series changed in a window, propagated to the target by an elasticity or a VAR.

    ``mode`` "percent": the driver's level is ``amount`` % above its own baseline in ``start``…``end`` (then back),
    or from ``start`` on when ``end=None``. ``mode`` "growth_pp": the driver grows ``amount`` pp faster than its
    baseline in the window, measured relative to the baseline (its level ratio to the baseline is multiplied by
    ``1 + amount/100`` each period; equal to +``amount`` pp of growth when the driver's baseline growth is small),
    and the level gain stays after ``end``. The driver must be a positive level series of the same frequency.

    ``method`` "elasticity": OLS of the target's growth on the driver's growth (log differences, in %), with a
    constant. "var": a VAR on the two growth rates, lag order by BIC, propagated through orthogonalised impulse
    responses with the driver ordered first. ``estimation_start`` limits the sample to periods from then on.
    """

    type: ClassVar[str] = "driver_change"
    driver_id: str
    driver_region: str
    amount: float
    start: str
    end: str | None = None
    mode: Literal["percent", "growth_pp"] = "percent"
    method: Literal["elasticity", "var"] = "elasticity"
    estimation_start: str | None = None

    def __post_init__(self) -> None:
        text(self.driver_id, "driver_change.driver_id")
        text(self.driver_region, "driver_change.driver_region")
        if self.mode not in ("percent", "growth_pp"):
            raise ScenarioError(f"driver_change.mode: expected 'percent' or 'growth_pp'; got {self.mode!r}")
        if self.method not in ("elasticity", "var"):
            raise ScenarioError(f"driver_change.method: expected 'elasticity' or 'var'; got {self.method!r}")
        object.__setattr__(self, "amount", finite(self.amount, "driver_change.amount", -100.0, 1000.0))
        text(self.start, "driver_change.start", 20)
        _check_optional_label(self.end, "driver_change.end")
        _check_optional_label(self.estimation_start, "driver_change.estimation_start")

    @property
    def key(self) -> tuple[str, str]:
        """``(driver_id, driver_region)``, the key of the driver's history in the ``drivers`` mapping."""
        return self.driver_id, self.driver_region

    def check(self, freq: str, kind: str) -> None:
        _check_window(self.start, self.end, freq, "driver_change")
        if self.estimation_start is not None:
            to_period(self.estimation_start, freq, "driver_change.estimation_start")


Adjustment = GrowthShock | LevelShift | TargetPath | DriverChange
ADJUSTMENT_TYPES: dict[str, type] = {cls.type: cls for cls in (GrowthShock, LevelShift, TargetPath, DriverChange)}
