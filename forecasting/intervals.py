"""The run's interval calibration: per-step conformal quantiles of scaled backtest errors, pooled over similar series,
and the coverage and interval score those bands achieve, measured out of sample.

Every series brings :class:`Evidence`: the outcomes and forecasts of its backtest windows (of the model it is
forecast with) and the error scales of :mod:`forecasting.conformal`. Series of one frequency whose errors are on the
same scale (log errors for positive series, plain errors otherwise) form a *group*; the group's scaled errors are
pooled and :class:`~forecasting.conformal.StepQuantiles` gives, for every level asked, a half-width per horizon step
(non-decreasing in the step, and wider for a wider level). Each series' band is its own forecast ± that half-width
times its own scale: ``ŷ·exp(±q·s)`` on the log scale (positive, asymmetric), ``ŷ ± q·s`` otherwise, clipped at zero
for a series with zeros but no negative value. A group with no backtest errors at all keeps the models' own bands.

The coverage and the MSIS (the M4 competition's mean scaled interval score: width plus ``2/α`` times any miss,
over the MASE scale; lower is better) reported for these bands are cross-validated: the group's series are split in
up to :data:`FOLDS` folds and every fold is scored against quantiles learnt from the other folds only; a group of one
series is split by backtest window instead. A coverage is reported only when it rests on at least
:data:`MIN_COVERAGE_POINTS` outcomes (at 80% nominal coverage the standard error on 50 outcomes is 5.7 points; on
the dozen outcomes of one short series it is 12 and a "100%" says nothing); otherwise it is NaN.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.base import Arrays, tidy_intervals
from forecasting.conformal import StepQuantiles, scaled_errors
from forecasting.errors import ModelFitError
from forecasting.validation import level_key

FOLDS = 5
MIN_COVERAGE_POINTS = 50


@dataclass
class Evidence:
    """One series' backtest of the model it is forecast with, as the calibration needs it.

    Attributes:
        y, mean: outcomes and forecasts, ``(windows, steps)`` (NaN where a window has no outcome or failed).
        window_scale: error scale of each window's training data (:func:`forecasting.conformal.error_scale`).
        mase_scale: MASE scale of each window's training data (scales the interval score).
        scale: error scale of the data the final forecast is fitted on.
        log: errors and bands on the log scale (every value positive).
        floor: lower bound of the band (0 for a count: zeros but no negative value), or None.
    """

    y: np.ndarray
    mean: np.ndarray
    window_scale: np.ndarray
    mase_scale: np.ndarray
    scale: float
    log: bool
    floor: float | None

    def errors(self, h: int) -> np.ndarray:
        """Scaled errors ``(windows, h)``, NaN-padded past the backtest horizon."""
        found = scaled_errors(self.y, self.mean, self.window_scale, self.log)
        out = np.full((found.shape[0], h), np.nan)
        out[:, : min(h, found.shape[1])] = found[:, :h]
        return out


@dataclass
class Calibrated:
    """What the calibration gives one series: its band, and the group's measured figures."""

    forecast: Arrays
    group: str
    coverage: dict[float, float]  # this series' own cross-validated coverage (NaN under MIN_COVERAGE_POINTS)
    msis: dict[float, float]  # this series' own cross-validated MSIS (NaN without outcomes)
    points: int  # outcomes behind this series' figures


def group_key(freq: str, evidence: Evidence) -> str:
    """The calibration group of a series: its frequency and the scale of its errors."""
    return f"{freq}|{'log' if evidence.log else 'plain'}"


def band(quantiles: StepQuantiles, mean: np.ndarray, evidence: Evidence, levels: tuple[float, ...]) -> Arrays:
    """The series' band around ``mean`` from the group's quantiles (zero width when the series has no scale)."""
    scale = evidence.scale if np.isfinite(evidence.scale) else 0.0
    out = quantiles.intervals(mean, scale, evidence.log, levels, evidence.floor)
    return tidy_intervals(out, levels, "calibration")


def _window_bounds(quantiles: StepQuantiles, evidence: Evidence, level: float, h: int) -> tuple[np.ndarray, np.ndarray]:
    """The bands the backtest windows would have had: each window's forecast ± q·(its window scale)."""
    steps = evidence.mean.shape[1]
    width = quantiles.quantile(level, max(h, steps))[None, :steps] * evidence.window_scale[:, None]
    mean = evidence.mean
    with np.errstate(invalid="ignore", over="ignore"):
        lo, hi = (mean * np.exp(-width), mean * np.exp(width)) if evidence.log else (mean - width, mean + width)
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    if evidence.floor is not None:
        lo = np.maximum(lo, np.minimum(evidence.floor, mean))
    return lo, hi


