"""The baseline: one series' history and its forecast, and draws from the forecast's predictive distribution.

Input is the forecasting engine's per-series output (``ds, mean, lo-<l>, hi-<l>…`` for the run's interval levels,
e.g. ``lo-80, hi-80, lo-95, hi-95``, or the engine's ``<model>, <model>-lo-80…`` column names) plus the history
``ds, y``. The baseline keeps the levels of the run that produced it (:attr:`Baseline.levels`).

Draws: the engine's intervals are calibrated, so the draws reproduce them exactly. Each horizon's quantile function
is the piecewise-linear interpolation, on the normal-score scale, through the known quantiles (for levels 80 and 95:
2.5%, 10%, 50%, 90%, 97.5% = lo-95, lo-80, mean, hi-80, hi-95), extended beyond the widest interval with the outer
segments' slopes. For normal
intervals this is the normal distribution; for skewed ones (log models) it keeps the skew. The point forecast is
taken as the median. Across horizons the normal scores follow a random walk whose variance grows like the interval
width squared (corr(h, k) = sd_h / sd_k for h < k), the dependence of an integrated forecast; each horizon's marginal
is exact whatever the dependence, and only paths (cumulative sums, growth in a period) depend on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from forecasting.errors import ForecastInputError
from forecasting.frequency import data_code, infer_freq
from forecasting.scenarios.errors import BaselineError
from forecasting.scenarios.periods import check_freq, to_periods
from forecasting.validation import level_key

_BOUND = re.compile(r"^(lo|hi)-(\d+(?:\.\d+)?)$")


def forecast_columns(levels: Iterable[float]) -> list[str]:
    """``ds, mean, lo-<l>, hi-<l>…`` for the levels in ascending order (the engine's order)."""
    return ["ds", "mean"] + [f"{side}-{level_key(lv)}" for lv in sorted(levels) for side in ("lo", "hi")]


def knot_columns(levels: tuple[float, ...]) -> list[str]:
    """The quantiles known at every step, lowest first: ``lo`` of the widest level … ``mean`` … ``hi`` of it."""
    return [f"lo-{level_key(lv)}" for lv in reversed(levels)] + ["mean"] + [f"hi-{level_key(lv)}" for lv in levels]


def knot_scores(levels: tuple[float, ...]) -> np.ndarray:
    """Normal scores of :func:`knot_columns`: ``-z(widest) … 0 … z(widest)``."""
    # The standard library's inverse normal: scipy.special costs ~0.4 s to import on every page, for six numbers.
    z = [NormalDist().inv_cdf(0.5 + lv / 200) for lv in levels]
    return np.array([-v for v in reversed(z)] + [0.0] + z)


def levels_of(columns: Iterable[str]) -> tuple[float, ...]:
    """Interval levels of a frame with ``lo-<l>``/``hi-<l>`` columns, ascending (each side may lack some)."""
    found = {float(m.group(2)) for m in map(_BOUND.match, map(str, columns)) if m}
    return tuple(sorted(int(v) if v.is_integer() else v for v in found))


@dataclass(frozen=True, eq=False)
class Baseline:
    """History and forecast of one series, with the model that produced the forecast.

    Attributes:
        history: ``ds, y`` sorted by date; ``y`` may be NaN (a gap stays a gap).
        forecast: ``ds, mean, lo-<l>, hi-<l>…`` (levels ascending, at least one), consecutive periods after the
            history.
        model: the model name (as the scenario records it).
        freq: ``"A"``, ``"Q"`` or ``"M"``.
    """

    history: pd.DataFrame
    forecast: pd.DataFrame
    model: str
    freq: str

    def __post_init__(self) -> None:
        check_freq(self.freq)
        if not isinstance(self.model, str) or not self.model:
            raise BaselineError(f"model: expected a non-empty model name; got {self.model!r}")
        _check_history(self.history, self.freq)
        _check_forecast(self.forecast, self.freq)
        if self.periods[0] <= to_periods(self.history["ds"], self.freq)[-1]:
            raise BaselineError(
                f"the forecast starts in {self.periods[0]}, not after the last historical period "
                f"{to_periods(self.history['ds'], self.freq)[-1]}"
            )

    @classmethod
    def from_forecast(
        cls,
        history: pd.DataFrame,
        forecast: pd.DataFrame,
        *,
        model: str | None = None,
        freq: str | None = None,
        unique_id: object = None,
    ) -> Baseline:
        """Build a baseline from a history frame and the forecasting engine's output for one series.

        Args:
            history: ``ds, y`` (other columns ignored; ``unique_id`` filtered when given).
            forecast: ``ds, mean, lo-<l>, hi-<l>…`` or the engine's ``<name>, <name>-lo-<l>, …``: the baseline
                keeps the forecast's levels.
            model: model name; default the forecast's ``model`` column (the model the engine used), else ``<name>``.
            freq: ``"A"``, ``"Q"``, ``"M"``; inferred from the dates when ``None``.
            unique_id: keep only these rows of both frames (for the engine's many-series output).

        Raises:
            BaselineError: missing columns, several series without ``unique_id``, bad dates or intervals.
        """
        history, forecast = _one_series(history, unique_id, "history"), _one_series(forecast, unique_id, "forecast")
        forecast, name = _rename_engine_columns(forecast)
        if model is None:
            model = str(forecast["model"].iloc[0]) if "model" in forecast.columns and len(forecast) else name
        if model is None:
            raise BaselineError("the forecast frame does not say its model; pass model='…'")
        missing = [c for c in ("ds", "y") if c not in history.columns]
        if missing:
            raise BaselineError(f"history lacks column(s) {missing}; expected ds, y; got {list(history.columns)}")
        columns = forecast_columns(levels_of(forecast.columns) or (80, 95))
        missing = [c for c in columns if c not in forecast.columns]
        if missing:
            raise BaselineError(
                f"forecast lacks column(s) {missing}; expected columns {columns}; got {list(forecast.columns)}"
            )
        history = history[["ds", "y"]].assign(ds=lambda f: pd.to_datetime(f["ds"]), y=lambda f: f["y"].astype(float))
        forecast = forecast[columns].assign(ds=lambda f: pd.to_datetime(f["ds"]))
        history = history.sort_values("ds", kind="stable").reset_index(drop=True)
        forecast = (
            forecast.sort_values("ds", kind="stable").reset_index(drop=True).astype(dict.fromkeys(columns[1:], float))
        )
        if freq is None:
            freq = _infer_code(pd.concat([history["ds"], forecast["ds"]]))
        return cls(history=history, forecast=forecast, model=model, freq=freq)

    @property
    def levels(self) -> tuple[float, ...]:
        """The interval levels of the run the forecast came from, ascending."""
        return levels_of(self.forecast.columns)

    @property
    def knot_columns(self) -> list[str]:
        """The forecast's known quantiles, lowest first (see :func:`knot_columns`)."""
        return knot_columns(self.levels)

    @property
    def periods(self) -> pd.PeriodIndex:
        """Forecast periods."""
        return to_periods(self.forecast["ds"], self.freq)

    @property
    def anchor(self) -> tuple[float, int]:
        """Last observed historical value and the number of periods from it to the first forecast period (>= 1)."""
        observed = self.history.dropna(subset=["y"])
        last = to_periods(observed["ds"], self.freq)[-1]
        return float(observed["y"].iloc[-1]), int((self.periods[0] - last).n)

    def sample(self, horizon: int, n_draws: int, seed: int) -> np.ndarray:
        """Draws ``(n_draws, horizon)`` from the predictive distribution (see the module docstring).

        The same ``seed`` gives the same draws for every horizon's column whatever ``horizon`` is, which keeps
        scenarios paired (common random numbers).
        """
        knots, z = self.forecast[self.knot_columns].to_numpy()[:horizon], knot_scores(self.levels)
        scores = random_walk_scores((knots[:, -1] - knots[:, 0]) / (2 * z[-1]), n_draws, np.random.default_rng(seed))
        return np.column_stack([quantile_map(scores[:, i], knots[i], z) for i in range(horizon)])


def random_walk_scores(sd: np.ndarray, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Standard normal scores per horizon with random-walk dependence scaled by the interval widths."""
    # Generated horizon by horizon so that the first h columns do not depend on the total horizon.
    shocks = rng.standard_normal((len(sd), n_draws)).T
    variance = np.maximum.accumulate(sd**2)
    increments = np.sqrt(np.diff(variance, prepend=0.0))
    total = np.sqrt(variance)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.cumsum(shocks * increments, axis=1) / total
    # A zero-width interval leaves nothing to scale: any score maps to the point forecast.
    return np.where(total > 0, scores, shocks)


def quantile_map(scores: np.ndarray, knots: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Values at normal scores through the quantile knots (at normal scores ``z``), linear beyond the outer knots."""
    values = np.interp(scores, z, knots)
    low_slope = (knots[1] - knots[0]) / (z[1] - z[0])
    high_slope = (knots[-1] - knots[-2]) / (z[-1] - z[-2])
    values = np.where(scores < z[0], knots[0] + (scores - z[0]) * low_slope, values)
    return np.where(scores > z[-1], knots[-1] + (scores - z[-1]) * high_slope, values)


def _infer_code(dates: pd.Series) -> str:
    """``"A"``, ``"Q"`` or ``"M"`` from the dates of history and forecast (gaps allowed), by the library's inference."""
    unique = pd.DatetimeIndex(dates).unique().sort_values()
    try:
        alias = infer_freq(unique)
    except ForecastInputError as error:
        raise BaselineError(f"{error}; or pass freq='A', 'Q' or 'M'") from None
    code = data_code(alias)
    if code is None:
        raise BaselineError(
            f"cannot infer an annual, quarterly or monthly frequency from the dates (they look like {alias!r}); "
            "pass freq='A', 'Q' or 'M'"
        )
    return code


def _one_series(frame: object, unique_id: object, name: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise BaselineError(f"{name}: expected a pandas DataFrame; got {type(frame).__name__}")
    if unique_id is not None:
        if "unique_id" not in frame.columns:
            raise BaselineError(f"{name}: unique_id={unique_id!r} given but the frame has no unique_id column")
        frame = frame[frame["unique_id"] == unique_id]
    elif "unique_id" in frame.columns and frame["unique_id"].nunique() > 1:
        raise BaselineError(f"{name}: the frame holds {frame['unique_id'].nunique()} series; pass unique_id=…")
    if frame.empty:
        raise BaselineError(f"{name}: no rows" + (f" for unique_id={unique_id!r}" if unique_id is not None else ""))
    return frame


def _rename_engine_columns(forecast: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """``<name>, <name>-lo-80…`` → ``mean, lo-80…``; returns the frame and ``<name>`` (None if already renamed)."""
    if "mean" in forecast.columns:
        return forecast, None
    columns = [str(c) for c in forecast.columns]
    names = [c for c in columns if any(o.startswith(f"{c}-") and _BOUND.match(o[len(c) + 1 :]) for o in columns)]
    if len(names) != 1:
        raise BaselineError(
            f"forecast: expected columns {forecast_columns((80, 95))} (or other levels) or the engine's '<model>', "
            f"'<model>-lo-80', …; got {columns}"
        )
    name = names[0]
    bounds = {c: c.removeprefix(f"{name}-") for c in columns if c.startswith(f"{name}-")}
    renamed = {name: "mean"} | {c: key for c, key in bounds.items() if _BOUND.match(key)}
    return forecast.rename(columns=renamed), name


def _check_history(history: pd.DataFrame, freq: str) -> None:
    if not isinstance(history, pd.DataFrame) or list(history.columns) != ["ds", "y"]:
        raise BaselineError("history: expected a frame with columns ds, y (use Baseline.from_forecast)")
    if history["y"].notna().sum() == 0:
        raise BaselineError("history: no observed value; expected at least one number")
    if not np.isfinite(history["y"].dropna().to_numpy()).all():
        raise BaselineError("history: y holds infinite values; expected finite numbers or NaN for gaps")
    _check_dates(history["ds"], freq, "history", consecutive=False)


def _check_forecast(forecast: pd.DataFrame, freq: str) -> None:
    levels = levels_of(forecast.columns) if isinstance(forecast, pd.DataFrame) else ()
    if not levels or list(forecast.columns) != forecast_columns(levels):
        raise BaselineError(
            f"forecast: expected columns {forecast_columns(levels or (80, 95))} (use Baseline.from_forecast)"
        )
    knots = knot_columns(levels)
    values = forecast[knots].to_numpy()
    if not np.isfinite(values).all():
        raise BaselineError("forecast: mean and interval bounds must be finite numbers; got NaN or infinity")
    if (np.diff(values, axis=1) < 0).any():
        step = int(np.argmax((np.diff(values, axis=1) < 0).any(axis=1))) + 1
        raise BaselineError(
            f"forecast: expected {' <= '.join(knots)} at every step; step {step} has "
            f"{dict(zip(knots, values[step - 1].round(6).tolist(), strict=True))}"
        )
    _check_dates(forecast["ds"], freq, "forecast", consecutive=True)


def _check_dates(ds: pd.Series, freq: str, name: str, consecutive: bool) -> None:
    if len(ds) == 0 or ds.isna().any():
        raise BaselineError(f"{name}: expected at least one row and a date in every row")
    periods = to_periods(ds, freq)
    steps = np.asarray([(b - a).n for a, b in zip(periods[:-1], periods[1:], strict=True)])
    if (steps <= 0).any():
        raise BaselineError(f"{name}: dates must be increasing, one row per period; got {list(map(str, periods))}")
    if consecutive and (steps != 1).any():
        raise BaselineError(f"{name}: expected consecutive periods; got {list(map(str, periods))}")
