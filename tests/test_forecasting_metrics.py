"""Metrics on cases small enough to check by hand, the registry, and ``evaluate`` over a cross-validation frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import METRICS, ForecastInputError, MetricInput, evaluate, register_metric
from forecasting.metrics import get_metric


@pytest.fixture
def outcomes() -> MetricInput:
    """Three outcomes, their forecasts, one interval level and a MASE scale of 2."""
    return MetricInput(
        y=np.array([1.0, 2.0, 3.0]),
        mean=np.array([2.0, 2.0, 2.0]),
        lower={"80": np.array([1.5, 1.0, 1.0])},
        upper={"80": np.array([2.5, 3.0, 2.5])},
        scale=np.array([2.0, 2.0, 2.0]),
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mae", 2 / 3),
        ("rmse", np.sqrt(2 / 3)),
        ("mape", (100 + 0 + 100 / 3) / 3),
        ("smape", (200 * 1 / 3 + 0 + 200 * 1 / 5) / 3),
        ("mase", (0.5 + 0 + 0.5) / 3),
        ("coverage_80", 100 / 3),  # only y=2 is inside: 1 < 1.5 and 3 > 2.5
    ],
)
def test_metric_by_hand(outcomes, name, expected):
    assert get_metric(name)(outcomes) == pytest.approx(expected)


def test_smape_is_zero_when_outcome_and_forecast_are_zero():
    data = MetricInput(y=np.array([0.0, 4.0]), mean=np.array([0.0, 0.0]))
    assert get_metric("smape")(data) == pytest.approx(100.0)  # (0 + 200) / 2


def test_mape_skips_zero_outcomes():
    data = MetricInput(y=np.array([0.0, 4.0]), mean=np.array([1.0, 3.0]))
    assert get_metric("mape")(data) == pytest.approx(25.0)


def test_mase_is_undefined_with_a_zero_scale():
    data = MetricInput(y=np.array([1.0]), mean=np.array([1.0]), scale=np.array([0.0]))
    assert np.isnan(get_metric("mase")(data))


def test_mase_needs_a_scale():
    with pytest.raises(ForecastInputError, match="mase_scale"):
        get_metric("mase")(MetricInput(y=np.array([1.0]), mean=np.array([1.0])))


def test_coverage_for_any_level_and_a_missing_level(outcomes):
    assert get_metric("coverage_80")(outcomes) == pytest.approx(100 / 3)
    with pytest.raises(ForecastInputError, match="no 97.5% interval"):
        get_metric("coverage_97.5")(outcomes)


def test_register_metric_and_refuse_duplicates(outcomes):
    @register_metric("max_error_test")
    def max_error(d: MetricInput) -> float:
        return float(np.max(np.abs(d.y - d.mean)))

    try:
        assert get_metric("max_error_test")(outcomes) == 1.0
        with pytest.raises(ForecastInputError, match="already registered"):
            register_metric("max_error_test", max_error)
        register_metric("max_error_test", lambda d: 0.0, replace=True)
        assert get_metric("max_error_test")(outcomes) == 0.0
    finally:
        METRICS.pop("max_error_test", None)


def test_unknown_metric():
    with pytest.raises(ForecastInputError, match="unknown metric 'accuracy'"):
        get_metric("accuracy")


@pytest.fixture
def cv_frame() -> pd.DataFrame:
    """Two series, two models, hand-made: ``a`` is forecast perfectly by ``good``, ``b`` misses by 1."""
    return pd.DataFrame(
        {
            "unique_id": ["a", "a", "b", "b"],
            "cutoff": pd.to_datetime(["2000-01-01"] * 4),
            "ds": pd.to_datetime(["2001-01-01", "2002-01-01"] * 2),
            "y": [10.0, 12.0, 5.0, np.nan],  # the last outcome is missing and must be ignored
            "mase_scale": [2.0, 2.0, 1.0, 1.0],
            "good": [10.0, 12.0, 6.0, 7.0],
            "good-lo-80": [9.0, 11.0, 5.5, 6.0],
            "good-hi-80": [11.0, 13.0, 6.5, 8.0],
            "bad": [8.0, 8.0, 5.0, np.nan],
            "bad-lo-80": [7.0, 7.0, 4.0, np.nan],
            "bad-hi-80": [9.0, 9.0, 6.0, np.nan],
        }
    )


def test_evaluate(cv_frame):
    scores = evaluate(cv_frame, metrics=("mae", "mase", "coverage_80"))
    assert list(scores.columns) == ["unique_id", "model", "mae", "mase", "coverage_80"]
    table = scores.set_index(["unique_id", "model"])
    assert table.loc[("a", "good")].tolist() == [0.0, 0.0, 100.0]
    assert table.loc[("a", "bad")].tolist() == pytest.approx([3.0, 1.5, 0.0])
    assert table.loc[("b", "good")].tolist() == pytest.approx([1.0, 1.0, 0.0])
    assert table.loc[("b", "bad")].tolist() == pytest.approx([0.0, 0.0, 100.0])


def test_evaluate_default_metrics_need_95_intervals(cv_frame):
    with pytest.raises(ForecastInputError, match="no 95% interval"):
        evaluate(cv_frame)


def test_evaluate_skips_models_absent_for_a_series(cv_frame):
    frame = cv_frame.assign(bad=lambda d: np.where(d.unique_id == "b", np.nan, d.bad))
    scores = evaluate(frame, metrics=("mae",))
    assert set(map(tuple, scores[["unique_id", "model"]].to_numpy())) == {("a", "good"), ("a", "bad"), ("b", "good")}


@pytest.mark.parametrize("bad", [None, pd.DataFrame({"x": [1]}), pd.DataFrame({"unique_id": ["a"], "y": [1.0]})])
def test_evaluate_rejects_frames_without_models(bad):
    with pytest.raises(ForecastInputError):
        evaluate(bad)
