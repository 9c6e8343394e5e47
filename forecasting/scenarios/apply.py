"""How each adjustment transforms a simulated path: its central path, its draws and, while exact, its quantiles.

Level series: growth shocks, shifts in %, target paths and driver changes multiply the path by a positive factor per
period; shifts in units add. Rate series: every adjustment adds. A factor or offset that is the same for every draw
is an increasing transform of each period's value, so the quantiles move exactly with it; a driver's effect differs
per draw (its estimate is uncertain), after which the quantiles come from the draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.scenarios.adjustments import Adjustment, DriverChange, GrowthShock, LevelShift, TargetPath
from forecasting.scenarios.baseline import Baseline
from forecasting.scenarios.describe import TargetPathFact
from forecasting.scenarios.drivers import DriverEstimate, driver_effect
from forecasting.scenarios.errors import DriverDataError, ScenarioError
from forecasting.scenarios.periods import period_label, window
from forecasting.scenarios.scenario import Scenario

Drivers = Mapping[tuple[str, str], pd.DataFrame]


def growth(paths: np.ndarray, anchor: float, gap: int) -> np.ndarray:
    """Growth as a fraction along the last axis; the first step against ``anchor`` over ``gap`` periods (average)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        first = (paths[..., :1] / anchor) ** (1.0 / gap) - 1
        return np.concatenate([first, paths[..., 1:] / paths[..., :-1] - 1], axis=-1)


@dataclass
class State:
    """A path being adjusted: central ``(h,)``, draws ``(n, h)`` and exact quantiles ``(h, k)`` or ``None``."""

    central: np.ndarray
    draws: np.ndarray
    knots: np.ndarray | None

    def scale(self, factor: np.ndarray, per_draw: np.ndarray | None = None) -> None:
        """Multiply by a positive factor per period (the same for every draw unless ``per_draw`` is given)."""
        self.central = self.central * factor
        self.draws = self.draws * (factor if per_draw is None else per_draw)
        self.knots = None if per_draw is not None or self.knots is None else self.knots * factor[:, None]

    def add(self, offset: np.ndarray, per_draw: np.ndarray | None = None) -> None:
        self.central = self.central + offset
        self.draws = self.draws + (offset if per_draw is None else per_draw)
        self.knots = None if per_draw is not None or self.knots is None else self.knots + offset[:, None]


def apply(
    adjustment: Adjustment,
    state: State,
    scenario: Scenario,
    baseline: Baseline,
    periods: pd.PeriodIndex,
    drivers: Drivers,
    n_draws: int,
    seed: int,
) -> TargetPathFact | DriverEstimate | None:
    freq, level = scenario.freq, scenario.kind == "level"
    anchor, gap = baseline.anchor
    if isinstance(adjustment, GrowthShock):
        _require_positive(state.central, anchor)
        g = growth(state.central, anchor, gap)
        i0, i1 = window(adjustment.start, adjustment.end, periods, freq, "growth_shock")
        shocked = 1 + g[i0 : i1 + 1] + adjustment.pp / 100
        if (shocked <= 0).any():
            raise ScenarioError(f"a shock of {adjustment.pp} pp would make growth -100% or less")
        ratio = np.ones(len(periods))
        ratio[i0 : i1 + 1] = shocked / (1 + g[i0 : i1 + 1])
        state.scale(np.cumprod(ratio))
        return None
    if isinstance(adjustment, LevelShift):
        i0, i1 = window(adjustment.start, adjustment.end, periods, freq, "level_shift")
        inside = np.zeros(len(periods), dtype=bool)
        inside[i0 : i1 + 1] = True
        if adjustment.unit == "percent":
            state.scale(np.where(inside, 1 + adjustment.amount / 100, 1.0))
        else:
            state.add(np.where(inside, adjustment.amount, 0.0))
        return None
    if isinstance(adjustment, TargetPath):
        return _target_path(adjustment, state, periods, freq, level, baseline)
    return _driver(adjustment, state, scenario, baseline, periods, drivers, n_draws, seed)


def _target_path(
    path: TargetPath, state: State, periods: pd.PeriodIndex, freq: str, level: bool, baseline: Baseline
) -> TargetPathFact:
    anchor, gap = baseline.anchor
    i_target, _ = window(path.period, path.period, periods, freq, "target_path")
    steps = gap + i_target
    # Periods from the anchor, held at the target period: afterwards the series keeps the gain and follows the path
    # before this adjustment (the baseline's growth).
    held = np.minimum(np.arange(len(periods)), i_target)
    k = gap + held
    reached = state.central[i_target]
    if level:
        _require_positive(state.central, anchor)
        implied, base = (path.value / anchor) ** (1 / steps) - 1, (reached / anchor) ** (1 / steps) - 1
        state.scale(anchor * (1 + implied) ** k / state.central[held])
        implied, base = 100 * implied, 100 * base
    else:
        implied, base = (path.value - anchor) / steps, (reached - anchor) / steps
        state.add(anchor + implied * k - state.central[held])
    last_observed = baseline.history.dropna(subset=["y"])["ds"].iloc[-1]
    return TargetPathFact(period_label(last_observed, freq), anchor, steps, float(implied), float(base))


def _driver(
    change: DriverChange,
    state: State,
    scenario: Scenario,
    baseline: Baseline,
    periods: pd.PeriodIndex,
    drivers: Drivers,
    n_draws: int,
    seed: int,
) -> DriverEstimate:
    if change.key not in drivers:
        raise DriverDataError(
            f"no history given for driver {change.key}; pass drivers={{{change.key!r}: frame with ds, y}}"
        )
    effect = driver_effect(
        change, baseline.history, drivers[change.key], scenario.kind, periods, scenario.freq, n_draws, seed
    )
    if scenario.kind == "level":
        state.scale(np.exp(effect.point / 100), np.exp(effect.draws / 100))
    else:
        state.add(effect.point, effect.draws)
    return effect.estimate


def _require_positive(central: np.ndarray, anchor: float | None) -> None:
    if (central <= 0).any() or (anchor is not None and anchor <= 0):
        raise ScenarioError(
            "growth and percentage changes need a positive series; the baseline forecast or the last observation "
            "is zero or negative (use a level shift in units, or kind 'rate')"
        )
