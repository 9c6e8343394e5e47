"""Staleness: is a series' latest period as recent as its publication calendar says it should be by today?

Lags live in indicators/freshness.yaml, per frequency (and per series for those not published every period).
A period is expected once `months` have passed since it ended; the latest expected period is compared with the
latest reported one. Returns facts (periods); pages word them ("最新数据为 2022 年").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from common import yamlio
from indicators.errors import MetadataError

FRESHNESS_FILE = Path(__file__).resolve().parent / "freshness.yaml"
TODAY_ENV = "COCKPIT_TODAY"
FREQ_NAMES = {"A": "annual", "Q": "quarterly", "M": "monthly"}
STEP_MONTHS = {"A": 12, "Q": 3, "M": 1}


@dataclass(frozen=True)
class Lag:
    """How long after a period ends its figures are expected, and how often the series is published."""

    months: int
    every: int = 1


@dataclass(frozen=True)
class Freshness:
    """A series' latest reported period against the latest one expected by `today`."""

    freq: str
    latest: pd.Timestamp | None
    expected: pd.Timestamp
    today: date

    @property
    def stale(self) -> bool:
        return self.latest is None or self.latest < self.expected


def today() -> date:
    """Today, or the date in $COCKPIT_TODAY (YYYY-MM-DD).

    Raises:
        MetadataError: $COCKPIT_TODAY is set but is not a date.
    """
    text = os.environ.get(TODAY_ENV)
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise MetadataError(f"${TODAY_ENV} must be a date like 2026-12-02; got {text!r}") from None


@lru_cache(maxsize=1)
def _config() -> dict:
    return yamlio.read(FRESHNESS_FILE)


def lag_of(freq: str, indicator_id: str | None = None) -> Lag:
    """The publication lag of a series (its own, else its frequency's)."""
    config = _config()
    own = (config.get("series") or {}).get(indicator_id) if indicator_id else None
    return Lag(**own) if own else Lag(months=int(config["lags"][FREQ_NAMES[freq]]))


def _start(index: int, step: int) -> pd.Timestamp:
    months = index * step
    return pd.Timestamp(year=months // 12, month=months % 12 + 1, day=1)


@lru_cache(maxsize=4096)
def expected_latest(freq: str, on: date, lag: Lag, phase: pd.Timestamp | None = None) -> pd.Timestamp:
    """The latest period whose figures should be out `on` that day: its last day plus `lag.months` months is on
    or before `on`.

    For a series published every `lag.every` periods, the latest such period in step with `phase` (a period the
    series has). Remembered per arguments (all immutable): every source line asks, and its calendar arithmetic was
    ~2% of an Overview view (issue 17).
    """
    step = STEP_MONTHS[freq]
    on = pd.Timestamp(on)
    index = (on.year * 12 + on.month - 1) // step  # the period `on` falls in
    while _start(index + 1, step) - pd.Timedelta(days=1) + pd.DateOffset(months=lag.months) > on:
        index -= 1
    if lag.every > 1 and phase is not None:
        index -= (index - (phase.year * 12 + phase.month - 1) // step) % lag.every
    return _start(index, step)


def freshness(
    latest: pd.Timestamp | None, freq: str, indicator_id: str | None = None, on: date | None = None
) -> Freshness:
    """How `latest` (a series' last reported period) compares with what its publication calendar promises."""
    on = on or today()
    latest = None if latest is None or pd.isna(latest) else pd.Timestamp(latest)
    expected = expected_latest(freq, on, lag_of(freq, indicator_id), latest)
    return Freshness(freq, latest, expected, on)


def latest_reported(obs: pd.DataFrame, indicator_id: str, regions: list[str] | None = None) -> pd.Timestamp | None:
    """The last period with a reported value of an indicator (in some regions), or None."""
    rows = obs[(obs["indicator_id"] == indicator_id) & obs["value"].notna()]
    if regions is not None:
        rows = rows[rows["region_code"].isin(regions)]
    return rows["period"].max() if len(rows) else None
