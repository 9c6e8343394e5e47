"""Rolling-origin cross-validation: window placement, no leakage, scales and failures."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from forecasting import ForecastInputError, Naive, UnknownModelError, cross_validation, evaluate
from forecasting.backtest import auto_plan, rolling_plan


def annual(n: int, uid: str = "s", seed: int = 0) -> pd.DataFrame:
    """Annual random walk with drift starting in 2000."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "unique_id": uid,
            "ds": pd.date_range("2000-01-01", periods=n, freq="YS"),
            "y": 100 + np.cumsum(rng.normal(1, 2, n)),
        }
    )


class Spy(Naive):
    """Naive forecaster that records the training data of every fit."""

    name = "spy"
    seen: ClassVar[list[np.ndarray]] = []

    def _fit(self, y, index):
        Spy.seen.append(y.copy())
        super()._fit(y, index)


def test_windows_end_at_the_series_end_and_step_by_h():
    cv = cross_validation(annual(20), h=3, n_windows=3, models=["naive"])
    cutoffs = sorted(cv["cutoff"].unique())
    assert [c.year for c in cutoffs] == [2010, 2013, 2016]  # 11, 14 and 17 training points
    for cutoff, window in cv.groupby("cutoff"):
        assert [d.year for d in window["ds"]] == [cutoff.year + 1, cutoff.year + 2, cutoff.year + 3]
    assert list(cv.columns[:5]) == ["unique_id", "cutoff", "ds", "y", "mase_scale"]
    assert {"naive", "naive-lo-80", "naive-hi-80", "naive-lo-95", "naive-hi-95"} <= set(cv.columns)


def test_step_size_one_overlaps_windows():
    cv = cross_validation(annual(20), h=3, n_windows=3, step_size=1, models=["naive"])
    assert [c.year for c in sorted(cv["cutoff"].unique())] == [2014, 2015, 2016]
    assert len(cv) == 9


def test_no_window_sees_its_own_test_points():
    df = annual(15)
    Spy.seen.clear()
    cv = cross_validation(df, h=2, n_windows=3, models=[Spy()])
    assert [len(y) for y in Spy.seen] == [9, 11, 13]
    for train, (cutoff, window) in zip(Spy.seen, cv.groupby("cutoff"), strict=True):
        np.testing.assert_array_equal(train, df.loc[df.ds <= cutoff, "y"].to_numpy())
        assert window["ds"].min() > cutoff


def test_changing_future_values_does_not_change_a_window():
    df = annual(20)
    changed = df.copy()
    changed.loc[17:, "y"] += 1000  # only the outcomes of the last window (cutoff at position 17)
    models = ["naive", "drift", "ets", "theta"]
    before = cross_validation(df, h=3, n_windows=2, models=models)
    after = cross_validation(changed, h=3, n_windows=2, models=models)
    pd.testing.assert_frame_equal(before.drop(columns="y"), after.drop(columns="y"))


def test_mase_scale_is_the_in_sample_naive_error_of_each_window():
    df = annual(12)
    cv = cross_validation(df, h=2, n_windows=2, models=["naive"])
    for cutoff, window in cv.groupby("cutoff"):
        train = df.loc[df.ds <= cutoff, "y"].to_numpy()
        assert window["mase_scale"].iloc[0] == pytest.approx(np.mean(np.abs(np.diff(train))))


def test_seasonal_scale_and_default_models_on_monthly_data():
    t = np.arange(48)
    df = pd.DataFrame(
        {"unique_id": "m", "ds": pd.date_range("2015-01-01", periods=48, freq="MS"), "y": 10 + (t % 12) + 0.1 * t}
    )
    cv = cross_validation(df, h=6, n_windows=2)
    assert {"naive", "seasonal_naive", "drift", "ets", "theta"} <= set(cv.columns)
    first = df.y.to_numpy()[: 48 - 12]
    expected = np.mean(np.abs(first[12:] - first[:-12]))
    assert cv.loc[cv.cutoff == cv.cutoff.min(), "mase_scale"].iloc[0] == pytest.approx(expected)


def test_short_series_keep_only_windows_with_training_data():
    cv = cross_validation(annual(5), h=3, n_windows=3, models=["naive"])
    assert cv["cutoff"].nunique() == 1 and len(cv) == 3


def test_a_model_that_cannot_fit_a_window_leaves_it_empty():
    cv = cross_validation(annual(14), h=2, n_windows=3, models=["naive", "ets"])  # ETS needs 8 points
    first = cv["cutoff"] == cv["cutoff"].min()  # 8 training points: ETS fits
    assert cv.loc[first, "ets"].notna().all()
    assert cv.attrs["failed_windows"] == {"naive": 0, "ets": 0}
    cv = cross_validation(annual(10), h=2, n_windows=3, models=["naive", "ets"])  # 4, 6, 8 training points
    assert cv["ets"].isna().sum() == 4 and cv.attrs["failed_windows"]["ets"] == 2
    scores = evaluate(cv, metrics=("mae",)).set_index("model")
    assert np.isfinite(scores.loc["ets", "mae"])


def test_bad_arguments():
    with pytest.raises(UnknownModelError, match="unknown model 'lstm'"):
        cross_validation(annual(10), h=2, n_windows=2, models=["lstm"])
    with pytest.raises(ForecastInputError, match="at least one model"):
        cross_validation(annual(10), h=2, n_windows=2, models=[])
    with pytest.raises(ForecastInputError, match="n_windows must be an integer of at least 1"):
        cross_validation(annual(10), h=2, n_windows=0)
    with pytest.raises(ForecastInputError, match="step_size"):
        cross_validation(annual(10), h=2, n_windows=2, step_size=0)
    with pytest.raises(ForecastInputError, match="no series is long enough"):
        cross_validation(annual(3), h=5, n_windows=2)


@pytest.mark.parametrize(
    ("n", "h", "windows", "expected"),
    [
        (36, 4, 3, (4, (24, 28, 32))),  # the preferred plan: full horizon, h apart, 8+ training points
        (18, 4, 3, (4, (10, 12, 14))),  # closer windows (h // 2 apart)
        (14, 4, 3, (4, (8, 9, 10))),  # one period apart
        (10, 4, 3, (4, (4, 5, 6))),  # too short for ETS: simple models only
        (5, 4, 3, (2, (3,))),  # shorter horizon, one window
        (2, 4, 3, (0, ())),  # nothing to backtest
    ],
)
def test_auto_plan(n, h, windows, expected):
    plan = auto_plan(n, h, windows, rich_min=8)
    assert (plan.horizon, plan.cutoffs) == expected


def test_rolling_plan_drops_windows_without_training():
    assert rolling_plan(10, 3, 4).cutoffs == (4, 7)
    assert rolling_plan(10, 3, 4, step_size=2, min_train=5).cutoffs == (5, 7)
