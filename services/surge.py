"""Surge warnings: a topic's (or a topic's in one area) daily or weekly case volume far above its own forecast, and
overdue build-ups — facts with codes and numbers; the words are ``surge.*`` in common/strings/services_signals.yaml.

**Surges** are tested by rolling origin, honestly: for each of the ``recent`` newest complete periods the model is
fitted on the history *before* that period only, forecasts one step, and the period is flagged when its count is
above the upper bound of the 95% interval and at least ``min_ratio`` (1.5) times the forecast — on thousands of
topic × area series a bare 95% test would flag dozens of ordinary periods by chance (2.5% of calm ones, as
measured), so a flagged count must also be above the 99.9% quantile of a Poisson count with the forecast as its
mean (at 20 cases a day that alone takes 35). The bound is never tighter than counting noise alone (the 97.5%
quantile of a Poisson count with the forecast as its mean), so a smooth history cannot make a trivially narrow band.
The model is the forecasting library's Theta (seasonal for days, season 7; for weeks, season 52 once two years of
history exist), falling back to seasonal naive and naive when it cannot fit.

Thin series do not flood the list: a period is tested only when it has at least ``min_count`` cases, at least
``min_history`` periods of history before it with some cases in it (a topic new this week is a hot topic, not a
surge), and is itself a jump: ``min_ratio`` times its usual level (the median of the same weekday over the previous
four weeks for days, of the previous eight weeks for weeks) and beyond counting noise around it — a count near its
usual level is not a surge whatever a trend says. Public holidays are not tested (a 春节 day is not comparable with
an ordinary one; ``forecasting.holidays``).

**Overdue build-ups**: the open-past-due count at period end (``services.counts.overdue_counts``) rising
``rising`` periods running to at least ``min_count`` and to more than ``BUILDUP_RATIO`` times its usual level (the
median of the ``baseline`` periods before the rise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting import ForecastError, make_model
from forecasting.holidays import is_holiday
from services.counts import count_matrix, overdue_counts, to_series

LEVEL = 95
MODELS = ("theta", "seasonal_naive", "naive")  # tried in turn
BUILDUP_RATIO = 1.25
NOISE = 0.999  # and improbable as counting noise alone: above this Poisson quantile of the forecast
MIN_RATIO = 1.5  # a surge is also at least this many times its forecast: a 3% excess over a bound is not news
SETTINGS = {  # per frequency: periods tested, history needed, the usual level's window and step back
    "D": {"recent": 7, "min_history": 28, "usual": 4, "usual_lag": 7, "season": 7},
    "W": {"recent": 4, "min_history": 12, "usual": 8, "usual_lag": 1, "season": 52},
}


@dataclass(frozen=True)
class Surge:
    """A period whose volume is above the 95% bound of its own forecast.

    Attributes:
        topic, area: the series (``area`` None for the topic across all areas).
        period: the period's first day; ``freq`` ``"D"`` or ``"W"``.
        count: cases opened in the period; ``expected`` the forecast; ``bound`` the upper 95% bound.
        history_start, history_end, history_periods: the history the forecast was fitted on (the periods before).
        usual: the usual level (median of comparable recent periods); ``model`` the model that made the forecast.
    """

    topic: str
    area: str | None
    period: pd.Timestamp
    freq: str
    count: int
    expected: float
    bound: float
    usual: float
    history_start: pd.Timestamp
    history_end: pd.Timestamp
    history_periods: int
    model: str
    code: str = "surge"

    @property
    def ratio(self) -> float:
        """Count over expected (how many times the forecast)."""
        return self.count / self.expected if self.expected > 0 else float("inf")


@dataclass(frozen=True)
class Buildup:
    """Open-past-due cases rising ``rising`` periods running, to ``count`` at the end of ``period`` against a usual
    ``usual`` (median of the ``baseline`` periods before the rise)."""

    topic: str
    area: str | None
    period: pd.Timestamp
    freq: str
    count: int
    usual: float
    rising: int
    baseline: int
    code: str = "overdue_buildup"


def poisson_quantile(q: float, mean: np.ndarray | float) -> np.ndarray | float:
    """The ``q`` quantile of a Poisson count with mean ``mean`` (NaN for a NaN mean). SciPy is imported here, not
    with the module: every page imports the app's cache, and SciPy costs a cold start a second."""
    from scipy.stats import poisson

    return poisson.ppf(q, mean)


