"""``forecast`` and ``leaderboard`` over long frames: shapes, model choice, and awkward series."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting import Naive, forecast, leaderboard, run

ROOT = Path(__file__).resolve().parents[1]


def series(uid: str, values, start: str = "2000-01-01", freq: str = "YS") -> pd.DataFrame:
    """One series in long format."""
    values = np.asarray(values, dtype=float)
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=len(values), freq=freq), "y": values})


@pytest.fixture(scope="module")
def rng() -> np.random.Generator:
    """Seeded generator shared by the fixtures of this module."""
    return np.random.default_rng(2024)


@pytest.fixture(scope="module")
def trend(rng) -> pd.DataFrame:
    """30 years of steady growth with small noise."""
    return series("trend", 100 + 5 * np.arange(30) + rng.normal(0, 1, 30))


@pytest.fixture(scope="module")
def seasonal(rng) -> pd.DataFrame:
    """Six years of monthly data with a strong yearly pattern."""
    t = np.arange(72)
    return series("seasonal", 200 + 40 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, 72), freq="MS")


def test_output_columns_rows_and_dates(trend, seasonal):
    out = forecast(pd.concat([seasonal, trend]), h=3)
    assert list(out.columns) == [
        "unique_id",
        "ds",
        "combination",
        "combination-lo-80",
        "combination-hi-80",
        "combination-lo-95",
        "combination-hi-95",
        "model",
        "spec",
        "fit_start",
        "backtest_points",
        "mase",
        "smape",
        "mae",
        "coverage-80",
        "coverage-95",
        "msis-80",
        "msis-95",
        "calibration",
    ]
    assert list(out["unique_id"]) == ["seasonal"] * 3 + ["trend"] * 3  # input order is kept
    assert list(out.loc[out.unique_id == "trend", "ds"].dt.year) == [2030, 2031, 2032]
    assert list(out.loc[out.unique_id == "seasonal", "ds"].dt.strftime("%Y-%m")) == ["2006-01", "2006-02", "2006-03"]
    lo95, lo80, mean = out["combination-lo-95"], out["combination-lo-80"], out["combination"]
    hi80, hi95 = out["combination-hi-80"], out["combination-hi-95"]
    assert (lo95 <= lo80).all() and (lo80 <= mean).all() and (mean <= hi80).all() and (hi80 <= hi95).all()
    # each series is its own calibration group (monthly, yearly): too few backtest outcomes to report a coverage
    assert out["coverage-80"].isna().all() and (out["msis-95"] > 0).all()
    assert set(out["calibration"]) == {"MS|log", "YS-JAN|log"}


def test_named_model_column(trend):
    out = forecast(trend, h=2, model="theta", level=(90,))
    assert {"theta", "theta-lo-90", "theta-hi-90", "coverage-90"} <= set(out.columns)
    assert set(out["model"]) == {"theta"} and out["spec"].iloc[0].startswith("Theta")


def test_the_default_is_the_fixed_combination(trend, seasonal):
    both = pd.concat([trend, seasonal])
    out = forecast(both, h=4)
    assert set(out["model"]) == {"combination"}
    specs = out.groupby("unique_id")["spec"].first()
    assert specs["trend"].startswith("median(ETS") and "DOTM" in specs["trend"]
    assert specs["seasonal"].startswith("mean(Theta") and "CES" in specs["seasonal"] and "ARIMA" in specs["seasonal"]
    board = leaderboard(both, h=4).set_index("unique_id").loc["trend"].set_index("model")
    assert board["chosen"].sum() == 1 and board.loc["combination", "chosen"]
    assert out.loc[out.unique_id == "trend", "mase"].iloc[0] == pytest.approx(board.loc["combination", "mase"])
    assert board.loc["combination", "mase"] < board.loc["naive", "mase"]


def test_auto_beats_naive_on_a_trend_and_agrees_with_the_leaderboard(trend):
    result = run(trend, h=4, model="auto")
    out, board = result.forecast, result.leaderboard
    chosen = board.loc[board.chosen]
    assert len(chosen) == 1 and out["model"].iloc[0] == chosen["model"].iloc[0] != "naive"
    candidates = board[board["model"].isin(["naive", "drift", "ets", "theta", "ensemble"])]
    assert chosen["rank"].iloc[0] == candidates["rank"].min()  # the best of the candidates auto picks from
    assert out["mase"].iloc[0] == pytest.approx(chosen["mase"].iloc[0])
    naive = board.set_index("model").loc["naive", "mase"]
    assert chosen["mase"].iloc[0] < naive


def test_auto_uses_the_season(seasonal):
    out = forecast(seasonal, h=12, model="auto")
    board = leaderboard(seasonal, h=12).set_index("model")
    assert out["model"].iloc[0] != "naive"
    assert board.loc["seasonal_naive", "mase"] < board.loc["naive", "mase"]
    assert board.loc[out["model"].iloc[0], "mase"] < board.loc["naive", "mase"]
    # The forecast follows the seasonal pattern: its peak is in the months of the history's peak.
    assert pd.Timestamp(out.loc[out["auto"].idxmax(), "ds"]).month in (3, 4, 5)
    default = forecast(seasonal, h=12)
    assert pd.Timestamp(default.loc[default["combination"].idxmax(), "ds"]).month in (3, 4, 5)


def test_leaderboard_columns(trend):
    board = leaderboard(trend, h=3, models=["naive", "drift", "ets"])
    assert list(board.columns) == [
        "unique_id",
        "model",
        "rank",
        "mase",
        "smape",
        "mae",
        "coverage_80",
        "coverage_95",
        "backtest_points",
        "failed_windows",
        "chosen",
    ]
    # the models asked for, the default combination's members and the combination itself
    assert set(board["model"]) == {"naive", "drift", "ets", "ets_damped", "dotm", "combination"}
    assert list(board["rank"]) == list(range(1, 7)) and board["chosen"].sum() == 1
    # a lone series is backtested on ten windows one step apart, h=3: 10 + 9 + 8 outcomes
    assert (board["backtest_points"] == 27).all()


def test_ten_point_annual_series_falls_back_to_simple_models(rng):
    short = series("short", 50 + 2 * np.arange(10) + rng.normal(0, 1, 10))
    out = forecast(short, h=4, model="auto")
    assert len(out) == 4 and np.isfinite(out.filter(like="auto").to_numpy()).all()
    assert out["model"].iloc[0] in {"naive", "drift", "ensemble"}  # ETS and Theta fail the shortest windows
    assert out["backtest_points"].iloc[0] > 0
    board = leaderboard(short, h=4).set_index("model")
    assert board.loc["ets", "failed_windows"] > 0  # too short for ETS on the early windows: reported, not hidden
    default = forecast(short, h=4)
    assert set(default["model"]) == {"combination"} and np.isfinite(default["combination"]).all()


def test_a_named_model_too_rich_for_the_series_reports_what_ran(rng):
    out = forecast(series("tiny", [3.0, 4.0, 6.0, 5.0, 7.0]), h=2, model="ets")
    assert set(out["model"]) == {"naive"}  # ETS needs 8 observations: the fallback is recorded
    assert np.isfinite(out["ets"]).all()


def test_three_points_are_enough():
    out = forecast(series("three", [1.0, 2.0, 4.0]), h=2)
    assert len(out) == 2 and np.isfinite(out["combination"]).all()


def test_gap_then_a_long_recent_stretch_fits_the_recent_stretch_only(rng):
    df = series("gap", 10 + np.arange(40) + rng.normal(0, 1, 40))
    df = df.drop(index=[8]).reset_index(drop=True)  # 2008 missing: 31 gap-free years follow
    out = forecast(df, h=2, model="ets")
    assert out["fit_start"].iloc[0] == pd.Timestamp("2009-01-01")
    assert out["model"].iloc[0] == "ets"
    assert list(out["ds"].dt.year) == [2040, 2041]  # forecasts only: no filled history comes back


def test_gaps_near_the_end_are_kept_as_gaps_and_only_gap_aware_models_fit(rng):
    values = 10 + np.arange(30) + rng.normal(0, 1, 30)
    values[[24, 27]] = np.nan
    df = series("holes", values)
    out = forecast(df, h=2)
    assert out["fit_start"].iloc[0] == pd.Timestamp("2000-01-01")
    assert out["model"].iloc[0] == "naive"  # the combination's members cannot fit gaps: the fallback, recorded
    assert set(forecast(df, h=2, model="ets")["model"]) == {"naive"}
    assert set(forecast(df, h=2, model="drift")["model"]) == {"drift"}
    board = leaderboard(df, h=2)
    assert set(board["model"]) <= {"naive", "drift", "ensemble"}


def test_leading_and_trailing_missing_values_are_trimmed(rng):
    values = np.r_[np.nan, np.nan, 5 + np.arange(12.0), np.nan]
    out = forecast(series("edges", values), h=1, model="drift")
    assert out["ds"].iloc[0] == pd.Timestamp("2014-01-01")  # right after the last observation (2013)
    assert out["fit_start"].iloc[0] == pd.Timestamp("2002-01-01")
    assert out["drift"].iloc[0] == pytest.approx(17.0)


def test_constant_series():
    out = forecast(series("flat", np.full(15, 7.0)), h=3)
    values = out[["combination", "combination-lo-95", "combination-hi-95"]].to_numpy()
    np.testing.assert_allclose(values, 7.0, atol=1e-3)
    assert np.isnan(out["mase"].iloc[0]) and np.isnan(out["coverage-95"].iloc[0])  # too few outcomes to say


def test_negative_and_zero_crossing_series(rng):
    negative = series("neg", -500 + np.cumsum(rng.normal(-2, 3, 25)))
    crossing = series("cross", np.linspace(-10, 10, 25) + rng.normal(0, 1, 25))
    out = forecast(pd.concat([negative, crossing]), h=3).set_index("unique_id")
    assert (out.loc["neg", "combination"] < -450).all()
    assert (out.loc["cross", "combination"] > 5).all()
    assert (out.loc["cross", "combination-lo-95"] < out.loc["cross", "combination"]).all()  # plain, symmetric bands


def test_mixed_frequencies_in_one_frame(trend, seasonal):
    quarterly = series("quarterly", 50 + np.arange(20.0), start="2015-01-01", freq="QS")
    out = forecast(pd.concat([trend, seasonal, quarterly]), h=1)
    firsts = out.groupby("unique_id")["ds"].first()
    assert firsts["quarterly"] == pd.Timestamp("2020-01-01") and firsts["seasonal"] == pd.Timestamp("2006-01-01")


def test_under_covering_intervals_are_widened():
    # Calm for 30 years, then shocks 5× larger: the model's own intervals, fitted mostly on the calm part, miss.
    rng = np.random.default_rng(3)
    values = 100 + np.cumsum(np.r_[rng.normal(0, 1, 30), rng.normal(0, 5, 10)])
    df = series("shock", values)
    own = Naive().fit(values).predict(2)
    result = run(df, h=2, model="naive", models=["naive"], n_windows=30)
    out, board = result.forecast, result.leaderboard.set_index("model")
    assert ((out["naive-hi-80"] - out["naive-lo-80"]).to_numpy() > (own["hi-80"] - own["lo-80"]).to_numpy()).all()
    assert board.loc["naive", "backtest_points"] >= 50  # enough outcomes for a coverage to be reported
    assert board.loc["naive", "coverage_80"] < 75  # the model's own intervals under-cover in the backtest
    assert out["coverage-80"].iloc[0] >= 75  # calibrated on the other windows, checked on each


def test_reproducible_and_input_untouched(seasonal):
    before = seasonal.copy()
    first = forecast(seasonal, h=6)
    pd.testing.assert_frame_equal(first, forecast(seasonal, h=6))
    pd.testing.assert_frame_equal(seasonal, before)


def test_forecasting_imports_nothing_else_of_the_project():
    forbidden = {"data", "indicators", "maps", "ui", "pages", "app", "streamlit"}
    for path in (ROOT / "forecasting").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            assert not {n.split(".")[0] for n in names} & forbidden, f"{path.name} imports {names}"
