"""Level breaks in a series: a statistical-vintage change, a census revision, a one-year spike from a mixed vintage.

A break shows up as one period-to-period change far outside the series' usual changes. The detector works on the
changes of the log series when every value is positive (so a jump is a percentage and a growing series keeps a steady
scale) and on plain changes otherwise. Each change is compared with the median of its neighbours (``window`` on each
side), which follows a growth rate that drifts slowly (a maturing economy) without flagging it; the residuals are
scaled by their robust spread (1.4826 × median absolute deviation). A change is a break when it is at least
``threshold`` robust standard deviations away *and* at least ``min_jump`` in size (5%: smaller revisions do not
matter to a forecast).

A flagged change followed by one of opposite sign (at least ``RETURN_Z`` robust standard deviations) that nearly
cancels it is one bad value, an ``"outlier"`` (Liaoning's 2013
GDP of 27,078 亿元 between 17,849 and 20,026); otherwise the break is a ``"level"`` shift (Tianjin 2018 → 2019,
18,810 → 14,104 after the fourth economic census). :func:`consistent_start` gives where the consistent part after
the last break begins, the part a forecast should be fitted on.

Measured (``tests/test_forecasting_breaks.py``, issue 15's report): a 25% shift on a series growing 8% ± 3% a period
is found at its position 97% of the time; calm simulated series of 30 points raise an alarm in under 1% (Gaussian
growth) but 12% with heavy-tailed growth (Student t, 4 degrees of freedom). On the shipped annual series the detector
flags 41% of the positive ones with 17 or more points: most are real shocks (1960–62, exchange-rate swings), which no
statistic tells apart from a vintage change; so a break is a warning to show, and refitting on the consistent part a
choice (on the shipped series it lowered the mean held-back MASE from 3.88 to 3.70, better on 55% of them).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from forecasting.errors import ForecastInputError

RETURN_Z = 3.0  # how far the change back after a flagged jump must be, in robust standard deviations, to make a spike
MIN_CHANGES = 8  # fewer period-to-period changes than this: no spread can be estimated, nothing is flagged


@dataclass(frozen=True)
class Break:
    """One break: ``position`` is the index of the first value after the jump (the outlier itself for a spike)."""

    position: int
    kind: str  # "level" or "outlier"
    size: float  # the jump beyond the usual change: a log difference (≈ relative) or, on the plain scale, a value
    z: float  # the jump in robust standard deviations
    log_scale: bool

    @property
    def relative(self) -> float | None:
        """The jump as a fraction (−0.26 = a 26% drop), on the log scale only."""
        return float(np.expm1(self.size)) if self.log_scale else None


def _neighbour_median(d: np.ndarray, window: int) -> np.ndarray:
    """Median of the ``window`` values on each side of every value (itself excluded; fewer at the ends)."""
    padded = np.r_[np.full(window, np.nan), d, np.full(window, np.nan)]
    around = np.lib.stride_tricks.sliding_window_view(padded, 2 * window + 1)
    near = np.delete(around, window, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a one-change series has no neighbours: its own value
        out = np.nanmedian(near, axis=1)
    return np.where(np.isnan(out), d, out)


def detect_breaks(
    y: object, *, threshold: float = 5.0, min_jump: float = 0.05, window: int = 3, log: bool | None = None
) -> list[Break]:
    """Level breaks and single-value outliers of one series, oldest first (see the module docstring).

    Args:
        y: values in time order; missing values are skipped (a change then spans the gap).
        threshold: robust standard deviations a change must be away from its neighbours' median.
        min_jump: the smallest jump that counts, as a log difference (≈ a fraction) or, on the plain scale, as a
            fraction of the median absolute value of the series.
        window: neighbours on each side whose median change is the reference.
        log: work on log values; ``None`` = when every value is positive.

    Raises:
        ForecastInputError: ``y`` is not one-dimensional and numeric.
    """
    values = np.asarray(y, dtype="float64")
    if values.ndim != 1:
        raise ForecastInputError(f"detect_breaks needs one series (1-D); got shape {values.shape}")
    positions = np.flatnonzero(np.isfinite(values))
    observed = values[positions]
    use_log = bool(len(observed) and (observed > 0).all()) if log is None else log
    if use_log and not (observed > 0).all():
        raise ForecastInputError("log=True needs positive values")
    if len(observed) - 1 < MIN_CHANGES:
        return []
    level = np.log(observed) if use_log else observed
    changes = np.diff(level)
    residual = changes - _neighbour_median(changes, window)
    spread = 1.4826 * float(np.median(np.abs(residual - np.median(residual))))
    smallest = min_jump if use_log else min_jump * float(np.median(np.abs(observed)))
    spread = max(spread, smallest / (2 * threshold), 1e-12)  # a perfectly smooth series: only real jumps count
    z = residual / spread
    flagged = (np.abs(z) >= threshold) & (np.abs(residual) >= smallest)
    breaks: list[Break] = []
    t = 0
    while t < len(changes):
        if not flagged[t]:
            t += 1
            continue
        # the way back from a spike is a specific hypothesis once the spike is flagged: a lower bar (RETURN_Z)
        back = t + 1 < len(changes) and abs(z[t + 1]) >= RETURN_Z and np.sign(residual[t + 1]) != np.sign(residual[t])
        if back and abs(residual[t] + residual[t + 1]) < 0.5 * abs(residual[t]):
            breaks.append(Break(int(positions[t + 1]), "outlier", float(residual[t]), float(z[t]), use_log))
            t += 2
            continue
        breaks.append(Break(int(positions[t + 1]), "level", float(residual[t]), float(z[t]), use_log))
        t += 1
    return breaks


def consistent_start(y: object, breaks: list[Break] | None = None, **options: object) -> int:
    """Index of the first value of the consistent part after the last break (0 without breaks).

    After an outlier the consistent part starts with the value after it; after a level shift, with the first value
    of the new level. ``options`` go to :func:`detect_breaks` when ``breaks`` is not given.
    """
    found = detect_breaks(y, **options) if breaks is None else breaks  # type: ignore[arg-type]
    if not found:
        return 0
    last = found[-1]
    return last.position + 1 if last.kind == "outlier" else last.position
