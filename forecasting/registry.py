"""The model registry: names the API accepts, how to build each model for a season length, and the defaults.

``DEFAULT_CANDIDATES`` are the models ``model="auto"`` compares in the backtest of each series: the fast ones. ARIMA
(a stepwise order search, 30–100× an ETS fit) and Prophet (a Stan optimisation per fit) are available by name and can
be added to the comparison through ``models=``.
"""

from __future__ import annotations

from collections.abc import Iterable

from forecasting.base import Forecaster
from forecasting.ensemble import Ensemble
from forecasting.errors import ForecastInputError, UnknownModelError
from forecasting.single_models import SINGLE_MODELS, ModelInfo

AUTO = "auto"
FALLBACK = "naive"

MODELS: dict[str, ModelInfo] = {
    **SINGLE_MODELS,
    # forecast(model="ensemble"|"auto") averages the best three of each series' backtest instead.
    "ensemble": ModelInfo("ensemble", lambda m: Ensemble(season_length=m), "mean of ETS, Theta and drift"),
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


def check_models(models: Iterable[str] | None) -> tuple[str, ...]:
    """Candidate model names (defaults when ``None``), each checked against the registry."""
    if models is None:
        return DEFAULT_CANDIDATES
    names = (models,) if isinstance(models, str) else tuple(models)
    if not names:
        raise ForecastInputError("models must name at least one model; got an empty list")
    return tuple(check_model_name(name, allow_auto=False) for name in names)


def make_model(name: str, season_length: int = 1) -> Forecaster:
    """A new, unfitted model of the registered kind for series with the given season length."""
    return MODELS[check_model_name(name, allow_auto=False)].factory(season_length)
