"""Comparing scenarios: the table, paired probabilities, the probability of meeting a target, and its limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.scenarios import (
    TABLE_COLUMNS,
    Baseline,
    DriverChange,
    GrowthShock,
    LevelShift,
    Scenario,
    ScenarioError,
    Target,
    compare,
    describe_target,
    prob_beats,
    prob_meets,
    simulate,
)

Z80, Z95 = 1.2815515655446004, 1.959963984540054


def baseline() -> Baseline:
    """History 1990–2022 from a noisy 4% growth path; forecast 2023–2027 at 5% with widening intervals."""
    rng = np.random.default_rng(11)
    y = 50 * np.exp(np.cumsum(rng.normal(0.04, 0.02, 33)))
    history = pd.DataFrame({"ds": pd.date_range("1990", periods=33, freq="YS"), "y": y})
    mean = y[-1] * 1.05 ** np.arange(1, 6)
    sd = 0.03 * mean * np.sqrt(np.arange(1, 6))
    forecast = pd.DataFrame({"ds": pd.date_range("2023", periods=5, freq="YS"), "mean": mean})
    for level, z in ((80, Z80), (95, Z95)):
        forecast[f"lo-{level}"], forecast[f"hi-{level}"] = mean - z * sd, mean + z * sd
    return Baseline.from_forecast(history, forecast, model="ets")


def driver(base: Baseline) -> pd.DataFrame:
    """A driver whose growth explains part of the target's (elasticity about 0.5)."""
    rng = np.random.default_rng(12)
    dz = np.diff(np.log(base.history["y"].to_numpy())) * 100
    dx = 2 * (dz - 4) + 6 + rng.normal(0, 3, len(dz))
    return pd.DataFrame({"ds": base.history["ds"], "y": 100 * np.exp(np.r_[0, np.cumsum(dx)] / 100)})


def scenario(name: str, *adjustments) -> Scenario:
    return Scenario(name, "gdp", "440000", 5, "ets", "A", adjustments=adjustments)


def test_probability_of_meeting_a_target_is_monotone_in_the_shock_size():
    base = baseline()
    level_target = Target(float(base.forecast["mean"].iloc[-1]) * 1.04, "2027")
    growth_target = Target(6.0, "2025", measure="growth")
    sizes = [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0]
    levels, growths = [], []
    for pp in sizes:
        outcome = simulate(scenario("s", GrowthShock(pp, "2024")), base, n_draws=2000)
        levels.append(prob_meets(outcome, level_target))
        growths.append(prob_meets(outcome, growth_target))
    assert np.all(np.diff(levels) >= 0) and levels[-1] - levels[0] > 0.5
    assert np.all(np.diff(growths) >= 0) and growths[-1] - growths[0] > 0.3
    at_most = [
        prob_meets(
            simulate(scenario("s", LevelShift(x, "percent", "2027")), base),
            Target(level_target.value, "2027", "at_most"),
        )
        for x in (0.0, 2.0, 4.0)
    ]
    assert np.all(np.diff(at_most) <= 0)


def test_baseline_meets_its_own_median_half_the_time_and_about_uses_the_tolerance():
    base = baseline()
    outcome = simulate(scenario("s"), base, n_draws=20_000)
    median = float(base.forecast["mean"].iloc[2])
    assert prob_meets(outcome, Target(median, "2025")) == pytest.approx(0.5, abs=0.015)
    sd = float(base.forecast["hi-95"].iloc[2] - base.forecast["lo-95"].iloc[2]) / (2 * Z95)
    about = prob_meets(outcome, Target(median, "2025", "about", Z80 * sd))
    assert about == pytest.approx(0.8, abs=0.015)


def test_an_about_target_is_open_on_the_side_the_polarity_favours():
    base = baseline()
    outcome = simulate(scenario("s"), base, n_draws=5000)
    median = float(base.forecast["mean"].iloc[2])
    about = Target(median, "2025", "about", 0.01 * median)
    neutral = prob_meets(outcome, about)
    higher = prob_meets(outcome, about, "higher_is_better")
    lower = prob_meets(outcome, about, "lower_is_better")
    assert higher == prob_meets(outcome, Target(0.99 * median, "2025", "at_least"))
    assert lower == prob_meets(outcome, Target(1.01 * median, "2025", "at_most"))
    assert neutral < min(higher, lower) and higher + lower - neutral == pytest.approx(1.0)
    table = compare([scenario("a", GrowthShock(1.0, "2024"))], base, target=about, polarity="neutral").table
    assert table["p_beats_baseline"].isna().all()
    with pytest.raises(ScenarioError, match="polarity: expected one of"):
        prob_meets(outcome, about, "up")


