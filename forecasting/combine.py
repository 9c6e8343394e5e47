"""A fixed forecast combination: the median (or mean, or trimmed mean) of several models, point by point.

Unlike :class:`forecasting.ensemble.Ensemble` it takes model *instances*, not registry names, so it depends on no
registry, and it offers the median and the trimmed mean, the robust combiners: one member that goes astray on a
series (a drift extrapolating a one-off jump, an ETS picking a multiplicative trend) moves a mean but barely a median.
Members that cannot be fitted to a series are left out (``used_`` records the others); with none left ``fit`` raises.
So is a member whose forecast goes to zero or below on a series positive throughout (a GDP, a count of visitors): CES
or a trend model extrapolating a fall can do that, and a mean passes it on to a forecast nobody would make. When every
member does, they are combined as they are. ``describe`` names the members the last forecast combined.

The intervals are the members' bounds combined the same way ("Vincentization"). They are *raw*: the recommended use
wraps the combination in :class:`forecasting.conformal.Conformal` or calibrates it with pooled per-step errors, since
averaging quantiles of overconfident models stays overconfident.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.base import Arrays, Forecaster
from forecasting.errors import ForecastInputError, MissingDependencyError, ModelFitError
from forecasting.single_models import make_single_model


def _trimmed(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """Mean without the lowest and the highest value (plain mean with fewer than four values)."""
    if values.shape[axis] < 4:
        return np.mean(values, axis=axis)
    ordered = np.sort(values, axis=axis)
    return np.mean(np.take(ordered, range(1, values.shape[axis] - 1), axis=axis), axis=axis)


COMBINERS = {"mean": np.mean, "median": np.median, "trimmed": _trimmed}


def left_out(means: np.ndarray, positive: bool | np.ndarray) -> np.ndarray:
    """Which members the guard leaves out: those forecasting zero or below on a series positive throughout, where
    another member does not (a failed member, NaN, counts as neither).

    Args:
        means: point forecasts ``(members, *cases, h)`` (a case: one fit, e.g. a backtest window or a series).
        positive: whether each case's training part is positive throughout (a bool, or an array of the cases' shape).

    Returns:
        ``(members, *cases)`` booleans.
    """
    with np.errstate(invalid="ignore"):
        below = np.asarray(positive) & (means <= 0).any(axis=-1)
    kept = ~below & np.isfinite(means).all(axis=-1)
    return below & kept.any(axis=0)


def combine_outputs(outputs: list[Arrays], combine: str = "median") -> Arrays:
    """Combine several models' outputs key by key (``mean``, ``lo-80``…)."""
    if combine not in COMBINERS:
        raise ForecastInputError(f"combine must be one of {sorted(COMBINERS)}; got {combine!r}")
    reducer = COMBINERS[combine]
    return {key: reducer(np.stack([out[key] for out in outputs]), axis=0) for key in outputs[0]}


class Combination(Forecaster):
    """Combination of forecaster instances.

    Args:
        members: unfitted forecasters (each is cloned before fitting).
        combine: ``"median"``, ``"mean"`` or ``"trimmed"`` (mean without the extremes, from four members).
    """

    name = "combination"

    def __init__(self, members: tuple[Forecaster, ...] = (), combine: str = "median") -> None:
        self.members = tuple(members)
        self.combine = combine

    @property
    def min_length(self) -> int:  # type: ignore[override]
        return min((m.min_length for m in self.members), default=2)

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        if not self.members:
            raise ForecastInputError("a combination needs at least one member model")
        if self.combine not in COMBINERS:
            raise ForecastInputError(f"combine must be one of {sorted(COMBINERS)}; got {self.combine!r}")
        fitted = []
        for member in self.members:
            try:
                data = pd.Series(y, index=index) if member.needs_dates and index is not None else y
                fitted.append(member.clone().fit(data))
            except MissingDependencyError:
                raise
            except Exception:  # a member that cannot fit this series is left out; used_ records who took part
                continue
        if not fitted:
            raise ModelFitError(f"no member of the combination could be fitted: {[m.name for m in self.members]}")
        self.models_ = fitted
        self.used_ = tuple(model.describe() for model in fitted)
        self.combined_ = self.used_
        observed = y[~np.isnan(y)]
        self.positive_ = bool(observed.size and (observed > 0).all())

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        outputs, names = [], []
        for model, name in zip(self.models_, self.used_, strict=True):
            try:
                outputs.append(model.forecast_arrays(h, levels))
                names.append(name)
            except ModelFitError:  # non-finite output of one member: the others still combine
                continue
        if not outputs:
            raise ModelFitError("every member of the combination produced non-finite forecasts")
        out = left_out(np.stack([output["mean"] for output in outputs]), self.positive_)
        outputs = [output for output, gone in zip(outputs, out, strict=True) if not gone]
        names = [name for name, gone in zip(names, out, strict=True) if not gone]
        self.combined_ = tuple(names)
        return combine_outputs(outputs, self.combine)

    def frozen(self, *, estimates: bool = False) -> Combination:
        """The members' automatic choices (ETS form, ARIMA orders) fixed, for the later backtest windows."""
        if not self.is_fitted:
            return self.clone()
        return Combination(tuple(model.frozen(estimates=estimates) for model in self.models_), self.combine)

    def describe(self) -> str:
        names = self.combined_ if self.is_fitted else tuple(m.name for m in self.members)
        return f"{self.combine}({', '.join(names)})"


#: The default by season length (1 = no season): member names (registered single models) and combiner. Chosen on
#: train-internal evidence only, never on a test split (issue 15). Yearly (benchmarks/forecast_combination.py): among
#: the combinations of at least three members cheap enough for ~4,000 series a minute, the best MASE over the tourism
#: series and the shipped annual series together (tourism alone preferred median(damped ETS, DOTM, drift), which loses
#: to ETS alone on the shipped series). Quarterly and monthly (benchmarks/forecast_seasonal_recipe.py, second round,
#: its rule written before the run): among every mean and median of 3–5 cheap members (no full ARIMA search), with
#: this module's guard against forecasts at or below zero, the lowest MASE on the tourism training series' last h
#: points held back, of those that forecast no positive series at or below zero and also beat the previous default on
#: the h points before. ``arima_small``'s narrow search costs about a quarter of the full one (~120 ms a monthly fit),
#: which keeps one monthly series on the Forecast page under a second (README).
DEFAULT_MEMBERS: dict[int, tuple[tuple[str, ...], str]] = {
    1: (("ets", "ets_damped", "dotm"), "median"),
    4: (("ets", "theta", "seasonal_naive", "arima_small"), "median"),
    12: (("theta", "ces", "seasonal_naive", "arima_small"), "mean"),
}
#: Any other season (weekly 52, daily 7: the services' case counts): no evidence for ARIMA or CES there, and the
#: seasonal searches are slowest on long seasons, so the cheap seasonal recipe the monthly default used to be.
OTHER_SEASONS: tuple[tuple[str, ...], str] = (("ets", "theta", "seasonal_naive"), "mean")


def default_recipe(season_length: int = 1) -> tuple[tuple[str, ...], str]:
    """Member names and combiner of the default for series with this season length (see ``DEFAULT_MEMBERS``)."""
    return DEFAULT_MEMBERS[1] if season_length <= 1 else DEFAULT_MEMBERS.get(season_length, OTHER_SEASONS)


def default_combination(season_length: int = 1) -> Combination:
    """The default combination for series with this season length (see ``DEFAULT_MEMBERS``)."""
    names, how = default_recipe(season_length)
    return Combination(tuple(make_single_model(name, season_length) for name in names), how)