def _score(quantiles: StepQuantiles, evidence: Evidence, levels: tuple[float, ...], h: int) -> dict:
    """Inside counts and summed scaled interval scores of one series' outcomes under the given quantiles."""
    observed = np.isfinite(evidence.y) & np.isfinite(evidence.mean) & np.isfinite(evidence.window_scale)[:, None]
    out: dict = {"points": int(np.count_nonzero(observed))}
    scale = np.broadcast_to(evidence.mase_scale[:, None], evidence.y.shape)
    scaled = observed & np.isfinite(scale) & (scale > 0)
    out["scored"] = int(np.count_nonzero(scaled))
    inside_lower = np.zeros(evidence.y.shape, dtype=bool)
    for lv in sorted(levels):
        lo, hi = _window_bounds(quantiles, evidence, lv, h)
        y = evidence.y
        inside_lower = inside_lower | ((y >= lo) & (y <= hi))
        out[("inside", lv)] = int(np.count_nonzero(inside_lower & observed))
        alpha = 1 - lv / 100
        with np.errstate(invalid="ignore"):
            score = (hi - lo) + 2 / alpha * (np.maximum(lo - y, 0) + np.maximum(y - hi, 0))
            out[("score", lv)] = float(np.sum(score[scaled] / scale[scaled]))
    return out


def _folds(members: list[int], evidence: list[Evidence]) -> list[list[tuple[int, np.ndarray | None]]]:
    """Folds of (series index, window mask): by series when the group has several with errors, else by window."""
    with_errors = [i for i in members if np.isfinite(evidence[i].errors(1)).any()]
    if len(with_errors) >= 2:
        k = min(FOLDS, len(with_errors))
        return [[(i, None) for i in with_errors[f::k]] for f in range(k)]
    if not with_errors:
        return []
    i = with_errors[0]
    windows = evidence[i].y.shape[0]
    return [[(i, np.arange(windows) == w)] for w in range(windows)] if windows >= 2 else []


@dataclass(frozen=True)
class Pooled:
    """A run's calibration, kept to band later runs of some of its series exactly as the run banded them.

    The Forecast page forecasts one series alone and takes its band from the run over every region of the indicator
    (computed once per data version): the same group quantiles times the series' own scale, and the same measured
    figures, without fitting the other series again.

    Attributes:
        h, levels, model: the run's horizon, levels and model (a later run must ask for the same).
        quantiles: per group, the fitted :class:`~forecasting.conformal.StepQuantiles`.
        groups: the run's ``calibration`` frame (one row per group).
        series: per ``unique_id``, its group and cross-validated figures (``forecast`` left empty).
        dense: the run was of one series, backtested on dense windows (a later run of it is too).
    """

    h: int
    levels: tuple[float, ...]
    model: str
    quantiles: dict[str, StepQuantiles]
    groups: pd.DataFrame
    series: dict[object, Calibrated]
    dense: bool = False


