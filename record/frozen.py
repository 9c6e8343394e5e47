"""Freezing a forecast: everything needed to show it again exactly, as one JSON text the store keeps unchanged.

A frozen forecast holds the data version of every dataset it was fitted on, the model asked for and the one that made
the points (with its fitted form, the compared candidates and its backtest errors), the horizon, the history as it
stood, every point with its 80% and 95% bounds, and the in-sample naive scale its errors are scaled by later. A
scenario set also holds each scenario's central path and 80% band, the set itself (the compact scenario file) and its
assumptions in both languages. Who published and when are kept beside the text (`data.store.track`), not in it, so
the same forecast exported in three packs is kept once.

The text is canonical (sorted keys, no NaN: a missing number is ``null``): the same forecast always freezes to the
same bytes, and nothing reads it but to show or score it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from common.periods import label

SCHEMA = 1
LEVELS = (80, 95)
SEASON = {"A": 1, "Q": 4, "M": 12}
HISTORY_SHOWN = 40  # periods of history kept for the chart (the scale uses all of the fitted history)


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def naive_scale(values: Sequence[float], freq: str) -> float | None:
    """The in-sample naive error: mean absolute change over one season (one period for annual data, or when the
    history is shorter than two seasons) — the denominator of MASE. None when undefined (too short or constant)."""
    y = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype="float64")
    season = SEASON.get(freq, 1)
    lag = season if season > 1 and len(y) > 2 * season else 1
    if len(y) <= lag:
        return None
    scale = float(np.mean(np.abs(y[lag:] - y[:-lag])))
    return scale if scale > 0 else None


def _points(frame: pd.DataFrame, column: str, freq: str, levels: Sequence[int]) -> list[dict]:
    out = []
    for _, row in frame.sort_values("ds").iterrows():
        point = {"period": label(row["ds"], freq), "mean": _num(row[column])}
        for lv in levels:
            point[f"lo-{lv}"], point[f"hi-{lv}"] = _num(row[f"{column}-lo-{lv}"]), _num(row[f"{column}-hi-{lv}"])
        out.append(point)
    return out


def _history(history: pd.DataFrame, freq: str, fit_start: object) -> tuple[list[list], float | None]:
    rows = history.dropna(subset=["y"]).sort_values("ds")
    fitted = rows if fit_start is None or pd.isna(fit_start) else rows[rows["ds"] >= pd.Timestamp(fit_start)]
    shown = [[label(d, freq), _num(y)] for d, y in zip(rows["ds"], rows["y"], strict=True)][-HISTORY_SHOWN:]
    return shown, naive_scale(fitted["y"].tolist(), freq)


def freeze_forecast(
    fc: pd.DataFrame,
    history: pd.DataFrame,
    *,
    indicator_id: str,
    region_code: str,
    freq: str,
    model: str,
    candidates: Sequence[str],
    data_versions: Mapping[str, int | None],
) -> dict:
    """A forecast of one series as a frozen payload.

    Args:
        fc: the forecast rows of the series (``ds``, the ``model`` column and its ``-lo-/-hi-`` bounds, ``model``,
            ``spec``, ``fit_start``, ``mase``, ``smape``, ``mae``, ``backtest_points``), as `ui.cache.forecast`.
        history: ``unique_id, ds, y`` of the series as it stood.
        model: the model asked for (the column of ``fc``); ``fc["model"]`` names the one used.
        data_versions: ``{dataset_id: version}`` current when it was fitted.
    """
    first = fc.sort_values("ds").iloc[0]
    shown, scale = _history(history, freq, first.get("fit_start"))
    return {
        "schema": SCHEMA,
        "kind": "forecast",
        "indicator_id": indicator_id,
        "region_code": region_code,
        "freq": freq,
        "model": str(first["model"]),
        "model_requested": model,
        "spec": str(first.get("spec", "") or ""),
        "candidates": list(candidates),
        "horizon": len(fc),
        "levels": list(LEVELS),
        "data_versions": {k: v for k, v in sorted(data_versions.items())},
        "fit_start": None if pd.isna(first.get("fit_start")) else label(first["fit_start"], freq),
        "last_observed": shown[-1][0] if shown else None,
        "scale": scale,
        "backtest": {k: _num(first.get(k)) for k in ("mase", "smape", "mae")}
        | {"points": int(first.get("backtest_points", 0) or 0)},
        "history": shown,
        "points": _points(fc, model, freq, LEVELS),
    }


def freeze_scenarios(
    fc: pd.DataFrame,
    history: pd.DataFrame,
    outcomes: Sequence,
    *,
    set_text: str,
    assumptions: Mapping[str, Mapping[str, list[str]]],
    polarity: str,
    **series: object,
) -> dict:
    """A scenario set with its baseline as a frozen payload: the baseline exactly as `freeze_forecast` freezes it,
    and each scenario (an `Outcome` of `forecasting.scenarios.compare`) with its central path and 80% band.

    Args:
        set_text: the compact scenario file (`sets.compact`), so the set itself is kept too.
        assumptions: per scenario name, ``{lang: [lines]}`` of its assumption log.
        series: the keyword arguments of `freeze_forecast` (indicator, region, freq, model, candidates, versions).
    """
    frozen = freeze_forecast(fc, history, **series)
    scenarios = []
    for outcome in outcomes:
        bands = outcome.bands((80,))
        points = [
            {"period": p, "mean": _num(m), "lo-80": _num(lo), "hi-80": _num(hi)}
            for p, m, lo, hi in zip(bands["period"], bands["mean"], bands["lo-80"], bands["hi-80"], strict=True)
        ]
        note = outcome.scenario.note if outcome.scenario is not None else ""
        lines = dict(assumptions.get(outcome.name, {}))
        scenarios.append({"name": outcome.name, "note": note, "assumptions": lines, "points": points})
    return frozen | {
        "kind": "scenario_set",
        "scenario_kind": outcomes[0].kind if outcomes else "level",
        "polarity": polarity,
        "set": set_text,
        "scenarios": scenarios,
    }


def to_text(payload: Mapping) -> str:
    """The canonical JSON text of a payload (sorted keys, UTF-8 characters kept, NaN refused)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, allow_nan=False, separators=(",", ":"))


def points_frame(payload: Mapping, scenario: str | None = None) -> pd.DataFrame:
    """The frozen points (of the baseline, or of one scenario) as a frame ``period, mean, lo-80, hi-80[, lo-95…]``."""
    if scenario is None:
        return pd.DataFrame(payload["points"])
    for s in payload.get("scenarios", []):
        if s["name"] == scenario:
            return pd.DataFrame(s["points"])
    raise KeyError(scenario)
