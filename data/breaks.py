"""The vintage-break check: jumps far outside a series' own history that many regions share in the same period.

Statistical offices revise history after a census; a table that mixes figures from before and after a revision
shows a jump where the vintages meet — the same period, in many regions at once, far larger than the series ever
moves. A leader reading that chart sees a boom or a collapse that never happened. This check finds such periods
and reports them as probable revisions, as facts (indicator, period, regions, sizes); it never changes a value.

A region's jump is its period-on-period change (log ratio) compared with the series' other changes: its distance
from their median, in robust standard deviations (1.4826 × median absolute deviation). A period is reported when
enough regions jump there. The change every region shares in a period (its median across regions) is taken out
first: a boom, a lockdown or a seasonal pattern moves all regions together, and census revisions do not land that
way (the fourth census moved Tianjin's GDP −29 % and Guangdong's +8 % in the same year). The price is that a
revision moving every region by the same proportion is not reported. Only positive level series are examined (pass
the level indicators): in a rate, a shift shared or not is usually the economy. Thresholds: data/vintage.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from common import yamlio

CONFIG_FILE = Path(__file__).resolve().parent / "vintage.yaml"
MAD_TO_SD = 1.4826  # median absolute deviation → standard deviation, for normal data
SERIES = ["indicator_id", "region_code", "freq"]


@dataclass(frozen=True)
class BreakRules:
    """When a jump counts and when a period is reported (see data/vintage.yaml for the reasons)."""

    min_z: float = 5.0  # distance from the series' usual change, in robust standard deviations
    min_jump: float = 0.05  # and at least this far from it, as a log change (about 5 %)
    min_spread: float = 0.01  # a floor under the spread, so a very smooth series does not flag tiny steps
    window: int = 10  # the series' history: its changes within this many periods either side
    min_history: int = 6  # other changes the series needs within the window before one is judged
    min_regions: int = 3  # regions jumping in the same period…
    min_share: float = 0.2  # …and at least this share of the regions reporting both periods


@dataclass(frozen=True)
class Break:
    """A probable revision: an indicator and period in which several regions jump far outside their history.

    `changes` are the jumps (per cent change on the previous period) and `usual` the change each region's own
    history led one to expect (its usual change beyond what all regions share, plus what they shared that
    period), in the order of `regions`; `reporting` counts the regions with a change in that period.
    """

    indicator_id: str
    period: pd.Timestamp
    freq: str
    regions: tuple[str, ...]
    changes: tuple[float, ...]
    usual: tuple[float, ...]
    reporting: int

    @property
    def share(self) -> float:
        return len(self.regions) / self.reporting if self.reporting else 0.0


@lru_cache(maxsize=1)
def break_rules() -> BreakRules:
    """The thresholds of data/vintage.yaml (`breaks:`)."""
    raw = yamlio.read(CONFIG_FILE)
    return BreakRules(**raw["breaks"])


def _ordinal(period: pd.Series, freq: pd.Series) -> np.ndarray:
    """Consecutive integers for consecutive periods of each frequency."""
    year, month = period.dt.year.to_numpy(), period.dt.month.to_numpy() - 1
    f = freq.to_numpy()
    return np.where(f == "A", year, np.where(f == "Q", year * 4 + month // 3, year * 12 + month))


def _row_median(rows: np.ndarray) -> np.ndarray:
    """Median of each row's non-missing values (every row has at least one): sorting puts NaN last."""
    ordered = np.sort(rows, axis=1)
    k = (~np.isnan(rows)).sum(axis=1)
    idx = np.arange(len(rows))
    return (ordered[idx, (k - 1) // 2] + ordered[idx, k // 2]) / 2


def _changes(obs: pd.DataFrame) -> pd.DataFrame:
    """Log change of every positive level series between consecutive periods, net of the period's common change.

    `common` is the median change of all regions reporting the indicator in that period (when at least three do):
    what every region shares — a boom, a lockdown, a seasonal pattern — is not a break of one region's series.
    """
    rows = obs.loc[obs["value"].notna(), [*SERIES, "period", "value"]]
    rows = rows[rows.groupby(SERIES)["value"].transform("min") > 0]
    rows = rows.assign(ord=_ordinal(rows["period"], rows["freq"])).sort_values([*SERIES, "ord"])
    same = (rows[SERIES].shift() == rows[SERIES]).all(axis=1) & (rows["ord"].diff() == 1)
    change = np.log(rows["value"].to_numpy(dtype=float))
    change = pd.Series(change, index=rows.index).diff()
    out = rows.loc[same, [*SERIES, "period", "ord"]].assign(change=change[same])
    by_period = out.groupby(["indicator_id", "freq", "period"])["change"]
    common = by_period.transform("median").where(by_period.transform("size") >= 3, 0.0)
    return out.assign(common=common, residual=out["change"] - common)


def _robust(frame: pd.DataFrame, column: str, rules: BreakRules) -> tuple[np.ndarray, np.ndarray]:
    """For every row: the median of the same series' other values of `column` within the window, and the row's
    distance from it in robust standard deviations (NaN where the series has too little history)."""
    ords, values = frame["ord"].to_numpy(), frame[column].to_numpy()
    usual, z = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    starts = np.flatnonzero(~(frame[SERIES].shift() == frame[SERIES]).all(axis=1).to_numpy())
    if frame.empty:
        return usual, z
    for lo, hi in zip(starts, [*starts[1:], len(frame)], strict=True):
        o, v = ords[lo:hi], values[lo:hi]
        # Row i holds the series' other values within the window (NaN elsewhere): medians row by row.
        near = np.abs(o[:, None] - o[None, :]) <= rules.window
        np.fill_diagonal(near, False)
        enough = near.sum(axis=1) >= rules.min_history
        if not enough.any():
            continue
        others = np.where(near[enough], v[None, :], np.nan)
        med = _row_median(others)
        spread = MAD_TO_SD * _row_median(np.abs(others - med[:, None]))
        usual[lo:hi][enough] = med
        z[lo:hi][enough] = (v[enough] - med) / np.maximum(spread, rules.min_spread)
    return usual, z


def jumps(obs: pd.DataFrame, rules: BreakRules | None = None) -> pd.DataFrame:
    """Every region's period-on-period change, judged against the same series' other changes nearby.

    Returns one row per change: indicator_id, region_code, freq, period, change and common (log), residual (change
    net of common), usual (median of the series' other residuals within `window` periods), z (robust distance
    from them) and `jump` (True when it is far outside the series' own history).
    """
    rules = rules or break_rules()
    frame = _changes(obs).reset_index(drop=True)  # sorted by series, then period
    usual, z = _robust(frame, "residual", rules)
    far = (np.abs(z) >= rules.min_z) & (np.abs(frame["residual"].to_numpy() - usual) >= rules.min_jump)
    return frame.assign(usual=usual, z=z, jump=far)


def vintage_breaks(
    obs: pd.DataFrame, indicator_ids: Iterable[str] | None = None, rules: BreakRules | None = None
) -> list[Break]:
    """Probable revisions in `obs` (the canonical long frame), by indicator and period.

    Args:
        obs: observations; several regions per indicator make the check meaningful.
        indicator_ids: the level indicators to examine (default every indicator in `obs`).
        rules: thresholds (default those of data/vintage.yaml).
    """
    rules = rules or break_rules()
    if indicator_ids is not None:
        obs = obs[obs["indicator_id"].isin(set(indicator_ids))]
    found = jumps(obs, rules)
    found_list = []
    for (indicator_id, freq, period), group in found.groupby(["indicator_id", "freq", "period"], sort=True):
        hit = group[group["jump"]]
        if len(hit) >= rules.min_regions and len(hit) >= rules.min_share * len(group):
            hit = hit.sort_values("region_code")
            found_list.append(
                Break(
                    indicator_id=indicator_id,
                    period=pd.Timestamp(period),
                    freq=freq,
                    regions=tuple(hit["region_code"]),
                    changes=tuple(float(np.expm1(c) * 100) for c in hit["change"]),
                    usual=tuple(float(np.expm1(u + c) * 100) for u, c in zip(hit["usual"], hit["common"], strict=True)),
                    reporting=len(group),
                )
            )
    return found_list


def breaks_frame(found: list[Break]) -> pd.DataFrame:
    """The breaks as a table: indicator, period, freq, regions (count), reporting, median jump (%), region codes."""
    return pd.DataFrame(
        {
            "indicator_id": [b.indicator_id for b in found],
            "period": [b.period for b in found],
            "freq": [b.freq for b in found],
            "regions": [len(b.regions) for b in found],
            "reporting": [b.reporting for b in found],
            "median_change": [float(np.median(b.changes)) for b in found],
            "region_codes": [list(b.regions) for b in found],
        }
    )
