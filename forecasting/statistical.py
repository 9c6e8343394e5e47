"""ETS, ARIMA, Theta and CES behind the forecaster contract, on Nixtla's statsforecast (the fast engine).

statsforecast runs the same automatic procedures as R's forecast package (Hyndman & Khandakar 2008): ETS picks error,
trend, damping and season by AICc; ARIMA searches orders stepwise by AICc; Theta is the standard Theta method of
Assimakopoulos & Nikolopoulos (2000), the M3 winner, with an optional automatic variant; CES is Svetunkov &
Kourentzes's complex exponential smoothing, its seasonal form chosen by AICc. Measured on this machine they
are 10–100× faster than statsmodels, which stays available as the reference engine for ETS
(``ETS(engine="statsmodels")``).
"""

from __future__ import annotations

from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from forecasting.base import Arrays, Forecaster, normal_intervals, quiet
from forecasting.errors import ForecastInputError
from forecasting.reference import fit_statsmodels_ets
from forecasting.validation import level_key


def _cache_normal_quantiles() -> None:
    """Serve statsforecast's normal interval quantiles from a cache.

    statsforecast freezes a scipy distribution on every ``predict`` only to read the normal quantiles of the
    requested levels: about 1 ms, a third of an ETS fit on a short annual series and the largest single cost of a
    batch backtest. The quantiles are constants, so they are cached; other distributions use the original code.
    """
    from statsforecast import utils

    original = getattr(utils, "_quantiles", None)
    if original is None or getattr(original, "cached_normal", False):
        return

    @lru_cache(maxsize=256)
    def normal(levels: tuple[float, ...]) -> np.ndarray:
        return np.array([NormalDist().inv_cdf(0.5 + lv / 200) for lv in levels])

    def quantiles(level: Any, distribution: str = "normal", dist_params: Any = None) -> np.ndarray:
        if distribution == "normal" and dist_params is None:
            return normal(tuple(np.atleast_1d(np.asarray(level, dtype="float64")).tolist())).copy()
        return original(level, distribution, dist_params)

    quantiles.cached_normal = True  # type: ignore[attr-defined]
    utils._quantiles = quantiles


class _StatsForecastModel(Forecaster):
    """Shared fit/predict around a statsforecast model object kept in ``model_``."""

    min_length = 8

    def _engine(self) -> Any:
        raise NotImplementedError

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        _cache_normal_quantiles()
        with quiet():
            self.model_ = self._engine().fit(y)

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        with quiet():
            out = self.model_.predict(h, level=list(levels)) if levels else self.model_.predict(h)
        return {key: np.asarray(value, dtype="float64") for key, value in out.items()}


class ETS(_StatsForecastModel):
    """Exponential smoothing state-space model with automatic selection by AICc.

    Args:
        season_length: periods per seasonal cycle (1 = no season).
        damped: ``None`` to let AICc choose, ``True``/``False`` to force a damped or undamped trend.
        engine: ``"statsforecast"`` (fast) or ``"statsmodels"`` (reference implementation, ~10× slower).
        form: error, trend and season letters (``A``, ``M``, ``N``; ``Z`` = choose by AICc), e.g. ``"AAN"``.
    """

    name = "ets"

    def __init__(
        self, season_length: int = 1, damped: bool | None = None, engine: str = "statsforecast", form: str = "ZZZ"
    ) -> None:
        self.season_length = season_length
        self.damped = damped
        self.engine = engine
        self.form = form

    def _engine(self) -> Any:
        from statsforecast.models import AutoETS

        return AutoETS(season_length=self.season_length, model=self.form, damped=self.damped)

    def frozen(self, *, estimates: bool = False) -> ETS:
        if self.engine != "statsforecast" or not self.is_fitted:
            return self.clone()
        components = str(self.model_.model_["components"])
        return ETS(self.season_length, damped=components[3] == "D", engine=self.engine, form=components[:3])

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        if self.engine == "statsmodels":
            self.model_ = fit_statsmodels_ets(y, self.season_length, self.damped)
        elif self.engine == "statsforecast":
            super()._fit(y, index)
        else:
            raise ForecastInputError(f"ETS engine must be 'statsforecast' or 'statsmodels'; got {self.engine!r}")

    def describe(self) -> str:
        if not self.is_fitted:
            return self.name
        if self.engine == "statsmodels":
            return self.model_.spec
        error, trend, season, damped = str(self.model_.model_["components"])[:4]
        return f"ETS({error},{trend}{'d' if damped == 'D' else ''},{season})"


class DampedETS(ETS):
    """ETS restricted to damped trends (error and season still chosen by AICc): a member of the default yearly
    combination, where an undamped trend extrapolated over five years is the most common large miss."""

    name = "ets_damped"

    def __init__(
        self, season_length: int = 1, damped: bool | None = True, engine: str = "statsforecast", form: str = "ZZZ"
    ) -> None:
        super().__init__(season_length, damped, engine, form)


