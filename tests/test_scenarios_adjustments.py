"""Scenario adjustments: exact arithmetic on a known baseline, validation, and the wording of each assumption."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.scenarios import (
    Baseline,
    DriverChange,
    GrowthShock,
    LevelShift,
    Scenario,
    ScenarioError,
    TargetPath,
    describe,
    simulate,
)

GROWTH = np.array([0.05, 0.06, 0.04, 0.03, 0.05])  # baseline growth 2023–2027, from 100 in 2022
MEAN = 100 * np.cumprod(1 + GROWTH)


def known_baseline(history_tail: float = 100.0, rate: bool = False) -> Baseline:
    """Annual history 2015–2022 ending at ``history_tail`` and a forecast 2023–2027 with known growth."""
    history = pd.DataFrame({"ds": pd.date_range("2015", periods=8, freq="YS"), "y": np.linspace(70, history_tail, 8)})
    mean = np.array([2.0, 2.5, 2.2, 2.0, 1.8]) if rate else MEAN
    sd = 0.02 * np.abs(mean) * np.sqrt(np.arange(1, 6)) + (0.3 if rate else 0.0)
    forecast = pd.DataFrame({"ds": pd.date_range("2023", periods=5, freq="YS"), "mean": mean})
    for level, z in ((80, 1.2815515655446004), (95, 1.959963984540054)):
        forecast[f"lo-{level}"], forecast[f"hi-{level}"] = mean - z * sd, mean + z * sd
    return Baseline.from_forecast(history, forecast, model="drift")


def scenario(*adjustments, kind: str = "level") -> Scenario:
    return Scenario("s", "gdp", "440000", 5, "drift", "A", kind=kind, adjustments=adjustments)


def ratio(*adjustments) -> np.ndarray:
    outcome = simulate(scenario(*adjustments), known_baseline(), n_draws=200)
    return outcome.central / MEAN


def test_temporary_growth_shock_compounds_then_growth_returns_to_baseline():
    r = ratio(GrowthShock(1.0, "2024", "2026"))
    expected = np.cumprod([1, *((1 + GROWTH[1:4] + 0.01) / (1 + GROWTH[1:4])), 1])
    np.testing.assert_allclose(r, expected, rtol=1e-13)
    scenario_growth = np.diff(np.log(np.r_[100, MEAN * r]))
    np.testing.assert_allclose(np.exp(scenario_growth) - 1, GROWTH + [0, 0.01, 0.01, 0.01, 0], rtol=1e-12)
    assert r[4] == pytest.approx(r[3], rel=1e-14)  # the level gain stays


def test_persistent_growth_shock_lasts_to_the_end_of_the_horizon():
    r = ratio(GrowthShock(1.0, "2025"))
    np.testing.assert_allclose(r, np.cumprod([1, 1, *((1 + GROWTH[2:] + 0.01) / (1 + GROWTH[2:]))]), rtol=1e-13)


def test_negative_growth_shock_and_first_period_growth_against_the_last_observation():
    r = ratio(GrowthShock(-2.0, "2023", "2023"))
    np.testing.assert_allclose(r, np.full(5, (1.05 - 0.02) / 1.05), rtol=1e-13)


def test_level_shift_in_percent_and_in_units():
    np.testing.assert_allclose(ratio(LevelShift(5.0, "percent", "2024", "2025")), [1, 1.05, 1.05, 1, 1], rtol=1e-14)
    outcome = simulate(scenario(LevelShift(-3.0, "units", "2026")), known_baseline(), n_draws=200)
    np.testing.assert_allclose(outcome.central - MEAN, [0, 0, 0, -3, -3], atol=1e-12)


def test_target_path_reaches_the_value_at_constant_growth_and_reports_the_implied_growth():
    outcome = simulate(scenario(TargetPath(150.0, "2026")), known_baseline(), n_draws=200)
    g = 1.5 ** (1 / 4) - 1
    expected = 100 * (1 + g) ** np.arange(1, 5)
    np.testing.assert_allclose(outcome.central[:4], expected, rtol=1e-13)
    assert outcome.central[4] == pytest.approx(150.0 * MEAN[4] / MEAN[3], rel=1e-13)
    fact = outcome.facts[0]
    assert (fact.anchor_period, fact.anchor_value, fact.steps) == ("2022", 100.0, 4)
    assert fact.implied == pytest.approx(100 * g, rel=1e-12)
    assert fact.baseline == pytest.approx(100 * ((MEAN[3] / 100) ** (1 / 4) - 1), rel=1e-12)


def test_target_path_counts_periods_from_the_last_observation_across_a_gap():
    history = pd.DataFrame({"ds": pd.date_range("2018", periods=5, freq="YS"), "y": [90, 95, 100, np.nan, np.nan]})
    base = Baseline.from_forecast(history, known_baseline().forecast, model="drift")
    assert base.anchor == (100.0, 3)  # 2020 is the last observation; the forecast starts in 2023
    outcome = simulate(scenario(TargetPath(121.0, "2024")), base, n_draws=200)
    g = 1.21 ** (1 / 4) - 1  # 2021, 2022, 2023, 2024
    assert outcome.facts[0].steps == 4
    np.testing.assert_allclose(outcome.central[:2], [100 * (1 + g) ** 3, 121.0], rtol=1e-13)


def test_growth_shock_after_a_level_shift_uses_the_shifted_growth():
    r = ratio(LevelShift(10.0, "percent", "2024"), GrowthShock(1.0, "2024", "2024"))
    shifted_growth = 1.10 * (1 + GROWTH[1]) - 1  # growth of 2024 once the level is 10% higher from 2024
    expected_2024 = 1.10 * (1 + shifted_growth + 0.01) / (1 + shifted_growth)
    np.testing.assert_allclose(r, [1, *[expected_2024] * 4], rtol=1e-13)


def test_adjustments_move_the_bands_exactly_while_they_are_fixed_transforms():
    base = known_baseline()
    outcome = simulate(scenario(LevelShift(5.0, "percent", "2024")), base, n_draws=200)
    bands = outcome.bands()
    factor = np.array([1, 1.05, 1.05, 1.05, 1.05])
    for column in ("lo-80", "hi-80", "lo-95", "hi-95"):
        np.testing.assert_allclose(bands[column], base.forecast[column] * factor, rtol=1e-14)


# --- rate series -------------------------------------------------------------------------------------------------


def test_rate_series_refuse_growth_shocks_and_percent_shifts_with_a_clear_message():
    with pytest.raises(ScenarioError, match="growth shocks do not apply to a rate series"):
        scenario(GrowthShock(1.0, "2024"), kind="rate")
    with pytest.raises(ScenarioError, match="give it in units"):
        scenario(LevelShift(5.0, "percent", "2024"), kind="rate")


def test_rate_series_take_unit_shifts_and_straight_line_target_paths():
    base = known_baseline(history_tail=3.0, rate=True)
    shifted = simulate(scenario(LevelShift(0.5, "units", "2024", "2025"), kind="rate"), base, n_draws=200)
    np.testing.assert_allclose(shifted.central - base.forecast["mean"], [0, 0.5, 0.5, 0, 0], atol=1e-14)
    path = simulate(scenario(TargetPath(2.0, "2025"), kind="rate"), base, n_draws=200)
    np.testing.assert_allclose(path.central[:3], [3 - 1 / 3, 3 - 2 / 3, 2.0], rtol=1e-13)
    assert path.central[3] == pytest.approx(2.0 + (2.0 - 2.2), rel=1e-13)  # then moves with the baseline
    assert path.facts[0].implied == pytest.approx(-1 / 3) and path.facts[0].baseline == pytest.approx((2.2 - 3) / 3)


# --- validation ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: GrowthShock("1", "2024"), "growth_shock.pp: expected a finite number"),
        (lambda: GrowthShock(float("nan"), "2024"), "expected a finite number"),
        (lambda: GrowthShock(True, "2024"), "expected a finite number"),
        (lambda: GrowthShock(150.0, "2024"), "at most 100"),
        (lambda: LevelShift(-100.0, "percent", "2024"), "greater than -100"),
        (lambda: LevelShift(1.0, "pct", "2024"), "expected 'percent' or 'units'"),
        (lambda: DriverChange("fai", "440000", 5.0, "2024", method="ols"), "expected 'elasticity' or 'var'"),
        (lambda: DriverChange("", "440000", 5.0, "2024"), "driver_id: expected a non-empty string"),
        (lambda: scenario(GrowthShock(1.0, "2024-01")), r"expected a period label such as '2026'"),
        (lambda: scenario(GrowthShock(1.0, "2026", "2024")), "end 2024 is before start 2026"),
        (lambda: scenario(TargetPath(-5.0, "2025")), "level target must be positive"),
        (lambda: Scenario("s", "gdp", "440000", 0, "drift", "A"), "horizon: expected a whole number"),
        (lambda: Scenario("s", "gdp", "440000", 5, "drift", "W"), "freq must be one of"),
        (lambda: Scenario(" s", "gdp", "440000", 5, "drift", "A"), "without leading or trailing blanks"),
        (lambda: Scenario("s", "gdp", "440000", 5, "drift", "A", adjustments=["x"]), "expected one of"),
    ],
)
def test_bad_adjustments_and_scenarios_are_refused_by_name(build, message):
    with pytest.raises(ScenarioError, match=message):
        build()


def test_periods_outside_the_horizon_are_refused_when_simulating():
    with pytest.raises(ScenarioError, match=r"start 2030 is outside the horizon 2023–2027"):
        simulate(scenario(GrowthShock(1.0, "2030")), known_baseline(), n_draws=200)
    with pytest.raises(ScenarioError, match="built on model 'drift'"):
        simulate(scenario(), Baseline.from_forecast(known_baseline().history, known_baseline().forecast, model="ets"))


def test_scenario_helpers_return_checked_copies():
    s = Scenario.for_baseline(known_baseline(), "s", "gdp", "440000", adjustments=(GrowthShock(1.0, "2024"),))
    assert s == scenario(GrowthShock(1.0, "2024")) and s.drivers == []
    assert s.with_adjustment(LevelShift(1.0, "units", "2025")).adjustments[1] == LevelShift(1.0, "units", "2025")
    assert s.without_adjustment(0).adjustments == () and s.renamed("t").name == "t" and s.name == "s"
    with pytest.raises(ScenarioError, match="expected a period label"):
        s.with_adjustment(LevelShift(1.0, "units", "2025Q1"))


# --- wording -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "adjustment, zh, en",
    [
        (
            GrowthShock(1.0, "2026", "2028"),
            "2026–2028年增速每年提高 1 个百分点（临时",
            "Growth 1 pp a year higher in 2026–2028 (temporary",
        ),
        (GrowthShock(-0.5, "2026"), "自2026年起增速每年降低 0.5 个百分点（持续至预测期末）", "from 2026 to the end"),
        (LevelShift(5.0, "percent", "2026", "2027"), "2026–2027年水平比基准高 5%（之后回到基准）", "Level 5% above"),
        (LevelShift(-300.0, "units", "2026"), "自2026年起水平比基准低 300 亿元", "Level 300 亿元 below the baseline"),
        (TargetPath(150000.0, "2027"), "到2027年达到 150,000 亿元", "Reach 150,000 亿元 by 2027"),
        (
            DriverChange("fiscal_expenditure", "440000", 10.0, "2026", "2027"),
            "财政支出（广东）2026–2027年比其基准高 10%（之后回到基准），经历史增速回归估计的弹性传导至目标",
            "财政支出 (广东) 10% above its baseline in 2026–2027",
        ),
        (
            DriverChange("fiscal_expenditure", "440000", 2.0, "2026", mode="growth_pp", method="var"),
            "增速比其基准每年高 2 个百分点",
            "growth 2 pp a year higher than its baseline from 2026",
        ),
    ],
)
def test_each_adjustment_states_its_assumption_numerically_in_both_languages(adjustment, zh, en):
    names = {"fiscal_expenditure": "财政支出", "440000": "广东"}
    assert zh in describe(adjustment, "A", "level", "zh", unit="亿元", names=names)
    assert en in describe(adjustment, "A", "level", "en", unit="亿元", names=names)


def test_quarterly_wording_names_the_quarter_on_quarter_growth():
    text = describe(GrowthShock(0.25, "2026Q1", "2026Q4"), "Q", "level", "zh")
    assert text.startswith("2026年第1季度至2026年第4季度环比增速每季度提高 0.25 个百分点")
    assert "Quarter-on-quarter growth 0.25 pp a quarter higher in 2026 Q1–2026 Q4" in describe(
        GrowthShock(0.25, "2026Q1", "2026Q4"), "Q", "level", "en"
    )


@pytest.mark.parametrize(
    "model, lang, head",
    [
        ("drift", "zh", "基准预测：漂移法"),
        ("ets", "en", "Baseline forecast: Exponential smoothing (ETS)"),
        ("combination", "en", "Baseline forecast: Combination of models"),
    ],
)
def test_the_assumption_log_names_the_baseline_model_in_words_not_by_its_id(model, lang, head):
    base = known_baseline()
    built = Scenario("s", "gdp", "440000", 5, model, "A", adjustments=(GrowthShock(1.0, "2024"),))
    outcome = simulate(built, Baseline.from_forecast(base.history, base.forecast, model=model))
    assert outcome.assumptions(lang)[0] == head
