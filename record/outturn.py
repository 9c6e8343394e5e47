"""Outturns: when a data version lands, every published forecast whose periods now have actuals is scored.

`score_all` reads the current observations once and writes the scores of every publication (the store leaves a
period scored with the same numbers alone, so running it twice changes nothing). `after_commit` is what an upload's
commit and a shipped update call once their version is current: it runs `score_all` in a thread of its own and
swallows and logs any failure, so scoring can never block or fail a commit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

import pandas as pd

from common.periods import label
from data.access import SYSTEM, Actor
from data.store import Store
from record.scoring import score_points

log = logging.getLogger(__name__)


def actuals(observations: pd.DataFrame, indicator_id: str, region_code: str, freq: str) -> dict[str, float]:
    """The series' values by period label (gaps left out)."""
    rows = observations[
        (observations["indicator_id"] == indicator_id)
        & (observations["region_code"] == region_code)
        & observations["value"].notna()
    ]
    return {label(p, freq): float(v) for p, v in zip(rows["period"], rows["value"], strict=True)}


def current_versions(store: Store) -> dict[str, int | None]:
    """The current version of every stored dataset."""
    return {d.id: d.current_version for d in store.stored_datasets()}


def score_all(store: Store, *, actor: Actor = SYSTEM, observations: pd.DataFrame | None = None) -> int:
    """Score every published forecast (a scenario set by its baseline) against the current observations.

    Returns how many periods were scored anew or rescored.
    """
    published = store.track.published()
    if not published:
        return 0
    obs = store.observations() if observations is None else observations
    versions: Mapping = current_versions(store)
    changed = 0
    for pub in published:
        rows = score_points(pub.data, actuals(obs, pub.indicator_id, pub.region_code, pub.freq))
        if rows:
            changed += store.track.write_scores(pub.id, rows, versions, actor=actor)
    return changed


def _score_quietly(store: Store, actor: Actor) -> None:
    try:
        n = score_all(store, actor=actor)
        log.info("scored %d forecast periods after a new data version", n)
    except Exception:  # scoring is a side effect of a commit: it must never break one
        log.exception("scoring the published forecasts failed; the data version is committed")


def after_commit(store: Store, *, actor: Actor = SYSTEM, background: bool = True) -> threading.Thread | None:
    """Score the published forecasts after a data version became current; never raises.

    With ``background`` (the app's way) the scoring runs in a daemon thread, returned so a test can join it.
    """
    try:
        if not background:
            _score_quietly(store, actor)
            return None
        worker = threading.Thread(target=_score_quietly, args=(store, actor), name="score-outturns", daemon=True)
        worker.start()
        return worker
    except Exception:
        log.exception("could not start scoring the published forecasts")
        return None