class ARIMA(_StatsForecastModel):
    """ARIMA with automatic order search (stepwise, AICc), seasonal when ``season_length`` > 1.

    The search costs 30–100× an ETS fit on monthly data, so ARIMA is not among the default candidates of
    ``model="auto"``; ask for it by name or list it in ``models``.

    Args:
        season_length: periods per seasonal cycle.
        order, seasonal_order, include_mean, include_drift: a fixed specification; ``order=None`` searches.
        approximation: search with the conditional-sum-of-squares approximation, then fit the chosen orders by
            maximum likelihood; ``None`` = R's rule, for series longer than 150 or with more than 12 seasons (the
            search on a 240-month series then takes about a quarter of the time).
        fixed: with a fixed ``order``, coefficients by name (``ar1``, ``sma1``, ``drift``…) kept instead of
            estimated: the model is only run over the data (~1 ms against 15–90 ms for a seasonal monthly fit).
    """

    name = "arima"

    def __init__(
        self,
        season_length: int = 1,
        order: tuple[int, int, int] | None = None,
        seasonal_order: tuple[int, int, int] = (0, 0, 0),
        include_mean: bool = True,
        include_drift: bool = False,
        approximation: bool | None = None,
        fixed: dict[str, float] | None = None,
    ) -> None:
        self.season_length = season_length
        self.order = order
        self.seasonal_order = seasonal_order
        self.include_mean = include_mean
        self.include_drift = include_drift
        self.approximation = approximation
        self.fixed = fixed

    def _fit(self, y: np.ndarray, index: pd.DatetimeIndex | None) -> None:
        self.length_ = len(y)  # read by _engine for the approximation rule
        super()._fit(y, index)

    def _engine(self) -> Any:
        from statsforecast.models import ARIMA as FixedARIMA
        from statsforecast.models import AutoARIMA

        if self.order is None:
            approximation = self.approximation
            if approximation is None:
                approximation = getattr(self, "length_", 0) > 150 or self.season_length > 12
            return AutoARIMA(season_length=self.season_length, approximation=approximation)
        return FixedARIMA(
            order=self.order,
            season_length=self.season_length,
            seasonal_order=self.seasonal_order,
            include_mean=self.include_mean,
            include_drift=self.include_drift,
            fixed=self.fixed,
        )

    def frozen(self, *, estimates: bool = False) -> ARIMA:
        if not self.is_fitted:
            return self.clone()
        p, q, sp, sq, _, d, sd = self.model_.model_["arma"]
        coef = self.model_.model_["coef"]
        fixed = {name: float(value) for name, value in coef.items()} if estimates else None
        return type(self)(
            self.season_length,
            (p, d, q),
            (sp, sd, sq),
            "intercept" in coef,
            "drift" in coef,
            self.approximation,
            fixed,
        )

    def describe(self) -> str:
        if not self.is_fitted:
            return self.name
        from statsforecast.arima import arima_string

        return arima_string(self.model_.model_).strip()


class SmallARIMA(ARIMA):
    """ARIMA with a narrow order search: up to (1,d,1)(1,D,1), total order 3, at most 15 models, the search by
    conditional sum of squares (the chosen orders then fitted by maximum likelihood).

    About a quarter of the full search's CPU on a monthly series (160 against 630 ms on the tourism series), cheap
    enough for a member of the monthly default; a fixed ``order`` fits as :class:`ARIMA` does.
    """

    name = "arima_small"

    def _engine(self) -> Any:
        if self.order is not None:
            return super()._engine()
        from statsforecast.models import AutoARIMA

        return AutoARIMA(
            season_length=self.season_length,
            **{"max_p": 1, "max_q": 1, "max_P": 1, "max_Q": 1, "max_order": 3, "nmodels": 15},
            **{"start_p": 1, "start_q": 1, "start_P": 0, "start_Q": 0, "approximation": True},
        )


