"""Backtest accuracy in one sentence a leader reads: "过去 5 次回测，预测值与实际值平均相差 2.1%".

A level series (GDP, retail sales) is read as the mean absolute percentage error. A percent-change series (CPI year on
year, a growth rate) is read as the mean absolute error in percentage points: its values sit near zero, so a
percentage of them (sMAPE, MAPE) explodes — national CPI year on year scores a meaningless "sMAPE 156%" while the
forecasts are off by about one point. ``percent_change=None`` decides from the values: a series that reaches zero or
below is read in its own units (points for a rate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from common.text import Message
from forecasting.errors import ForecastInputError


@dataclass(frozen=True)
class AccuracyReading:
    """Mean absolute backtest error of one series, as a percentage of the outcome or in the series' own points."""

    kind: str  # "percent" (of the outcome) or "points" (percentage points for a rate; the series' units otherwise)
    value: float
    backtests: int  # backtest windows behind the figure
    points: int  # outcomes behind the figure

    @property
    def message(self) -> Message:
        """The reading as a fact to put into words (``accuracy.*``); says so when nothing was measured."""
        if not self.points or not np.isfinite(self.value):
            return Message("accuracy.none")
        key = f"accuracy.{self.kind}" + ("_one" if self.backtests == 1 else "")
        return Message(key, n=self.backtests, value=f"{self.value:.1f}")

    def sentence(self, lang: str = "zh") -> str:
        """The reading in Chinese (``"zh"``) or English (``"en"``)."""
        return self.message.render(lang)


def accuracy_reading(outcomes: object, means: object, *, percent_change: bool | None = None) -> AccuracyReading:
    """Read backtest outcomes and forecasts, arrays ``(windows, h)`` (NaN where a window has no outcome).

    Args:
        percent_change: the series is a rate in percent (score in points); ``None`` = when an outcome is ≤ 0.

    Raises:
        ForecastInputError: the arrays differ in shape.
    """
    y = np.atleast_2d(np.asarray(outcomes, dtype="float64"))
    f = np.atleast_2d(np.asarray(means, dtype="float64"))
    if y.shape != f.shape:
        raise ForecastInputError(f"outcomes and forecasts must have one shape; got {y.shape} and {f.shape}")
    valid = np.isfinite(y) & np.isfinite(f)
    windows = int(np.count_nonzero(valid.any(axis=1)))
    points = int(np.count_nonzero(valid))
    if percent_change is None:
        percent_change = bool((y[valid] <= 0).any())
    if not points:
        return AccuracyReading("points" if percent_change else "percent", float("nan"), 0, 0)
    error = np.abs(y[valid] - f[valid])
    if percent_change:
        return AccuracyReading("points", float(np.mean(error)), windows, points)
    return AccuracyReading("percent", float(100 * np.mean(error / np.abs(y[valid]))), windows, points)
