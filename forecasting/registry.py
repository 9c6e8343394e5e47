"""The model registry: names the API accepts, how to build each model for a season length, and the defaults.

``DEFAULT_CANDIDATES`` are the models ``model="auto"`` compares in the backtest of each series: the fast ones. ARIMA
(a stepwise order search, 30–100× an ETS fit) and Prophet (a Stan optimisation per fit) are available by name and can
be added to the comparison through ``models=``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from forecasting.base import Forecaster
from forecasting.baseline import Drift, Naive, SeasonalNaive
from forecasting.ensemble import Ensemble
from forecasting.errors import UnknownModelError
from forecasting.prophet_model import ProphetModel
from forecasting.statistical import ARIMA, ETS, Theta

AUTO = "auto"
FALLBACK = "naive"


@dataclass(frozen=True)
class ModelInfo:
    """One registered model: its name, a factory taking the season length, and a one-line description."""

    name: str
    factory: Callable[[int], Forecaster]
    description: str


MODELS: dict[str, ModelInfo] = {
    info.name: info
    for info in (
        ModelInfo("naive", lambda m: Naive(), "last value carried forward"),
        ModelInfo("seasonal_naive", lambda m: SeasonalNaive(season_length=m), "last value of the same season"),
        ModelInfo("drift", lambda m: Drift(), "line through the first and last observations"),
        ModelInfo("ets", lambda m: ETS(season_length=m), "exponential smoothing, form chosen by AICc"),
        ModelInfo("arima", lambda m: ARIMA(season_length=m), "ARIMA, orders chosen by a stepwise AICc search"),
        ModelInfo("theta", lambda m: Theta(season_length=m), "Theta method (M3 competition winner)"),
        ModelInfo("prophet", lambda m: ProphetModel(season_length=m), "Prophet: piecewise trend and seasonality"),
        # forecast(model="ensemble"|"auto") averages the best three of each series' backtest instead.
        ModelInfo("ensemble", lambda m: Ensemble(season_length=m), "mean of ETS, Theta and drift"),
    )
}

DEFAULT_CANDIDATES: tuple[str, ...] = ("naive", "seasonal_naive", "drift", "ets", "theta")
#: how many of the best backtested models the automatic ensemble averages.
ENSEMBLE_SIZE = 3


def model_names() -> tuple[str, ...]:
    """Every name ``forecast(model=...)`` accepts, ``"auto"`` first."""
    return (AUTO, *MODELS)


def check_model_name(name: object, *, allow_auto: bool = True) -> str:
    """Return ``name`` if it is registered (or ``"auto"``), else raise :class:`UnknownModelError`."""
    if isinstance(name, str) and (name in MODELS or (allow_auto and name == AUTO)):
        return name
    known = ", ".join(model_names() if allow_auto else tuple(MODELS))
    raise UnknownModelError(f"unknown model {name!r}; expected one of: {known}")


def make_model(name: str, season_length: int = 1) -> Forecaster:
    """A new, unfitted model of the registered kind for series with the given season length."""
    return MODELS[check_model_name(name, allow_auto=False)].factory(season_length)
