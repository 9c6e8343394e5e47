"""Freezing what a briefing pack carries: every forecast and scenario chart in the basket is published (source
"briefing") when the pack is built, as the Forecast and Scenarios pages would publish it.

A basket item is a picture taken when it was added; the forecast is frozen from the same run the page draws (the
app's cache, keyed by the data version). Should the data have changed since the item was added, the run's numbers
differ from the picture's, and the item is not frozen (the analyst publishes it again from its page): a frozen
forecast must be what the pack shows.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import forecasting
from briefing import PackItem, TableMeta
from common import periods
from data.access import Actor
from data.errors import DataError
from data.regions import NATIONAL_CODE
from forecasting.scenarios import ScenarioError, sets
from record.changes import Changes, changes_since
from ui import cache
from ui import track_view as tv
from ui.data_view import dataset_title
from ui.i18n import LANGS, t

FORECAST_KEY, SCENARIO_KEY = "fc-fan-", "sc-fans-"


def scenario_key(indicator_id: str, region: str, h: int, model: str, link: str) -> str:
    """The basket key of a scenario comparison chart: the series, horizon, model and the set as in its share link."""
    return f"{SCENARIO_KEY}{indicator_id}-{region}-{h}-{model}-{link}"


def _numbers(y: object) -> np.ndarray | None:
    """A trace's y values; Plotly's JSON sends numeric arrays base64-encoded (``{"dtype", "bdata"}``)."""
    if y is None:
        return None
    if isinstance(y, dict) and "bdata" in y:
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).astype("float64")
    try:
        return np.asarray(list(y), dtype="float64")
    except (TypeError, ValueError):  # dates or labels: not a forecast
        return None


def _drawn(figure, values: np.ndarray) -> bool:
    """Whether some trace of the figure ends with exactly these values (the forecast as the picture shows it)."""
    data = figure.to_plotly_json()["data"] if isinstance(figure, go.Figure) else figure.get("data", [])
    for trace in data:
        y = _numbers(trace.get("y"))
        if y is None or len(y) < len(values):
            continue
        tail = y[-len(values) :]
        if np.allclose(tail, values, rtol=1e-9, atol=0):
            return True
    return False


def freeze_pack(actor: Actor, entries: Sequence) -> tuple[list[int], list[str]]:
    """Publish every forecast and scenario chart of the basket entries (``key``, ``item``).

    Returns the ids published (or already published: the same frozen text is kept once) and the titles of the
    items that could not be frozen (newer data since they were added, or a series that no longer forecasts).
    """
    if not actor.may("forecast.publish"):
        return [], []
    cat, published, skipped = cache.catalogue(), [], []
    for entry in entries:
        key, item = entry.key, entry.item
        if not key.startswith((FORECAST_KEY, SCENARIO_KEY)) or item.figure is None:
            continue
        try:
            scenario = key.startswith(SCENARIO_KEY)
            rest = key[len(SCENARIO_KEY if scenario else FORECAST_KEY) :]
            indicator_id, region, h, model, tail = rest.split("-", 4)
            ind, h = cat.get(indicator_id), int(h)
            candidates = forecasting.DEFAULT_CANDIDATES if scenario else tuple(tail.split("."))
            fc = cache.forecast(ind.id, region, h, model, candidates)
            if not _drawn(item.figure, fc[model].to_numpy(dtype="float64")):
                skipped.append(item.title)
                continue
            if scenario:
                file = sets.decode_link(tail)
                text = sets.compact(file)
                comp = cache.scenario_comparison(text, ind.id, region, h, model, candidates, ind.polarity)
                logs = {o.name: {lg: o.assumptions(lg) for lg in LANGS} for o in comp.outcomes}
                pub = tv.publish_scenarios(actor, ind, region, h, model, candidates, comp, text, logs, "briefing")
            else:
                pub = tv.publish_forecast(actor, ind, region, h, model, candidates, "briefing")
            published.append(pub.id)
        except (ValueError, KeyError, DataError, ScenarioError, forecasting.ForecastError):
            skipped.append(item.title)
    return published, skipped


# --- what changed since the last published briefing ---------------------------------------------------------------


def warning_key(alert) -> str:
    period = "" if alert.period is None else pd.Timestamp(alert.period).strftime("%Y-%m-%d")
    return "|".join((alert.indicator_id, alert.region_code, alert.kind, alert.rule_id, period))


def current_warnings() -> dict[str, dict[str, str]]:
    """The warnings of the national overview's headline indicators (what a leader opens first), by key, in words."""
    alerts = cache.alerts(NATIONAL_CODE, tuple(cache.headlines().national))
    return {warning_key(a): {lg: a.message.render(lg) for lg in LANGS} for a in alerts}


def pack_changes() -> Changes:
    """What changed since the last briefing pack was built."""
    track = cache.store().track
    return changes_since(track.last_briefing(), tv.versions(), current_warnings(), track.published(), track.scores())


def change_lines(changes: Changes, lang: str) -> list[str]:
    """The changes in words, one line each."""
    if changes.since is None:
        return [t("track.changes_first", lang)]
    cat, reg = cache.catalogue(), cache.regions()
    lines = [
        t("track.changes_data", lang, dataset=dataset_title(d, lang), then=then or "—", now=now)
        for d, then, now in changes.new_data
    ]
    for m in changes.missed:
        lines.append(
            t(
                "track.changes_missed",
                lang,
                name=cat.get(m.indicator_id).name[lang],
                region=reg.name(m.region_code, lang),
                period=periods.display(m.period, m.freq, lang),
                actual=f"{m.actual:,.{cat.get(m.indicator_id).decimals}f}",
                forecast=f"{m.forecast:,.{cat.get(m.indicator_id).decimals}f}",
                id=m.published_id,
            )
        )
    lines += [t("track.changes_appeared", lang, warning=w[lang]) for w in changes.appeared]
    lines += [t("track.changes_cleared", lang, warning=w[lang]) for w in changes.cleared]
    return lines or [t("track.changes_none", lang)]


def changes_item(changes: Changes, lang: str) -> PackItem:
    """The changes as the pack's first table, in the pack's language."""
    title = t("track.changes_title", lang)
    since = t("track.changes_since", lang, when=changes.since.strftime("%Y-%m-%d %H:%M UTC")) if changes.since else ""
    frame = pd.DataFrame({title: change_lines(changes, lang)})
    source = t("track.changes_source", lang)
    return PackItem("table", title, since, source, frame=frame, table_meta=TableMeta(title, source), lang=lang)


def note_pack(actor: Actor, published: Sequence[int]) -> None:
    """Keep what the pack just built stood on, for the next one's "what changed"."""
    cache.store().track.note_briefing(
        actor=actor, data_versions=tv.versions(), warnings=current_warnings(), published=published
    )
