"""``forecast`` and ``leaderboard``: views of one :func:`~forecasting.run.run` (``cross_validation`` and
``evaluate`` live in their own modules).

Input: a frame with ``unique_id, ds, y`` — many series at once, any of annual, quarterly or monthly (the frequency
is inferred per series unless ``freq`` is given), with gaps and non-positive values allowed. Both raise on the first
series that cannot be forecast; :func:`~forecasting.run.run` reports such series in ``errors`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from forecasting.registry import AUTO
from forecasting.run import run


def forecast(df: pd.DataFrame, h: int, freq: str | None = None, level=(80, 95), model: str = "auto") -> pd.DataFrame:
    """Forecast every series of a long frame ``h`` periods ahead, with calibrated intervals.

    Args:
        df: long frame ``unique_id, ds, y``.
        h: periods ahead (positive integer).
        freq: pandas alias (``"YS"``, ``"QS"``, ``"MS"``…) or data-layer code (``"A"``, ``"Q"``, ``"M"``); inferred
            per series when ``None``.
        level: interval levels in percent.
        model: ``"auto"`` (chosen per series by backtest), ``"ensemble"``, or a registered name (``naive``,
            ``seasonal_naive``, ``drift``, ``ets``, ``arima``, ``theta``, ``prophet``).

    Returns:
        One row per series and step: ``unique_id, ds, <model>, <model>-lo-<l>, <model>-hi-<l>…`` (``<model>`` is
        the argument, e.g. ``auto``), then per-series facts: ``model`` (the model actually used: the choice of
        ``auto``, or ``naive`` when a named model had to fall back), ``spec`` (fitted form, e.g. ``ETS(A,Ad,N)``),
        ``fit_start`` (first date the model saw; later than the data's first date when a gap cut older history),
        ``backtest_points``, ``mase`` and ``smape`` of that model in the backtest, and ``coverage-<l>``: the measured
        backtest coverage (%) of the intervals exactly as delivered (calibrated, cross-validated by window; NaN when
        the series is too short to backtest).

    Raises:
        ForecastInputError: bad frame, series, horizon, level or frequency. UnknownModelError: unknown ``model``.
    """
    return run(df, h, freq, level, model, strict=True).forecast


def leaderboard(
    df: pd.DataFrame,
    h: int,
    freq: str | None = None,
    level=(80, 95),
    models: Iterable[str] | None = None,
    n_windows: int = 3,
) -> pd.DataFrame:
    """Backtest leaderboard per series: every candidate model's accuracy and interval coverage, the choice marked.

    Args:
        df, h, freq, level: as in :func:`forecast`.
        models: names to compare (default: the candidates of ``model="auto"``); the ensemble of the best three is
            always added when at least two models could be scored.
        n_windows: backtest windows (fewer on short series).

    Returns:
        One row per series and model, best first: ``unique_id, model, rank, mase, smape, coverage_<l>`` (the
        model's own intervals), ``calibrated_coverage_<l>`` (after calibration, cross-validated by window: what the
        delivered intervals achieve), ``backtest_points``, ``failed_windows`` (windows where the model could not
        fit) and ``chosen`` (True for the model ``forecast(model="auto")`` uses with the same candidates).
    """
    return run(df, h, freq, level, AUTO, models, n_windows, strict=True).leaderboard
