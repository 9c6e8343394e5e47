"""Accuracy and interval metrics in a registry, and ``evaluate`` over a cross-validation frame.

A metric is a function of :class:`MetricInput` (the backtest outcomes of one model on one series) returning a float;
``register_metric`` adds one (Prophet's ``register_performance_metric`` pattern). ``coverage_<level>`` works for any
level present in the frame.

Definitions (all averaged over every backtest point of a series):

* ``mae`` = mean |y − ŷ|; ``rmse`` = √mean (y − ŷ)²
* ``mape`` = 100·|y − ŷ| / |y| (points with y = 0 are skipped)
* ``smape`` = 200·|y − ŷ| / (|y| + |ŷ|), 0 when y = ŷ = 0
* ``mase`` = |y − ŷ| / s, with s the in-sample MAE of the seasonal naive forecast on the window's training data
  (``mase_scale`` in the cross-validation frame); undefined (NaN) when s = 0, e.g. on a constant history
* ``coverage_<l>`` = percentage of outcomes inside the ``l``% interval (ideal: ``l``)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.errors import ForecastInputError
from forecasting.validation import level_key

SCALE_COLUMN = "mase_scale"
RESERVED_COLUMNS = frozenset({"unique_id", "ds", "cutoff", "y", SCALE_COLUMN})
DEFAULT_METRICS = ("mase", "smape", "coverage_80", "coverage_95")
_INTERVAL = re.compile(r"-(lo|hi)-\d+(\.\d+)?$")
_COVERAGE = re.compile(r"^coverage_(\d+(\.\d+)?)$")


@dataclass(frozen=True)
class MetricInput:
    """Backtest outcomes of one model on one series, flattened over windows and steps."""

    y: np.ndarray
    mean: np.ndarray
    lower: dict[str, np.ndarray] = field(default_factory=dict)
    upper: dict[str, np.ndarray] = field(default_factory=dict)
    scale: np.ndarray | None = None

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        key = level_key(level)
        if key not in self.lower or key not in self.upper:
            raise ForecastInputError(f"no {key}% interval in the backtest; got levels {sorted(self.lower)}")
        return self.lower[key], self.upper[key]


Metric = Callable[[MetricInput], float]
METRICS: dict[str, Metric] = {}


def register_metric(name: str, func: Metric | None = None, *, replace: bool = False) -> Callable:
    """Register ``func`` under ``name``; usable as ``register_metric("mae", f)`` or as a decorator.

    Raises:
        ForecastInputError: the name is taken and ``replace`` is false.
    """

    def add(f: Metric) -> Metric:
        if name in METRICS and not replace:
            raise ForecastInputError(f"metric {name!r} is already registered; pass replace=True to override it")
        METRICS[name] = f
        return f

    return add(func) if func is not None else add


def get_metric(name: str) -> Metric:
    """The registered metric, or a coverage metric built for ``coverage_<level>``."""
    if name in METRICS:
        return METRICS[name]
    match = _COVERAGE.match(name) if isinstance(name, str) else None
    if match:
        return coverage_metric(float(match.group(1)))
    raise ForecastInputError(f"unknown metric {name!r}; expected one of {sorted(METRICS)} or coverage_<level>")


def _mean(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(finite.mean()) if len(finite) else float("nan")


@register_metric("mae")
def mae(d: MetricInput) -> float:
    return _mean(np.abs(d.y - d.mean))


@register_metric("rmse")
def rmse(d: MetricInput) -> float:
    return float(np.sqrt(_mean((d.y - d.mean) ** 2)))


@register_metric("mape")
def mape(d: MetricInput) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return _mean(np.where(d.y != 0, 100 * np.abs(d.y - d.mean) / np.abs(d.y), np.nan))


@register_metric("smape")
def smape(d: MetricInput) -> float:
    denominator = np.abs(d.y) + np.abs(d.mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _mean(np.where(denominator > 0, 200 * np.abs(d.y - d.mean) / denominator, 0.0))


@register_metric("mase")
def mase(d: MetricInput) -> float:
    if d.scale is None:
        raise ForecastInputError(
            f"mase needs the in-sample naive error of each window (column {SCALE_COLUMN!r}, written by "
            "forecasting.cross_validation); the frame has none"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        return _mean(np.where(d.scale > 0, np.abs(d.y - d.mean) / d.scale, np.nan))


def coverage_metric(level: float) -> Metric:
    """Percentage of outcomes inside the ``level``% interval."""

    def coverage(d: MetricInput) -> float:
        lo, hi = d.interval(level)
        return float(100 * np.mean((d.y >= lo) & (d.y <= hi))) if len(d.y) else float("nan")

    coverage.__name__ = f"coverage_{level_key(level)}"
    return coverage


for _level in (50, 80, 90, 95, 99):
    register_metric(f"coverage_{_level}", coverage_metric(_level))


def model_columns(frame: pd.DataFrame) -> list[str]:
    """Forecast columns of a cross-validation or forecast frame: neither reserved nor interval bounds."""
    return [c for c in frame.columns if c not in RESERVED_COLUMNS and not _INTERVAL.search(str(c))]


def metric_input(frame: pd.DataFrame, model: str) -> MetricInput:
    """Outcomes of ``model`` in ``frame`` (rows without an outcome or without a forecast are left out)."""
    rows = frame[frame["y"].notna() & frame[model].notna()]
    lower, upper = {}, {}
    for column in rows.columns:
        match = re.fullmatch(re.escape(str(model)) + r"-(lo|hi)-(\d+(?:\.\d+)?)", str(column))
        if match:
            (lower if match.group(1) == "lo" else upper)[match.group(2)] = rows[column].to_numpy(dtype="float64")
    scale = rows[SCALE_COLUMN].to_numpy(dtype="float64") if SCALE_COLUMN in rows else None
    return MetricInput(rows["y"].to_numpy(dtype="float64"), rows[model].to_numpy(dtype="float64"), lower, upper, scale)


def evaluate(cv_frame: pd.DataFrame, metrics: Iterable[str] = DEFAULT_METRICS) -> pd.DataFrame:
    """Score every model of a cross-validation frame, per series.

    Args:
        cv_frame: output of :func:`forecasting.cross_validation` (``unique_id, cutoff, ds, y, mase_scale, <model>…``).
        metrics: names in the registry, or ``coverage_<level>``.

    Returns:
        One row per series and model: ``unique_id, model, <metric>…``.

    Raises:
        ForecastInputError: a frame without ``unique_id``/``y`` or model columns, or an unknown metric.
    """
    if not isinstance(cv_frame, pd.DataFrame) or not {"unique_id", "y"} <= set(cv_frame.columns):
        raise ForecastInputError(
            "evaluate expects a cross-validation frame with columns unique_id, y and model columns"
        )
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    functions = {name: get_metric(name) for name in names}
    models = model_columns(cv_frame)
    if not models:
        raise ForecastInputError(f"no model columns in the frame; got {list(cv_frame.columns)}")
    rows = []
    for uid, group in cv_frame.groupby("unique_id", sort=False):
        for model in models:
            data = metric_input(group, model)
            if len(data.y) == 0:
                continue  # the model was not backtested on this series
            rows.append({"unique_id": uid, "model": model, **{n: f(data) for n, f in functions.items()}})
    return pd.DataFrame(rows, columns=["unique_id", "model", *names])