def test_identical_scenarios_tie_and_paired_scenarios_order_certainly_without_estimated_parts():
    base = baseline()
    a = simulate(scenario("a", GrowthShock(1.0, "2024")), base)
    same = simulate(scenario("b", GrowthShock(1.0, "2024")), base)
    smaller = simulate(scenario("c", GrowthShock(0.5, "2024")), base)
    assert prob_beats(a, same) == 0.5
    assert prob_beats(a, smaller) == 1.0 and prob_beats(smaller, a) == 0.0
    assert prob_beats(a, smaller, higher_is_better=False) == 0.0


def test_estimated_elasticities_make_the_comparison_uncertain():
    base = baseline()
    drivers = {("fai", "440000"): driver(base)}
    spend = scenario("spend", DriverChange("fai", "440000", 10.0, "2023"))
    shock = scenario("shock", GrowthShock(1.0, "2023", "2025"))  # about as large as the driver's effect
    comparison = compare([spend, shock], base, drivers)
    p = comparison.prob_beats("spend", "shock")
    assert 0.0 < p < 1.0 and p + comparison.prob_beats("shock", "spend") == pytest.approx(1.0)
    matrix = comparison.beats_matrix()
    assert list(matrix.index) == ["baseline", "spend", "shock"] and np.allclose(np.diag(matrix), 0.5)


def test_comparison_table_holds_the_library_numbers():
    base = baseline()
    target = Target(5.5, "2027", "at_least", measure="growth")
    scenarios = [
        scenario("+1pp", GrowthShock(1.0, "2024", "2026")),
        scenario("+3%", LevelShift(3.0, "percent", "2025")),
    ]
    comparison = compare(scenarios, base, target=target)
    table = comparison.table
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert list(table["scenario"]) == ["baseline", "+1pp", "+3%"]
    row = table.iloc[0]
    assert row["end_diff"] == 0 and row["cum_diff"] == 0 and np.isnan(row["p_beats_baseline"])
    assert row["end_lo_80"] == base.forecast["lo-80"].iloc[-1]
    shifted = table.set_index("scenario").loc["+3%"]
    assert shifted["end_mean"] == pytest.approx(1.03 * base.forecast["mean"].iloc[-1], rel=1e-14)
    assert shifted["end_hi_80"] == pytest.approx(1.03 * base.forecast["hi-80"].iloc[-1], rel=1e-14)
    assert shifted["end_diff_pct"] == pytest.approx(3.0, rel=1e-12)
    assert shifted["cum_diff"] == pytest.approx(0.03 * base.forecast["mean"].iloc[2:].sum(), rel=1e-12)
    outcome = comparison.outcome("+1pp")
    assert table.set_index("scenario").loc["+1pp", "p_target"] == prob_meets(outcome, target)
    deltas = comparison.deltas
    assert len(deltas) == 10 and list(deltas["period"][:5]) == ["2023", "2024", "2025", "2026", "2027"]
    np.testing.assert_allclose(
        deltas.loc[deltas["scenario"] == "+1pp", "diff"], outcome.central - comparison.baseline.central
    )


def test_comparisons_refuse_what_cannot_be_compared():
    base = baseline()
    one = scenario("a")
    with pytest.raises(ScenarioError, match="expected 1 to 5 scenarios"):
        compare([], base)
    with pytest.raises(ScenarioError, match="expected 1 to 5 scenarios"):
        compare([one.renamed(str(i)) for i in range(6)], base)
    with pytest.raises(ScenarioError, match="must be unique and not 'baseline'"):
        compare([one, one], base)
    with pytest.raises(ScenarioError, match="one series and one horizon"):
        compare([one, Scenario("b", "gdp", "440000", 3, "ets", "A")], base)
    with pytest.raises(ScenarioError, match="outside the horizon"):
        compare([one], base, target=Target(1.0, "2031"))
    with pytest.raises(ScenarioError, match="horizon: expected 1 to 5"):
        compare([Scenario("long", "gdp", "440000", 8, "ets", "A")], base)


def test_targets_are_described_and_checked():
    assert describe_target(Target(5.0, "2025", "about", 0.5, "growth"), "A") == "2025年增速约为 5%（±0.5%）"
    assert describe_target(Target(3.0, "2025", "at_most"), "A", "en", "%") == "Level at most 3 % in 2025"
    with pytest.raises(ScenarioError, match="'about' needs a positive tolerance"):
        Target(5.0, "2025", "about")
    with pytest.raises(ScenarioError, match="only 'about' takes a tolerance"):
        Target(5.0, "2025", "at_least", 1.0)
