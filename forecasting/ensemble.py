"""Forecast combination: the mean or median of several models, point forecasts and interval bounds alike.

Averaging the members' quantiles (interval bounds) is "Vincentization", a standard way to combine predictive
distributions; the result is then measured and calibrated by the engine like any single model. Members that cannot be
fitted to a series (too short, failed optimisation) are left out, and the ones used are recorded in ``used_``.
``model="auto"`` builds its ensemble from the best members in the backtest of each series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.base import Arrays, Forecaster
from forecasting.errors import ForecastInputError, MissingDependencyError, ModelFitError
from forecasting.single_models import make_single_model

COMBINERS = {"mean": np.mean, "median": np.median}


class Ensemble(Forecaster):
    """Combination of registered models.

    Args:
        members: names of single models (:data:`~forecasting.single_models.SINGLE_MODELS`), e.g.
            ``("ets", "theta", "drift")``.
        combine: ``"mean"`` or ``"median"``.
        season_length: passed to every member.
    """

    name = "ensemble"

    def __init__(
        self, members: tuple[str, ...] = ("ets", "theta", "drift"), combine: str = "mean", season_length: int = 1
    ) -> None:
        self.members = tuple(members)
        self.combine = combine
        self.season_length = season_length

    def _models(self) -> list[Forecaster]:
        if self.combine not in COMBINERS:
            raise ForecastInputError(f"combine must be one of {sorted(COMBINERS)}; got {self.combine!r}")
        if not self.members:
            raise ForecastInputError("an ensemble needs at least one member model")
        return [make_single_model(name, self.season_length) for name in self.members]

    @property
    def min_length(self) -> int:  # type: ignore[override]
        return min(model.min_length for model in self._models())

    @property
    def allows_missing(self) -> bool:  # type: ignore[override]
        return all(model.allows_missing for model in self._models())

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        fitted: list[Forecaster] = []
        observed = int(np.count_nonzero(~np.isnan(y)))
        for model in self._models():
            if observed < model.min_length:
                continue
            try:
                fitted.append(model.fit(pd.Series(y, index=index) if model.needs_dates and index is not None else y))
            except MissingDependencyError:
                raise
            except Exception:  # a member that cannot fit this series is left out; used_ records who took part
                continue
        if not fitted:
            raise ModelFitError(f"no member of the ensemble {self.members} could be fitted")
        self.models_ = fitted
        self.used_ = tuple(model.name for model in fitted)

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        outputs = [model.forecast_arrays(h, levels) for model in self.models_]
        return combine_arrays(outputs, self.combine)

    def describe(self) -> str:
        used = self.used_ if self.is_fitted else self.members
        return f"{self.combine}({', '.join(used)})"


def combine_arrays(outputs: list[Arrays], combine: str = "mean") -> Arrays:
    """Combine several models' outputs key by key (``mean``, ``lo-80``…) with the mean or median."""
    reducer = COMBINERS[combine]
    return {key: reducer(np.stack([out[key] for out in outputs]), axis=0) for key in outputs[0]}
