"""``forecast`` and ``leaderboard``: views of one :func:`~forecasting.run.run` (``cross_validation`` and
``evaluate`` live in their own modules).

Input: a frame with ``unique_id, ds, y`` — many series at once, any of annual, quarterly, monthly, weekly or daily
(the frequency is inferred per series unless ``freq`` is given; seasons of 4, 12, 52 and 7), with gaps and
non-positive values allowed. Whole non-negative numbers per day or week are read as counts (bands never below zero);
Chinese public holidays are not comparable days of a daily series (see :func:`forecasting.run.run`). Both raise on
the first series that cannot be forecast; :func:`~forecasting.run.run` reports such series in ``errors`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from forecasting.registry import DEFAULT_MODEL
from forecasting.run import run


def forecast(
    df: pd.DataFrame, h: int, freq: str | None = None, level=(80, 95), model: str = DEFAULT_MODEL
) -> pd.DataFrame:
    """Forecast every series of a long frame ``h`` periods ahead, with calibrated intervals.

    Args:
        df: long frame ``unique_id, ds, y``; ``ds`` holds dates, or plain period numbers (1, 2, 3… or years as
            integers: then ``freq`` is None or the integer step, and the series have no season).
        h: periods ahead (positive integer).
        freq: pandas alias (``"YS"``, ``"QS"``, ``"MS"``…) or data-layer code (``"A"``, ``"Q"``, ``"M"``); inferred
            per series when ``None``.
        level: interval levels in percent.
        model: ``"combination"`` (the default: a fixed combination, see :mod:`forecasting.registry`), ``"auto"``
            (chosen per series by backtest), ``"ensemble"``, or a registered single model (``naive``,
            ``seasonal_naive``, ``drift``, ``ets``, ``ets_damped``, ``arima``, ``arima_small``, ``theta``, ``dotm``,
            ``ces``, ``prophet``).

    Returns:
        One row per series and step: ``unique_id, ds, <model>, <model>-lo-<l>, <model>-hi-<l>…`` (``<model>`` is
        the argument, e.g. ``combination``; bands per step from pooled backtest errors, see
        :mod:`forecasting.intervals`), then per-series facts: ``model`` (the model actually used: the choice of
        ``auto``, or ``naive`` when a model had to fall back), ``spec`` (fitted form, e.g. ``ETS(A,Ad,N)``),
        ``fit_start`` (first date the model saw; later than the data's first date when a gap or a level break cut
        older history), ``backtest_points``, ``mase``, ``smape`` and ``mae`` of that model in the backtest,
        ``coverage-<l>`` and ``msis-<l>``: the series' own cross-validated coverage (%) of the bands exactly as
        delivered (NaN under 50 backtest outcomes: see ``ForecastRun.calibration`` for its group's) and interval
        score, and ``calibration``, the group of series whose errors were pooled.

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
        models: single models to compare (default: the fast set); the members of the default combination and the
            combination itself are always added.
        n_windows: backtest windows (fewer on short series).

    Returns:
        One row per series and model, best first: ``unique_id, model, rank, mase, smape, mae, coverage_<l>`` (the
        model's own intervals, uncalibrated), ``backtest_points``, ``failed_windows`` (windows where the model could
        not fit) and ``chosen`` (True for the default, whose forecast :func:`forecast` delivers).
    """
    return run(df, h, freq, level, DEFAULT_MODEL, models, n_windows, strict=True).leaderboard
