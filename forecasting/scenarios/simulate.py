"""Simulate a scenario: the baseline's predictive draws, transformed by each adjustment in order.

A level series' adjustments multiply the path (growth shocks, shifts in %, target paths, driver changes through log
growth); shifts in units add to it; a rate series' adjustments add. Each adjustment moves the central path (the
baseline point forecast with the adjustments at their point estimates) and every draw; a driver's effect differs
per draw by its estimated uncertainty. The baseline draws come from one seed, so every scenario simulated with the
same seed and number of draws shares them (common random numbers): differences between scenarios are paired.

Bands: while every adjustment is a fixed increasing transform of each period's value, the bands are the engine's
intervals transformed exactly; once an estimated driver adds its own uncertainty, they are quantiles of the draws.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from common.text import has, render
from forecasting.scenarios.apply import Drivers, State, apply, growth
from forecasting.scenarios.baseline import Baseline
from forecasting.scenarios.describe import TargetPathFact, describe, describe_fact
from forecasting.scenarios.drivers import DriverEstimate
from forecasting.scenarios.errors import ScenarioError
from forecasting.scenarios.scenario import Scenario
from forecasting.validation import level_key

DEFAULT_DRAWS = 2000
DEFAULT_SEED = 20260707
__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "Drivers", "Outcome", "simulate", "simulate_baseline"]


@dataclass(frozen=True, eq=False)
class Outcome:
    """A simulated baseline or scenario over the horizon.

    Attributes:
        central: the central path ``(h,)``: the baseline forecast with the adjustments at point estimates.
        draws: ``(n_draws, h)`` joint draws of the path.
        knots: ``(h, 2·len(levels) + 1)`` exact quantiles while known (the baseline's ``lo`` bounds widest first, the
            mean, its ``hi`` bounds: for levels 80 and 95 the 2.5, 10, 50, 90 and 97.5% quantiles); ``None`` after a
            driver change.
        levels: the interval levels of the baseline's forecast, ascending.
        anchor_value, anchor_gap: last observation and the periods from it to the first forecast period.
        facts: per adjustment, ``None``, a :class:`TargetPathFact` or a :class:`DriverEstimate`.
    """

    name: str
    kind: str
    freq: str
    model: str
    periods: tuple[str, ...]
    dates: pd.DatetimeIndex
    central: np.ndarray
    draws: np.ndarray
    knots: np.ndarray | None
    anchor_value: float
    anchor_gap: int
    levels: tuple[float, ...] = (80, 95)
    scenario: Scenario | None = None
    facts: tuple[TargetPathFact | DriverEstimate | None, ...] = ()

    @property
    def is_baseline(self) -> bool:
        return self.scenario is None

    @property
    def estimates(self) -> list[DriverEstimate]:
        """The driver estimates, in the order of the adjustments."""
        return [f for f in self.facts if isinstance(f, DriverEstimate)]

    def bands(self, levels: tuple[float, ...] | None = None) -> pd.DataFrame:
        """Fan-chart frame ``ds, period, mean, lo-<l>, hi-<l>…`` (``mean`` is the central path) for ``levels``
        (default: the baseline's), exact while the quantiles are known, else from the draws."""
        out = {"ds": self.dates, "period": list(self.periods), "mean": self.central}
        for lv in sorted(self.levels if levels is None else levels):
            if self.knots is not None and lv in self.levels:
                i, widest = self.levels.index(lv), len(self.levels)
                lo, hi = self.knots[:, widest - 1 - i], self.knots[:, widest + 1 + i]
            else:
                lo, hi = np.quantile(self.draws, [(100 - lv) / 200, (100 + lv) / 200], axis=0)
            out[f"lo-{level_key(lv)}"], out[f"hi-{level_key(lv)}"] = lo, hi
        return pd.DataFrame(out)

    def growth_draws(self) -> np.ndarray:
        """Period-on-period growth of every draw, in % ``(n_draws, h)``; the first period against the anchor."""
        if self.kind == "rate":
            raise ScenarioError("growth of a rate series (kind 'rate') has no meaning; use a level target")
        return 100 * growth(self.draws, self.anchor_value, self.anchor_gap)

    def assumptions(
        self, lang: str = "zh", unit: str | None = None, names: Mapping[str, str] | None = None
    ) -> list[str]:
        """The assumption log: the baseline model, then each adjustment in words with its computed facts."""
        model = f"forecast.model_{self.model}"  # the model's name in words, as the Forecast page writes it
        head = render("scenario.baseline_head", lang, model=render(model, lang) if has(model) else self.model)
        if self.scenario is None:
            return [head]
        lines = [head]
        for adjustment, fact in zip(self.scenario.adjustments, self.facts, strict=True):
            line = describe(adjustment, self.freq, self.kind, lang, unit, names)
            if fact is not None:
                fact_text = describe_fact(fact, self.freq, self.kind, self.periods[-1], lang)
                line = render("scenario.with_fact", lang, line=line, fact=fact_text)
            lines.append(line)
        return lines


def simulate_baseline(
    baseline: Baseline, horizon: int, kind: str = "level", *, n_draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> Outcome:
    """The baseline as an :class:`Outcome` over ``horizon`` periods (same draws as every scenario with this seed)."""
    if not isinstance(horizon, int) or not 1 <= horizon <= len(baseline.forecast):
        raise ScenarioError(f"horizon: expected 1 to {len(baseline.forecast)} (the forecast's length); got {horizon}")
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or not 100 <= n_draws <= 100_000:
        raise ScenarioError(f"n_draws: expected a whole number from 100 to 100000; got {n_draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ScenarioError(f"seed: expected a non-negative whole number; got {seed!r}")
    anchor, gap = baseline.anchor
    return Outcome(
        name="baseline",
        kind=kind,
        freq=baseline.freq,
        model=baseline.model,
        periods=tuple(map(str, baseline.periods[:horizon])),
        dates=pd.DatetimeIndex(baseline.forecast["ds"].iloc[:horizon]),
        central=baseline.forecast["mean"].to_numpy()[:horizon].copy(),
        draws=baseline.sample(horizon, n_draws, seed),
        knots=baseline.forecast[baseline.knot_columns].to_numpy()[:horizon].copy(),
        anchor_value=anchor,
        anchor_gap=gap,
        levels=baseline.levels,
    )


def simulate(
    scenario: Scenario,
    baseline: Baseline,
    drivers: Drivers | None = None,
    *,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> Outcome:
    """Simulate ``scenario`` against ``baseline``.

    Args:
        drivers: history ``ds, y`` of each driver, keyed ``(driver_id, driver_region)`` (see ``Scenario.drivers``).
        n_draws, seed: Monte Carlo draws; keep them equal across scenarios that are compared.

    Raises:
        ScenarioError: the baseline does not match the scenario (model, frequency, length), an adjustment falls
            outside the horizon or does not fit the series (e.g. growth of a non-positive level).
        DriverDataError: a driver's history is missing or unusable.
    """
    if scenario.model != baseline.model or scenario.freq != baseline.freq:
        raise ScenarioError(
            f"scenario {scenario.name!r} is built on model {scenario.model!r} ({scenario.freq}) but the baseline is "
            f"{baseline.model!r} ({baseline.freq}); forecast the series with the scenario's model first"
        )
    out = simulate_baseline(baseline, scenario.horizon, scenario.kind, n_draws=n_draws, seed=seed)
    state = State(out.central, out.draws, out.knots)
    periods = baseline.periods[: scenario.horizon]
    facts = []
    for i, adjustment in enumerate(scenario.adjustments):
        try:
            facts.append(apply(adjustment, state, scenario, baseline, periods, drivers or {}, n_draws, seed))
        except ScenarioError as error:
            raise type(error)(f"scenario {scenario.name!r}, adjustments[{i}]: {error}") from None
    return dataclasses.replace(
        out,
        name=scenario.name,
        central=state.central,
        draws=state.draws,
        knots=state.knots,
        scenario=scenario,
        facts=tuple(facts),
    )
