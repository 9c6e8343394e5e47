"""Driver effects on the target: an elasticity (OLS on growth rates) or a VAR (impulse responses), with uncertainty.

Growth rates are log differences in per cent: ``dx = 100·Δlog(driver)``; for a level target ``dz = 100·Δlog(y)``
(so the OLS slope is an elasticity), for a rate target ``dz = Δy`` in percentage points (so the slope is pp per 1%
of driver growth). A driver change is a path ``X_t = 100·log(driver_scenario / driver_baseline)``; the target's
transformed level moves by ``β·X_t`` (elasticity) or by the cumulated VAR response (VAR).

VAR mapping: data ``[dx, dz]`` (driver first), orthogonalised impulse responses scaled to a unit driver innovation:
``response_j = Ψ_j · Σu[:, 0] / Σu[0, 0]`` (= statsmodels ``irf(h).orth_irfs[j][:, 0] / orth_irfs[0][0, 0]``). The
driver innovations ``u`` are solved so that the driver's growth follows ``ΔX`` exactly (its own response feeds
back); the target's growth response is ``Σ_j response_j[1] · u_{t-j}``, cumulated into its level.

Uncertainty: the elasticity is drawn from its t distribution (n - 2 degrees of freedom); the VAR's coefficients from
their asymptotic normal distribution (``cov_params``), the innovation covariance held at its estimate. Draws use a
random stream keyed by the seed and the driver, so scenarios sharing a driver share the draws (paired comparisons).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.scenarios.adjustments import DriverChange
from forecasting.scenarios.errors import DriverDataError
from forecasting.scenarios.periods import to_period, to_periods, window

MIN_ELASTICITY_OBS = 8
MIN_VAR_OBS = 12
MAX_VAR_LAGS = {"A": 2, "Q": 4, "M": 12}
VAR_IC = "bic"


@dataclass(frozen=True)
class DriverEstimate:
    """The estimated link from a driver to the target, part of a scenario's output.

    ``coef`` is the elasticity (method "elasticity") or, for a VAR, the cumulative effect on the target at the end of
    the horizon of a sustained +1% driver level (``responses[-1]``); ``se`` its standard error (OLS, or the standard
    deviation over the coefficient draws for a VAR). Level targets respond in % (log points ×100), rate targets in pp.
    """

    driver_id: str
    driver_region: str
    method: str
    coef: float
    se: float
    n: int
    sample_start: str
    sample_end: str
    r2: float | None = None
    intercept: float | None = None
    lags: int | None = None
    ic: str | None = None
    responses: tuple[float, ...] = ()
    response_se: tuple[float, ...] = ()


@dataclass(frozen=True, eq=False)
class DriverEffect:
    """Change of the target's transformed level (``100·log y`` or ``y``): central path ``(h,)``, draws ``(n, h)``."""

    point: np.ndarray
    draws: np.ndarray
    estimate: DriverEstimate


def driver_effect(
    change: DriverChange,
    target: pd.DataFrame,
    driver: pd.DataFrame,
    kind: str,
    periods: pd.PeriodIndex,
    freq: str,
    n_draws: int,
    seed: int,
) -> DriverEffect:
    """Effect of ``change`` on the target over the forecast ``periods`` (see the module docstring).

    Raises:
        DriverDataError: the driver is non-positive, on another frequency, or too short to estimate.
        ScenarioError: the change's window is outside the horizon.
    """
    path = driver_path(change, periods, freq)
    pairs = growth_pairs(target, driver, kind, freq, change)
    stream = zlib.crc32(repr((change.method, *change.key, change.estimation_start)).encode())
    rng = np.random.default_rng([seed, stream])
    if change.method == "elasticity":
        estimate, betas = elasticity(pairs, change, n_draws, rng)
        return DriverEffect(estimate.coef * path, betas[:, None] * path[None, :], estimate)
    result, run = fit_var(pairs, freq)
    delta, sustained = np.diff(path, prepend=0.0), np.eye(len(periods))[0]
    point_responses = unit_responses(result.coefs, result.sigma_u, len(periods))
    draw_responses = unit_responses(var_coefficient_draws(result, n_draws, rng), result.sigma_u, len(periods))
    # The summary: cumulative effect of a sustained +1% driver level (a single +1 step in its growth).
    responses, response_draws = propagate(point_responses, sustained), propagate(draw_responses, sustained)
    estimate = DriverEstimate(
        *change.key,
        method="var",
        coef=float(responses[-1]),
        se=float(response_draws[:, -1].std(ddof=1)),
        n=int(result.nobs),
        sample_start=str(run.index[0]),
        sample_end=str(run.index[-1]),
        lags=int(result.k_ar),
        ic=VAR_IC,
        responses=tuple(map(float, responses)),
        response_se=tuple(map(float, response_draws.std(axis=0, ddof=1))),
    )
    return DriverEffect(propagate(point_responses, delta), propagate(draw_responses, delta), estimate)


