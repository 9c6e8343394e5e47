"""The single models by name: each registered model except the ensemble, which combines them.

Kept apart from :mod:`forecasting.registry` so that :class:`~forecasting.ensemble.Ensemble` can build its members by
name while the registry lists the ensemble itself (imports point one way: single models ← ensemble ← registry).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from forecasting.base import Forecaster
from forecasting.baseline import Drift, Naive, SeasonalNaive
from forecasting.errors import UnknownModelError
from forecasting.prophet_model import ProphetModel
from forecasting.statistical import ARIMA, CES, ETS, DampedETS, DynamicTheta, SmallARIMA, Theta


@dataclass(frozen=True)
class ModelInfo:
    """One registered model: its name, a factory taking the season length, and a one-line description."""

    name: str
    factory: Callable[[int], Forecaster]
    description: str


SINGLE_MODELS: dict[str, ModelInfo] = {
    info.name: info
    for info in (
        ModelInfo("naive", lambda m: Naive(), "last value carried forward"),
        ModelInfo("seasonal_naive", lambda m: SeasonalNaive(season_length=m), "last value of the same season"),
        ModelInfo("drift", lambda m: Drift(), "line through the first and last observations"),
        ModelInfo("ets", lambda m: ETS(season_length=m), "exponential smoothing, form chosen by AICc"),
        ModelInfo("ets_damped", lambda m: DampedETS(season_length=m), "exponential smoothing, damped trend"),
        ModelInfo("arima", lambda m: ARIMA(season_length=m), "ARIMA, orders chosen by a stepwise AICc search"),
        ModelInfo("arima_small", lambda m: SmallARIMA(season_length=m), "ARIMA, a narrow and fast order search"),
        ModelInfo("theta", lambda m: Theta(season_length=m), "Theta method (M3 competition winner)"),
        ModelInfo("dotm", lambda m: DynamicTheta(season_length=m), "dynamic optimised Theta"),
        ModelInfo("ces", lambda m: CES(season_length=m), "complex exponential smoothing, season chosen by AICc"),
        ModelInfo("prophet", lambda m: ProphetModel(season_length=m), "Prophet: piecewise trend and seasonality"),
    )
}


def make_single_model(name: str, season_length: int = 1) -> Forecaster:
    """A new, unfitted single model of the registered kind.

    Raises:
        UnknownModelError: ``name`` is not a single model (an ensemble cannot be a member of an ensemble).
    """
    info = SINGLE_MODELS.get(name) if isinstance(name, str) else None
    if info is None:
        raise UnknownModelError(f"unknown single model {name!r}; expected one of: {', '.join(SINGLE_MODELS)}")
    return info.factory(season_length)
