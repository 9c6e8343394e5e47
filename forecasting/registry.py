"""The model registry: names the API accepts, how to build each model for a season length, and the defaults.

``DEFAULT_MODEL`` is what a run forecasts with unless told otherwise: ``"combination"``, the fixed combination of
:func:`forecasting.combine.default_combination` (median of ETS, damped ETS and dynamic optimised Theta for series
without a season; median of ETS, ARIMA, Theta and seasonal naive quarterly; mean of ETS, Theta and seasonal naive for
other seasons). It involves no choice by a short backtest: on the
tourism competition and the shipped series, picking one model per series from three backtest windows (``"auto"``,
still available) lost to always using one of its own candidates (issue 15).

``DEFAULT_CANDIDATES`` are the single models a run backtests beside the one asked for, for the leaderboard, unless
told to compare none (``models=()``: a batch that wants the forecasts only), and the ones ``model="auto"`` picks
from: the fast ones. ARIMA (a stepwise order search, 30–100× an ETS fit) and Prophet
(a Stan optimisation per fit) are available by name and can be added to the comparison through ``models=``.
"""

from __future__ import annotations

from collections.abc import Iterable

from forecasting.base import Forecaster
from forecasting.combine import default_combination, default_recipe
from forecasting.ensemble import Ensemble
from forecasting.errors import ForecastInputError, UnknownModelError
from forecasting.single_models import SINGLE_MODELS, ModelInfo

AUTO = "auto"
COMBINATION = "combination"
DEFAULT_MODEL = COMBINATION
FALLBACK = "naive"

MODELS: dict[str, ModelInfo] = {
    COMBINATION: ModelInfo(
        COMBINATION,
        default_combination,
        "median(ETS, damped ETS, DOTM) yearly; median(ETS, ARIMA, Theta, seasonal naive) quarterly; "
        "else mean(ETS, Theta, seasonal naive)",
    ),
    **SINGLE_MODELS,
    # forecast(model="ensemble"|"auto") averages the best three of each series' backtest instead.
    "ensemble": ModelInfo("ensemble", lambda m: Ensemble(season_length=m), "mean of ETS, Theta and drift"),
}

DEFAULT_CANDIDATES: tuple[str, ...] = ("naive", "seasonal_naive", "drift", "ets", "theta")
#: Models whose fit costs 30–100× an ETS fit: ARIMA's order search, Prophet's Stan optimisation.
SLOW_MODELS = frozenset({"arima", "prophet"})
#: how many of the best backtested models the automatic ensemble averages.
ENSEMBLE_SIZE = 3


def model_names() -> tuple[str, ...]:
    """Every name ``forecast(model=...)`` accepts, the default first, then ``"auto"``."""
    return (DEFAULT_MODEL, AUTO, *(name for name in MODELS if name != DEFAULT_MODEL))


def members(name: str, season_length: int) -> tuple[tuple[str, ...], str] | None:
    """The member names and combiner of a fixed combination (``None`` for any other model)."""
    return default_recipe(season_length) if name == COMBINATION else None


def check_model_name(name: object, *, allow_auto: bool = True) -> str:
    """Return ``name`` if it is registered (or ``"auto"``), else raise :class:`UnknownModelError`."""
    if isinstance(name, str) and (name in MODELS or (allow_auto and name == AUTO)):
        return name
    known = ", ".join(model_names() if allow_auto else tuple(MODELS))
    raise UnknownModelError(f"unknown model {name!r}; expected one of: {known}")


def check_models(models: Iterable[str] | None, model: str = DEFAULT_MODEL) -> tuple[str, ...]:
    """Comparison model names (defaults when ``None``), each checked against the registry; empty (no comparison:
    the forecast only) unless ``model`` chooses among them (``"auto"``, ``"ensemble"``)."""
    if models is None:
        return DEFAULT_CANDIDATES
    names = (models,) if isinstance(models, str) else tuple(models)
    if not names and model in (AUTO, "ensemble"):
        raise ForecastInputError(f"model {model!r} chooses among models, which must name at least one; got none")
    return tuple(check_model_name(name, allow_auto=False) for name in names)


def is_slow(model: str, models: Iterable[str] = ()) -> bool:
    """Whether a run of ``model`` that also backtests ``models`` fits one of the ``SLOW_MODELS``."""
    return bool(SLOW_MODELS & {model, *models})


def models_needed(model: str, models: Iterable[str]) -> tuple[str, ...]:
    """The comparison models a run of ``model`` cannot do without: the candidates when it chooses among them
    (``"auto"``, ``"ensemble"``), none otherwise (the forecast and its bands need only the model's own backtest)."""
    return tuple(models) if model in (AUTO, "ensemble") else ()


def make_model(name: str, season_length: int = 1) -> Forecaster:
    """A new, unfitted model of the registered kind for series with the given season length."""
    return MODELS[check_model_name(name, allow_auto=False)].factory(season_length)