def calibrate_run(
    freqs: list[str],
    means: list[Arrays],
    evidence: list[Evidence],
    levels: tuple[float, ...],
    h: int,
    uids: list[object] | None = None,
    pooled: Pooled | None = None,
) -> tuple[list[Calibrated | ModelFitError], pd.DataFrame, dict[str, StepQuantiles]]:
    """Calibrate every series of a run (see the module docstring).

    Args:
        freqs: each series' frequency alias.
        means: each series' forecast arrays (the mean and the model's own intervals, kept where nothing calibrates).
        evidence: each series' backtest evidence (no windows when it was too short for a backtest: it then borrows
            the group's quantiles with its own scale).
        levels: interval levels (ascending); h: forecast horizon.
        uids: each series' ``unique_id`` (to read its figures off ``pooled``).
        pooled: an earlier run's calibration: a group it holds takes its quantiles, row and per-series figures from
            there instead of pooling this run's errors; other groups are calibrated here.

    Returns:
        One :class:`Calibrated` per series, or the `ModelFitError` of a series whose band cannot be drawn (e.g.
        ``exp`` overflowing on a series whose history holds a 10,000-fold unit slip: one such series must not
        blank the others); one row per group: ``group, series, points, coverage-<l>…,
        msis-<l>…`` (the group's cross-validated figures; coverage NaN under ``MIN_COVERAGE_POINTS`` points); and
        the quantiles of each group that had errors.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, (freq, ev) in enumerate(zip(freqs, evidence, strict=True)):
        groups[group_key(freq, ev)].append(i)
    out: list[Calibrated | None] = [None] * len(freqs)
    rows, fitted = [], {}
    for key, members in groups.items():
        if pooled is not None and key in pooled.quantiles:
            quantiles = fitted[key] = pooled.quantiles[key]
            for i in members:
                kept = pooled.series.get(uids[i]) if uids is not None else None
                figures = (kept.coverage, kept.msis, kept.points) if kept else (_nan(levels), _nan(levels), 0)
                out[i] = _banded(quantiles, means[i], evidence[i], levels, key, *figures)
            rows.append(pooled.groups[pooled.groups["group"] == key].iloc[0].to_dict())
            continue
        pool = np.vstack([evidence[i].errors(h) for i in members])
        if not np.isfinite(pool).any():
            for i in members:
                out[i] = Calibrated(means[i], key, _nan(levels), _nan(levels), 0)
            rows.append(_group_row(key, len(members), {}, levels))
            continue
        quantiles = fitted[key] = StepQuantiles(levels).fit(pool)
        tallies = _cross_validate(members, evidence, levels, h)
        for i in members:
            tally = tallies.get(i, {"points": 0, "scored": 0})
            coverage, msis = _figures(tally, levels)
            out[i] = _banded(quantiles, means[i], evidence[i], levels, key, coverage, msis, tally["points"])
        total = _sum(tallies.values(), levels)
        rows.append(_group_row(key, len(members), total, levels))
    columns = ["group", "series", "points", *(f"{k}-{level_key(lv)}" for k in ("coverage", "msis") for lv in levels)]
    return [c for c in out if c is not None], pd.DataFrame(rows, columns=columns), fitted


def _banded(quantiles: StepQuantiles, means: Arrays, evidence: Evidence, levels: tuple[float, ...], key: str, *figures):
    try:
        return Calibrated(band(quantiles, means["mean"], evidence, levels), key, *figures)
    except ModelFitError as exc:
        return exc


def _cross_validate(members: list[int], evidence: list, levels: tuple[float, ...], h: int) -> dict[int, dict]:
    tallies: dict[int, dict] = {}
    errors = {i: evidence[i].errors(h) for i in members}
    for fold in _folds(members, evidence):
        held = {i for i, _ in fold}
        if fold[0][1] is None:  # series held out: one fit on the other folds' series
            train = np.vstack([errors[i] for i in members if i not in held])
        else:  # a lone series: its other windows
            i, mask = fold[0]
            train = errors[i][~mask]
        if not np.isfinite(train).any():
            continue
        quantiles = StepQuantiles(levels).fit(train)
        for i, mask in fold:
            ev = evidence[i] if mask is None else _windows(evidence[i], mask)
            tally = _score(quantiles, ev, levels, h)
            tallies[i] = _sum([tallies[i], tally], levels) if i in tallies else tally
    return tallies


def _windows(ev: Evidence, mask: np.ndarray) -> Evidence:
    return Evidence(ev.y[mask], ev.mean[mask], ev.window_scale[mask], ev.mase_scale[mask], ev.scale, ev.log, ev.floor)


def _sum(tallies, levels: tuple[float, ...]) -> dict:
    total: dict = {"points": 0, "scored": 0}
    for tally in tallies:
        for key, value in tally.items():
            total[key] = total.get(key, 0) + value
    return total


def _figures(tally: dict, levels: tuple[float, ...]) -> tuple[dict[float, float], dict[float, float]]:
    points, scored = tally.get("points", 0), tally.get("scored", 0)
    coverage = {
        lv: 100 * tally[("inside", lv)] / points if points >= MIN_COVERAGE_POINTS else float("nan") for lv in levels
    }
    msis = {lv: tally[("score", lv)] / scored if scored else float("nan") for lv in levels}
    return coverage, msis


def _group_row(key: str, series: int, total: dict, levels: tuple[float, ...]) -> dict:
    coverage, msis = _figures(total, levels) if total else (_nan(levels), _nan(levels))
    row = {"group": key, "series": series, "points": int(total.get("points", 0))}
    row |= {f"coverage-{level_key(lv)}": coverage[lv] for lv in levels}
    row |= {f"msis-{level_key(lv)}": msis[lv] for lv in levels}
    return row


def _nan(levels: tuple[float, ...]) -> dict[float, float]:
    return {lv: float("nan") for lv in levels}
