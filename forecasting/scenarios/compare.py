"""Compare scenarios with the baseline: end-of-horizon values, cumulative differences, target and pairwise odds.

All probabilities are shares of the Monte Carlo draws. Scenarios simulated with the same seed share the baseline's
draws, so a difference between two scenarios is computed draw by draw (paired): what remains uncertain is the part
the scenarios do not share, such as an estimated elasticity. Ties count one half, so a scenario compared with itself
"beats" it with probability 0.5.

Polarity uses the metadata's words (``higher_is_better``, ``lower_is_better``, ``neutral``). As for published
targets (:mod:`indicators.targets`), an "about" target's band is open on the side the polarity favours — growth
above "5% 左右" is not a miss — and closed on both sides for a neutral indicator such as CPI. "Better" needs a
direction: for a neutral indicator ``p_beats_baseline`` is NaN and :meth:`Comparison.prob_beats` reads "higher".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from common.periods import display_range
from forecasting.scenarios.baseline import Baseline
from forecasting.scenarios.errors import ScenarioError
from forecasting.scenarios.scenario import Scenario, Target
from forecasting.scenarios.simulate import DEFAULT_DRAWS, DEFAULT_SEED, Drivers, Outcome, simulate, simulate_baseline

MAX_SCENARIOS = 5
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
TABLE_COLUMNS = (
    "scenario",
    "is_baseline",
    "end_period",
    "end_mean",
    "end_lo_80",
    "end_hi_80",
    "end_diff",
    "end_diff_pct",
    "cum_diff",
    "cum_diff_lo_80",
    "cum_diff_hi_80",
    "p_beats_baseline",
    "p_target",
)
DELTA_COLUMNS = ("scenario", "ds", "period", "mean", "diff", "diff_pct", "diff_lo_80", "diff_hi_80")


def _position(outcome: Outcome, period: str | None) -> int:
    if period is None:
        return len(outcome.periods) - 1
    if period not in outcome.periods:
        span = display_range(outcome.periods[0], outcome.periods[-1], outcome.freq, "en")
        raise ScenarioError(f"period {period!r} is outside the horizon {span}")
    return outcome.periods.index(period)


def _check_polarity(polarity: object) -> str:
    if polarity not in POLARITIES:
        raise ScenarioError(f"polarity: expected one of {list(POLARITIES)}; got {polarity!r}")
    return str(polarity)


def prob_meets(outcome: Outcome, target: Target, polarity: str = "neutral") -> float:
    """Share of draws meeting ``target`` in its period (growth targets: growth of each draw over the period).

    ``polarity`` opens an "about" band on the favoured side (see the module docstring).
    """
    _check_polarity(polarity)
    target.check(outcome.freq)
    i = _position(outcome, target.period)
    values = outcome.growth_draws()[:, i] if target.measure == "growth" else outcome.draws[:, i]
    if target.comparator == "at_least":
        met = values >= target.value
    elif target.comparator == "at_most":
        met = values <= target.value
    else:
        low = -np.inf if polarity == "lower_is_better" else target.value - target.tolerance
        high = np.inf if polarity == "higher_is_better" else target.value + target.tolerance
        met = (values >= low) & (values <= high)
    return float(np.mean(met))


def prob_beats(a: Outcome, b: Outcome, period: str | None = None, higher_is_better: bool = True) -> float:
    """P(``a`` better than ``b``) in ``period`` (default: the end of the horizon), ties counted one half."""
    _check_paired([a, b])
    i = _position(a, period)
    diff = a.draws[:, i] - b.draws[:, i]
    diff = diff if higher_is_better else -diff
    return float(np.mean(diff > 0) + 0.5 * np.mean(diff == 0))


@dataclass(frozen=True, eq=False)
class Comparison:
    """The baseline and 1–5 scenario outcomes, with the comparison table and the per-period deltas."""

    baseline: Outcome
    outcomes: tuple[Outcome, ...]
    target: Target | None
    polarity: str
    table: pd.DataFrame
    deltas: pd.DataFrame

    def outcome(self, name: str) -> Outcome:
        """The outcome named ``name`` (``"baseline"`` for the baseline)."""
        for outcome in (self.baseline, *self.outcomes):
            if outcome.name == name:
                return outcome
        raise ScenarioError(f"no scenario named {name!r}; have {[o.name for o in self.outcomes]}")

    def prob_beats(self, a: str, b: str, period: str | None = None) -> float:
        """P(scenario ``a`` better than ``b``) by name, with the comparison's polarity ("higher" when neutral)."""
        return prob_beats(self.outcome(a), self.outcome(b), period, self.polarity != "lower_is_better")

    def beats_matrix(self, period: str | None = None) -> pd.DataFrame:
        """P(row better than column) for every pair, the baseline included (0.5 on the diagonal)."""
        names = [o.name for o in (self.baseline, *self.outcomes)]
        return pd.DataFrame([[self.prob_beats(a, b, period) for b in names] for a in names], index=names, columns=names)