class Theta(_StatsForecastModel):
    """Theta method: simple exponential smoothing plus half the linear trend, on seasonally adjusted data.

    The standard method is simple exponential smoothing with drift (Hyndman & Billah 2003), so its intervals are
    the analytic ones of that model, ``σ²·(1 + α²(k − 1))`` at step ``k`` (re-seasonalised like the mean).
    statsforecast simulates 200 paths instead, which costs twice the fit and gives noisy 95% bounds; the
    ``"auto"`` variant, whose models have no such closed form, keeps the simulation.

    Args:
        season_length: periods per seasonal cycle; the season is removed first when a seasonality test says so.
        variant: ``"standard"`` (the classic method, fast), ``"dynamic"`` (dynamic optimised Theta, Fiorucci et al.
            2016: θ and the smoothing optimised, the trend line updated as data arrive; as fast) or ``"auto"`` (best of
            standard, optimised and dynamic Theta by in-sample MSE, about 5× slower).
    """

    name = "theta"
    min_length = 5

    def __init__(self, season_length: int = 1, variant: str = "standard") -> None:
        self.season_length = season_length
        self.variant = variant

    def _engine(self) -> Any:
        from statsforecast.models import AutoTheta
        from statsforecast.models import Theta as StandardTheta

        if self.variant == "standard":
            return StandardTheta(season_length=self.season_length)
        if self.variant == "auto":
            return AutoTheta(season_length=self.season_length)
        if self.variant == "dynamic":
            from statsforecast.models import DynamicOptimizedTheta

            return DynamicOptimizedTheta(season_length=self.season_length)
        raise ForecastInputError(f"Theta variant must be 'standard', 'dynamic' or 'auto'; got {self.variant!r}")

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        if self.variant != "standard" or not levels:
            return super()._predict(h, levels)
        fitted = self.model_.model_
        with quiet():
            mean = np.asarray(self.model_.predict(h)["mean"], dtype="float64")
        residuals = np.asarray(fitted["residuals"], dtype="float64")
        tail = residuals[3:] if len(residuals) > 5 else residuals  # statsforecast's burn-in for sigma
        sigma = float(np.std(tail[~np.isnan(tail)], ddof=1))
        alpha = float(fitted["par"]["alpha"])
        sd = sigma * np.sqrt(1 + alpha**2 * np.arange(h))
        if fitted.get("decompose", False) and fitted["decomposition_type"] == "multiplicative":
            season = np.resize(np.asarray(fitted["seas_forecast"]["mean"], dtype="float64"), h)
            sd = sd * season
        return normal_intervals(mean, sd, levels)

    def describe(self) -> str:
        if not self.is_fitted:
            return self.name
        return f"Theta ({self.model_.model_['modeltype']})"


class DynamicTheta(Theta):
    """Dynamic optimised Theta (DOTM, Fiorucci et al. 2016) by its own name: a member of the default yearly
    combination."""

    name = "dotm"

    def __init__(self, season_length: int = 1, variant: str = "dynamic") -> None:
        super().__init__(season_length, variant)


#: Paths simulated for CES's own intervals. statsforecast simulates 5,000 (~90 ms a monthly forecast, most of a CES
#: backtest); 1,000 of the same paths (same seed, its public ``simulate_ces``) move a 95% bound by at most ~5% of the
#: band's width and cost a fifth. The bands the product delivers are calibrated from backtest errors anyway.
CES_PATHS = 1000


class CES(_StatsForecastModel):
    """Complex exponential smoothing (Svetunkov & Kourentzes 2015), seasonal form chosen by AICc.

    One complex-valued smoothing of level and "information potential" instead of ETS's separate level and trend, so
    it follows a trend or a level without choosing between them. The season is ``N`` (none), ``S`` (simple, a CES on
    each season), ``P`` (partial: an additive seasonal component) or ``F`` (full: a second complex smoothing on the
    seasonal lag); series shorter than two seasons get ``N``.

    Args:
        season_length: periods per seasonal cycle.
        form: ``"Z"`` to choose among ``N``, ``S``, ``P``, ``F`` by AICc, or one of them.

    Its own intervals are quantiles of ``CES_PATHS`` simulated paths, statsforecast's simulation with fewer paths.
    """

    name = "ces"
    #: statsforecast simulates CES's intervals through a slow path (a scipy distribution built per path, ~20× the
    #: cost) when the fit has fewer than ten residuals; shorter series are left to the other models.
    min_length = 10

    def __init__(self, season_length: int = 1, form: str = "Z") -> None:
        self.season_length = season_length
        self.form = form

    def _engine(self) -> Any:
        from statsforecast.models import AutoCES

        if self.form not in ("Z", "N", "S", "P", "F"):
            raise ForecastInputError(f"CES form must be one of 'Z', 'N', 'S', 'P', 'F'; got {self.form!r}")
        return AutoCES(season_length=self.season_length, model=self.form)

    def _predict(self, h: int, levels: tuple[float, ...]) -> Arrays:
        fitted = getattr(self.model_, "model_", None)
        if not levels or not isinstance(fitted, dict) or fitted.get("distribution", "normal") != "normal":
            return super()._predict(h, levels)
        from statsforecast.ces import simulate_ces

        with quiet():
            mean = np.asarray(self.model_.predict(h)["mean"], dtype="float64")
            paths = simulate_ces(fitted, h, n_paths=CES_PATHS, seed=1)
        out = {"mean": mean}
        for level in levels:
            lo, hi = np.quantile(paths, [0.5 - level / 200, 0.5 + level / 200], axis=0)
            out |= {f"lo-{level_key(level)}": lo, f"hi-{level_key(level)}": hi}
        return out

    def _season(self) -> str | None:
        # statsforecast returns a Naive model instead of a CES for a constant series: no form to read.
        fitted = getattr(self.model_, "model_", None)
        return fitted.get("seasontype") if isinstance(fitted, dict) else None

    def frozen(self, *, estimates: bool = False) -> CES:
        season = self._season() if self.is_fitted else None
        return CES(self.season_length, season) if season else self.clone()

    def describe(self) -> str:
        if not self.is_fitted:
            return self.name
        season = self._season()
        return f"CES({season})" if season else "CES (constant series: naive)"