def driver_path(change: DriverChange, periods: pd.PeriodIndex, freq: str) -> np.ndarray:
    """``X_t = 100·log(driver_scenario / driver_baseline)`` over the forecast periods."""
    i0, i1 = window(change.start, change.end, periods, freq, "driver_change")
    step = 100 * np.log1p(change.amount / 100)
    inside = np.zeros(len(periods))
    inside[i0 : i1 + 1] = 1.0
    if change.mode == "percent":
        return step * inside
    return step * np.cumsum(inside)


def growth_pairs(
    target: pd.DataFrame, driver: pd.DataFrame, kind: str, freq: str, change: DriverChange
) -> pd.DataFrame:
    """Growth of driver and target (``dx``, ``dz``) in the periods where both are observed with their predecessor."""
    x = 100 * np.log(_series(driver, freq, f"driver {change.driver_id} ({change.driver_region})", positive=True))
    z = _series(target, freq, "target", positive=kind == "level")
    z = 100 * np.log(z) if kind == "level" else z
    grid = pd.period_range(min(x.index[0], z.index[0]), max(x.index[-1], z.index[-1]), freq=x.index.freq)
    pairs = pd.DataFrame({"dx": x.reindex(grid).diff(), "dz": z.reindex(grid).diff()}).dropna()
    if change.estimation_start is not None:
        pairs = pairs[pairs.index >= to_period(change.estimation_start, freq, "driver_change.estimation_start")]
    return pairs


def elasticity(
    pairs: pd.DataFrame, change: DriverChange, n_draws: int, rng: np.random.Generator
) -> tuple[DriverEstimate, np.ndarray]:
    """OLS of ``dz`` on ``dx`` with a constant; the estimate and ``n_draws`` draws of the slope."""
    if len(pairs) < MIN_ELASTICITY_OBS:
        raise DriverDataError(
            f"driver {change.driver_id} ({change.driver_region}): {len(pairs)} period(s) where both series have "
            f"growth rates; the elasticity needs at least {MIN_ELASTICITY_OBS}"
        )
    if np.ptp(pairs["dx"].to_numpy()) == 0:
        raise DriverDataError(f"driver {change.driver_id} ({change.driver_region}): its growth never varies")
    import statsmodels.api as sm  # here, not at the top: statsmodels.api takes ~0.6 s to import, on every page

    fit = sm.OLS(pairs["dz"].to_numpy(), sm.add_constant(pairs["dx"].to_numpy())).fit()
    beta, se, n = float(fit.params[1]), float(fit.bse[1]), int(fit.nobs)
    estimate = DriverEstimate(
        *change.key,
        method="elasticity",
        coef=beta,
        se=se,
        n=n,
        sample_start=str(pairs.index[0]),
        sample_end=str(pairs.index[-1]),
        r2=float(fit.rsquared),
        intercept=float(fit.params[0]),
    )
    return estimate, beta + se * rng.standard_t(n - 2, size=n_draws)