def compare(
    scenarios: Sequence[Scenario],
    baseline: Baseline,
    drivers: Drivers | None = None,
    target: Target | None = None,
    *,
    polarity: str = "higher_is_better",
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> Comparison:
    """Simulate 1–5 scenarios of one series against its baseline and compare them.

    Args:
        scenarios: same series, kind and horizon; unique names ("baseline" is reserved).
        drivers: driver histories keyed ``(driver_id, driver_region)``.
        target: optional; fills ``p_target``.
        polarity: the indicator's polarity, for ``p_beats_baseline`` and "about" targets.

    Raises:
        ScenarioError: no scenario or more than five, mixed series or horizons, duplicate names, or any error of
            :func:`~forecasting.scenarios.simulate`.
    """
    _check_polarity(polarity)
    scenarios = list(scenarios)
    if not 1 <= len(scenarios) <= MAX_SCENARIOS:
        raise ScenarioError(f"expected 1 to {MAX_SCENARIOS} scenarios to compare; got {len(scenarios)}")
    names = [s.name for s in scenarios]
    if len(set(names)) < len(names) or "baseline" in names:
        raise ScenarioError(f"scenario names must be unique and not 'baseline'; got {names}")
    first = scenarios[0]
    for s in scenarios[1:]:
        same = (s.indicator_id, s.region_code, s.kind, s.horizon, s.freq)
        if same != (first.indicator_id, first.region_code, first.kind, first.horizon, first.freq):
            raise ScenarioError(
                f"scenario {s.name!r} differs from {first.name!r} in series, kind, frequency or horizon; "
                "a comparison needs one series and one horizon"
            )
    base = simulate_baseline(baseline, first.horizon, first.kind, n_draws=n_draws, seed=seed)
    outcomes = tuple(simulate(s, baseline, drivers, n_draws=n_draws, seed=seed) for s in scenarios)
    return Comparison(
        baseline=base,
        outcomes=outcomes,
        target=target,
        polarity=polarity,
        table=comparison_table(base, outcomes, target, polarity),
        deltas=delta_table(base, outcomes),
    )


def comparison_table(
    baseline: Outcome, outcomes: Sequence[Outcome], target: Target | None = None, polarity: str = "higher_is_better"
) -> pd.DataFrame:
    """One row per outcome, the baseline first (columns :data:`TABLE_COLUMNS`).

    ``end_*``: the last period's central value and 80% band; ``end_diff`` / ``end_diff_pct``: central difference
    from the baseline (% only for level series); ``cum_diff``: the sum over the horizon of the differences from the
    baseline, central, with the 80% band of the paired draws; ``p_beats_baseline``: P(better than the baseline at
    the end; NaN for the baseline and for a neutral indicator); ``p_target``: P(meeting ``target``), NaN without one.
    """
    _check_polarity(polarity)
    _check_paired([baseline, *outcomes])
    rows = []
    for outcome in (baseline, *outcomes):
        band = outcome.bands((80,)).iloc[-1]
        cum = (outcome.draws - baseline.draws).sum(axis=1)
        end_diff = float(outcome.central[-1] - baseline.central[-1])
        directed = not outcome.is_baseline and polarity != "neutral"
        beats = prob_beats(outcome, baseline, None, polarity == "higher_is_better") if directed else np.nan
        rows.append(
            {
                "scenario": outcome.name,
                "is_baseline": outcome.is_baseline,
                "end_period": outcome.periods[-1],
                "end_mean": float(band["mean"]),
                "end_lo_80": float(band["lo-80"]),
                "end_hi_80": float(band["hi-80"]),
                "end_diff": end_diff,
                "end_diff_pct": 100 * end_diff / baseline.central[-1] if outcome.kind == "level" else np.nan,
                "cum_diff": float((outcome.central - baseline.central).sum()),
                "cum_diff_lo_80": float(np.quantile(cum, 0.1)),
                "cum_diff_hi_80": float(np.quantile(cum, 0.9)),
                "p_beats_baseline": beats,
                "p_target": np.nan if target is None else prob_meets(outcome, target, polarity),
            }
        )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def delta_table(baseline: Outcome, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Per scenario and period: central value, difference from the baseline (units and %), 80% band of it."""
    _check_paired([baseline, *outcomes])
    frames = []
    for outcome in outcomes:
        diff = outcome.draws - baseline.draws
        central = outcome.central - baseline.central
        pct = 100 * central / baseline.central if outcome.kind == "level" else np.full(len(central), np.nan)
        lo, hi = np.quantile(diff, [0.1, 0.9], axis=0)
        columns = (outcome.name, outcome.dates, list(outcome.periods), outcome.central, central, pct, lo, hi)
        frames.append(pd.DataFrame(dict(zip(DELTA_COLUMNS, columns, strict=True))))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(DELTA_COLUMNS))


def _check_paired(outcomes: Sequence[Outcome]) -> None:
    shapes = {(o.draws.shape, o.periods) for o in outcomes}
    if len(shapes) > 1:
        raise ScenarioError(
            "outcomes to compare must cover the same periods with the same number of draws (simulate them with "
            "the same horizon, n_draws and seed)"
        )
