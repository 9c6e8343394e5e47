"""The one-line accuracy reading: percent for a level series, percentage points for a rate, never sMAPE on a rate."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.errors import ForecastInputError
from forecasting.metrics import MetricInput, smape
from forecasting.reading import accuracy_reading


def test_level_series_reads_as_a_percentage():
    outcomes = np.array([[100.0, 110.0], [120.0, np.nan]])
    means = np.array([[98.0, 115.5], [120.0, 130.0]])
    reading = accuracy_reading(outcomes, means)
    assert reading.kind == "percent" and reading.backtests == 2 and reading.points == 3
    assert reading.value == pytest.approx(100 * (0.02 + 0.05 + 0.0) / 3)
    assert reading.sentence("zh") == "过去 2 次回测，预测值与实际值平均相差 2.3%"
    english = "Over the last 2 backtests, forecasts differed from the outcomes by 2.3% on average"
    assert reading.sentence("en") == english


def test_rate_series_reads_in_percentage_points_where_smape_explodes():
    """CPI year on year near zero: forecasts about 0.5 points off, while sMAPE says more than 100%."""
    outcomes = np.array([[0.2, -0.3, 0.1, 0.4, -0.1]])
    means = np.array([[-0.3, 0.2, 0.6, -0.1, 0.4]])
    reading = accuracy_reading(outcomes, means)
    assert reading.kind == "points" and reading.value == pytest.approx(0.5)
    assert smape(MetricInput(outcomes.ravel(), means.ravel())) > 100
    assert reading.sentence("zh") == "过去 1 次回测，预测值与实际值平均相差 0.5 个百分点"
    assert "0.5 percentage points" in reading.sentence("en") and "last backtest," in reading.sentence("en")


def test_explicit_kind_and_nothing_measured():
    assert accuracy_reading([[2.0, 3.0]], [[2.5, 3.0]], percent_change=True).value == pytest.approx(0.25)
    empty = accuracy_reading([[np.nan]], [[1.0]])
    assert empty.points == 0 and "尚无回测" in empty.sentence("zh") and "not measured" in empty.sentence("en")
    with pytest.raises(ForecastInputError, match="one shape"):
        accuracy_reading([[1.0, 2.0]], [[1.0]])