def _season(freq: str, n: int) -> int:
    season = SETTINGS[freq]["season"]
    return season if n >= 2 * season + 2 else 1


def forecast_bound(history: np.ndarray, freq: str) -> tuple[float, float, str]:
    """One-step forecast of ``history`` and the upper bound of its 95% interval (never below the Poisson bound of
    the forecast), with the name of the model that made it.

    Raises:
        ForecastError: no model could fit (a history too short for naive).
    """
    season = _season(freq, len(history))
    last: ForecastError | None = None
    for name in MODELS:
        try:
            out = make_model(name, season).fit(history).predict(1, level=(LEVEL,))
        except ForecastError as err:
            last = err
            continue
        mean = max(float(out["mean"].iloc[0]), 0.0)
        bound = max(float(out[f"hi-{LEVEL}"].iloc[0]), float(poisson_quantile(0.5 + LEVEL / 200, mean)))
        return mean, bound, name
    raise last or ForecastError("no model could fit the history")


def usual_levels(values: np.ndarray, at: int, freq: str) -> np.ndarray:
    """Median of the comparable periods before position ``at`` (same weekday for days), per row of ``values``
    ``(series, periods)``; NaN without any."""
    lag, window = SETTINGS[freq]["usual_lag"], SETTINGS[freq]["usual"]
    positions = at - lag * np.arange(1, window + 1)
    positions = positions[positions >= 0]
    if not len(positions):
        return np.full(values.shape[0], np.nan)
    return np.median(values[:, positions], axis=1)


def matrix_surges(
    keys: list[tuple],
    periods: pd.DatetimeIndex,
    matrix: np.ndarray,
    freq: str,
    *,
    recent: int | None = None,
    min_count: int = 10,
    min_history: int | None = None,
    min_ratio: float = MIN_RATIO,
    holidays: str | None = "CN",
) -> list[Surge]:
    """Surges among the ``recent`` newest periods of many count series at once: ``matrix`` ``(series, periods)``,
    row ``i`` the series of ``keys[i]`` = ``(topic,)`` or ``(topic, area)`` (see :func:`surges` for the rules).

    The screen before any model is fitted is part of the definition, not only a shortcut: a surge is at least
    ``min_count`` cases, ``min_ratio`` times its usual level and beyond counting noise around that level, with
    cases in its history.
    """
    settings = SETTINGS[freq]
    recent = settings["recent"] if recent is None else recent
    min_history = settings["min_history"] if min_history is None else min_history
    values = matrix.astype("float64")
    skip = is_holiday(periods, holidays) if freq == "D" else np.zeros(len(periods), dtype=bool)
    out = []
    for at in range(max(min_history, len(periods) - recent), len(periods)):
        if skip[at]:
            continue
        count = values[:, at]
        usual = usual_levels(values, at, freq)
        with np.errstate(invalid="ignore"):
            screen = (count >= min_count) & (count >= min_ratio * usual) & (count > poisson_quantile(NOISE, usual))
        screen &= values[:, :at].sum(axis=1) > 0
        for row in np.flatnonzero(screen):
            try:
                expected, bound, model = forecast_bound(values[row, :at], freq)
            except ForecastError:
                continue
            c = count[row]
            if c > bound and c >= min_ratio * expected and c > poisson_quantile(NOISE, expected):
                key = keys[row]
                area = key[1] if len(key) > 1 else None
                history = (periods[0], periods[at - 1], at)
                out.append(
                    Surge(str(key[0]), area, periods[at], freq, int(c), expected, bound, float(usual[row]), *history,
                          model)
                )  # fmt: skip
    return out