def fit_var(pairs: pd.DataFrame, freq: str) -> tuple[object, pd.DataFrame]:
    """VAR on ``[dx, dz]`` over the longest run of consecutive periods; lag order by BIC, capped for short series.

    Returns:
        statsmodels ``VARResults`` and the run of ``pairs`` it was fitted on.
    """
    run = longest_run(pairs)
    if len(run) < MIN_VAR_OBS:
        raise DriverDataError(
            f"the VAR needs at least {MIN_VAR_OBS} consecutive periods where driver and target both have growth "
            f"rates; the longest run has {len(run)}"
            + (f" ({run.index[0]}–{run.index[-1]})" if len(run) else "")
            + "; use method 'elasticity', which tolerates gaps"
        )
    from statsmodels.tsa.api import VAR  # imported where used, as statsmodels.api above

    data = run[["dx", "dz"]].to_numpy()
    model = VAR(data)
    cap = max(1, min(MAX_VAR_LAGS[freq], (len(run) - 2) // 5))
    lags = max(1, int(model.select_order(cap).selected_orders[VAR_IC]))
    result = model.fit(lags)
    if not result.is_stable():
        raise DriverDataError(
            f"the VAR fitted on {run.index[0]}–{run.index[-1]} is not stable (its responses would explode); "
            "use method 'elasticity' or another estimation_start"
        )
    return result, run


def longest_run(pairs: pd.DataFrame) -> pd.DataFrame:
    """The longest block of consecutive periods (the latest one on ties)."""
    if pairs.empty:
        return pairs
    ordinals = np.asarray([p.ordinal for p in pairs.index])
    breaks = np.flatnonzero(np.diff(ordinals) != 1) + 1
    blocks = np.split(np.arange(len(pairs)), breaks)
    best = max(reversed(blocks), key=len)
    return pairs.iloc[best]


def unit_responses(coefs: np.ndarray, sigma_u: np.ndarray, h: int) -> np.ndarray:
    """Responses ``(…, h, K)`` of each variable to a unit innovation of the first (orthogonalised, first ordered).

    Args:
        coefs: VAR lag matrices ``(…, p, K, K)`` (statsmodels ``coefs`` with leading draw axes).
        sigma_u: innovation covariance ``(K, K)``.
        h: steps, the impact included.
    """
    p, k = coefs.shape[-3], coefs.shape[-1]
    psi = np.zeros((*coefs.shape[:-3], h, k, k))
    psi[..., 0, :, :] = np.eye(k)
    for j in range(1, h):
        for i in range(1, min(j, p) + 1):
            psi[..., j, :, :] += psi[..., j - i, :, :] @ coefs[..., i - 1, :, :]
    impact = np.asarray(sigma_u)[:, 0] / np.asarray(sigma_u)[0, 0]
    return psi @ impact


def propagate(responses: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Cumulated target response ``(…, h)`` when the driver's growth must deviate by ``delta`` ``(h,)``."""
    a, b = responses[..., 0], responses[..., 1]
    h = len(delta)
    u = np.zeros(a.shape[:-1] + (h,))
    for t in range(h):
        u[..., t] = delta[t] - (a[..., 1 : t + 1] * u[..., :t][..., ::-1]).sum(axis=-1)
    growth = np.stack([(b[..., : t + 1] * u[..., : t + 1][..., ::-1]).sum(axis=-1) for t in range(h)], axis=-1)
    return np.cumsum(growth, axis=-1)


def var_coefficient_draws(result, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Lag matrices ``(n_draws, p, K, K)`` drawn from the coefficients' asymptotic normal distribution."""
    params = np.asarray(result.params)
    values, vectors = np.linalg.eigh(np.asarray(result.cov_params()))
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    draws = params.ravel() + rng.standard_normal((n_draws, params.size)) @ root.T
    p, k = result.k_ar, params.shape[1]
    lags = draws.reshape(n_draws, *params.shape)[:, params.shape[0] - p * k :, :]
    return lags.reshape(n_draws, p, k, k).transpose(0, 1, 3, 2)


def _series(frame: object, freq: str, name: str, positive: bool) -> pd.Series:
    if not isinstance(frame, pd.DataFrame) or not {"ds", "y"} <= set(frame.columns):
        raise DriverDataError(f"{name}: expected a frame with columns ds, y")
    observed = frame.dropna(subset=["y"])
    if observed.empty:
        raise DriverDataError(f"{name}: no observed value")
    periods = to_periods(pd.to_datetime(observed["ds"]), freq)
    if periods.has_duplicates:
        raise DriverDataError(f"{name}: several rows fall in one period; expected one value per period ({freq})")
    values = pd.Series(observed["y"].astype(float).to_numpy(), index=periods).sort_index()
    if positive and (values <= 0).any():
        count = int((values <= 0).sum())
        raise DriverDataError(f"{name}: growth rates need positive values; got {count} value(s) <= 0")
    return values