def series_surges(series: pd.Series, freq: str, topic: str, area: str | None = None, **settings) -> list[Surge]:
    """Surges of one count series indexed by period start on its grid (settings as :func:`matrix_surges`)."""
    key = (topic,) if area is None else (topic, area)
    values = series.to_numpy(dtype="int64")[None, :]
    return matrix_surges([key], pd.DatetimeIndex(series.index), values, freq, **settings)


def surges(
    cases: pd.DataFrame,
    freq: str = "W",
    *,
    by_area: bool = True,
    recent: int | None = None,
    min_count: int = 10,
    min_history: int | None = None,
    min_ratio: float = MIN_RATIO,
    holidays: str | None = "CN",
) -> list[Surge]:
    """Surges of every topic (across all areas) and, with ``by_area``, of every topic in every area; the largest
    excess over the bound first. An area's surge that is the whole of its topic's (every case of the period in that
    area) is said once, for the topic.

    Args:
        cases: a canonical case table.
        freq: ``"D"`` or ``"W"``.
        recent: newest complete periods tested (default 7 days or 4 weeks).
        min_count: cases a period needs to be tested.
        min_history: periods of history a period needs before it (default 28 days or 12 weeks).
        min_ratio: how many times its forecast (and its usual level) a flagged count is at least.
        holidays: the country whose public holidays are not tested (daily only), or None.
    """
    settings = {"recent": recent, "min_count": min_count, "min_history": min_history, "min_ratio": min_ratio,
                "holidays": holidays}  # fmt: skip
    found: list[Surge] = []
    for by in (("topic",), ("topic", "area")) if by_area else (("topic",),):
        keys, periods, matrix = count_matrix(cases, freq, by)
        if len(keys):
            found += matrix_surges(keys, periods, matrix, freq, **settings)
    whole = {(s.topic, s.period, s.count) for s in found if s.area is None}
    found = [s for s in found if s.area is None or (s.topic, s.period, s.count) not in whole]
    return sorted(found, key=lambda s: (-(s.count - s.bound) / max(s.bound, 1.0), s.topic, s.area or "", s.period))


def _missing(key: tuple) -> bool:
    return any(pd.isna(k) for k in key)


def series_buildup(
    series: pd.Series, freq: str, topic: str, area: str | None = None, *, rising: int = 3, baseline: int = 8,
    min_count: int = 10,
) -> Buildup | None:  # fmt: skip
    """The build-up at the newest period of one open-past-due series, or None."""
    values = series.to_numpy(dtype="float64")
    if len(values) < rising + baseline // 2 + 1 or values[-1] < min_count:
        return None
    steps = np.diff(values[-rising - 1 :])
    if not (steps > 0).all():
        return None
    before = values[max(0, len(values) - rising - baseline) : len(values) - rising]
    usual = float(np.median(before))
    if not values[-1] > BUILDUP_RATIO * usual:
        return None
    return Buildup(topic, area, pd.Timestamp(series.index[-1]), freq, int(values[-1]), usual, rising, len(before))


def buildups(
    cases: pd.DataFrame, freq: str = "W", *, by: Sequence[str] = ("topic",), rising: int = 3, baseline: int = 8,
    min_count: int = 10,
) -> list[Buildup]:  # fmt: skip
    """Overdue build-ups of every group at the log's newest complete period, the largest first."""
    by = tuple(by)
    found = []
    for key, series in to_series(overdue_counts(cases, freq, by), by, "overdue").items():
        if _missing(key):
            continue
        area = key[1] if len(key) > 1 else None
        hit = series_buildup(series, freq, str(key[0]), area, rising=rising, baseline=baseline, min_count=min_count)
        if hit is not None:
            found.append(hit)
    return sorted(found, key=lambda b: (-b.count / max(b.usual, 1.0), b.topic))
