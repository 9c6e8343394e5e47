"""The track record on screen: publishing from the Forecast and Scenarios pages, the frozen forecast behind a
permalink, the as-published forecasts against what happened, the scorecards and the decision register. No widgets
except the publish button and the adopt form, which the two pages share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from common import periods
from data.access import Actor
from data.errors import DataError
from data.store.track import Published
from forecasting.scenarios import ScenarioError, sets
from forecasting.scenarios.serialize import loads
from indicators.metadata import Indicator
from record import frozen, outturn, register, scoring
from ui import cache
from ui.i18n import t
from ui.inert import inert, inert_html

PAGE = "track"
SCENARIO_COLOURS = ("#2563eb", "#059669", "#d97706", "#7c3aed", "#db2777")


def permalink(published_id: int, lang: str) -> str:
    """The address of a published forecast's frozen view (relative to the app)."""
    return f"{PAGE}?pub={int(published_id)}&lang={lang}"


def current_view(pub: Published, lang: str) -> str:
    """The address of the live Forecast or Scenarios view of the same series, model and horizon."""
    data = pub.data
    common = f"lang={lang}&indicator={pub.indicator_id}&region={pub.region_code}&h={pub.horizon}"
    if pub.kind == "forecast":
        models = ",".join(data.get("candidates", []))
        return f"forecast?{common}&model={data['model_requested']}&models={models}"
    try:
        link = f"&set={sets.encode_link(loads(data['set']))}"
    except (ScenarioError, ValueError):  # a set this release no longer reads: the series without it
        link = ""
    return f"scenarios?{common}&model={data['model_requested']}{link}"


def versions() -> dict[str, int]:
    """The current version of every stored dataset (the data a forecast made now is fitted on)."""
    return {d: v for d, v in cache.data_versions() if v is not None}


def newer_data(pub: Published) -> list[str]:
    """The datasets whose current version differs from the one the forecast was fitted on."""
    now = versions()
    return sorted(d for d, v in pub.data_versions.items() if d in now and now[d] != v)


def publish_forecast(
    actor: Actor, ind: Indicator, region: str, h: int, model: str, candidates: Sequence[str], source: str = "explicit"
) -> Published:
    """Freeze the forecast the page shows and keep it (see `record.frozen.freeze_forecast`)."""
    payload = frozen.freeze_forecast(
        cache.forecast(ind.id, region, h, model, tuple(candidates)),
        cache.series_frame(ind.id, (region,)),
        indicator_id=ind.id,
        region_code=region,
        freq=ind.freq,
        model=model,
        candidates=candidates,
        data_versions=versions(),
    )
    return cache.store().track.publish(frozen.to_text(payload), actor=actor, source=source)


def publish_scenarios(
    actor: Actor,
    ind: Indicator,
    region: str,
    h: int,
    model: str,
    candidates: Sequence[str],
    comp,
    set_text: str,
    assumptions: dict,
    source: str = "explicit",
) -> Published:
    """Freeze a compared scenario set with its baseline and keep it (see `record.frozen.freeze_scenarios`)."""
    payload = frozen.freeze_scenarios(
        cache.forecast(ind.id, region, h, model, tuple(candidates)),
        cache.series_frame(ind.id, (region,)),
        comp.outcomes,
        set_text=set_text,
        assumptions=assumptions,
        polarity=ind.polarity,
        indicator_id=ind.id,
        region_code=region,
        freq=ind.freq,
        model=model,
        candidates=candidates,
        data_versions=versions(),
    )
    return cache.store().track.publish(frozen.to_text(payload), actor=actor, source=source)


def published_notice(pub: Published, lang: str) -> None:
    """Say what was published, with its permalink."""
    st.success(t("track.published", lang, id=pub.id))
    st.markdown(f"[{t('track.permalink', lang)}]({permalink(pub.id, lang)})")


def adopt_form(actor: Actor, publish, scenario_names: Sequence[str], lang: str) -> None:
    """The form that adopts a scenario: publishes the set (``publish()`` returns the `Published`) and enters the
    decision in the register."""
    with st.form("sc_adopt_form", clear_on_submit=False):
        chosen = st.selectbox(t("track.adopt_scenario", lang), list(scenario_names), key="sc_adopt_scenario")
        decided = st.date_input(t("track.adopt_date", lang), value=date.today(), key="sc_adopt_date")
        unit = st.text_input(t("track.adopt_unit", lang), key="sc_adopt_unit")
        effect = st.text_input(t("track.adopt_effect", lang), key="sc_adopt_effect")
        note = st.text_area(t("track.adopt_note", lang), key="sc_adopt_note")
        if st.form_submit_button(t("track.adopt", lang), key="sc_adopt"):
            try:
                pub = publish()
                cache.store().track.adopt(
                    pub.id, chosen, actor=actor, note=note, decided_on=decided, unit=unit, expected_effect=effect
                )
            except DataError as err:
                st.error(inert(err.message(lang)))
                return
            st.success(t("track.adopted", lang, name=inert(chosen)))
            st.markdown(f"[{t('track.permalink', lang)}]({permalink(pub.id, lang)})")


# --- reading the record -----------------------------------------------------------------------------------------------


def frozen_frames(pub: Published) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The frozen history ``ds, y`` and forecast (the fan chart's columns) of a publication, and its column name."""
    data, freq = pub.data, pub.freq

    def start(label: str) -> pd.Timestamp:
        return periods.parse_label(label, freq).start_time

    history = pd.DataFrame({"ds": [start(p) for p, _ in data["history"]], "y": [y for _, y in data["history"]]})
    points = pd.DataFrame(data["points"])
    column = data["model"]
    fc = pd.DataFrame({"ds": [start(p) for p in points["period"]], column: points["mean"]})
    for level in frozen.LEVELS:
        for side in ("lo", "hi"):
            fc[f"{column}-{side}-{level}"] = points[f"{side}-{level}"]
    return history, fc, column


def published_frame(pubs: Sequence[Published]) -> pd.DataFrame:
    """``published_id, model`` of every publication (what the scorecards group by)."""
    return pd.DataFrame({"published_id": [p.id for p in pubs], "model": [p.model for p in pubs]})


def add_scenarios(fig: go.Figure, pub: Published) -> go.Figure:
    """A frozen scenario set's central paths on its baseline's fan chart, each named as the analyst named it."""
    for i, scenario in enumerate(pub.data.get("scenarios", [])):
        points = pd.DataFrame(scenario["points"])
        fig.add_trace(
            go.Scatter(
                x=[periods.parse_label(p, pub.freq).start_time for p in points["period"]],
                y=points["mean"],
                mode="lines+markers",
                line={"dash": "dot", "width": 2, "color": SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]},
                name=inert_html(scenario["name"]),
            )
        )
    return fig


def publications_table(pubs: Sequence[Published], scores: pd.DataFrame, reg, lang: str) -> pd.DataFrame:
    """One row per publication: when, who, what, its model and horizon, how many outturns and the hit rate."""
    rows = []
    for p in pubs:
        mine = scores[scores["published_id"] == p.id] if len(scores) else scores
        s = scoring.summary(mine)
        rows.append(
            {
                t("track.col_id", lang): p.id,
                t("track.col_when", lang): p.published_at.strftime("%Y-%m-%d %H:%M"),
                t("track.col_by", lang): p.published_by,
                t("track.col_kind", lang): t(f"track.kind_{p.kind}", lang),
                t("track.col_region", lang): reg.name(p.region_code, lang),
                t("track.col_model", lang): t(f"forecast.model_{p.model}", lang),
                t("track.col_horizon", lang): p.horizon,
                t("track.col_outturns", lang): s["outturns"],
                t("track.col_hit80", lang): pct(s["hit80"]),
                t("track.col_link", lang): permalink(p.id, lang),
            }
        )
    return pd.DataFrame(rows)


def scores_table(scores: pd.DataFrame, freq: str, decimals: int, lang: str) -> pd.DataFrame:
    """The scores of one publication with translated headers."""
    return pd.DataFrame(
        {
            t("table.period", lang): [periods.display(p, freq, lang) for p in scores["period"]],
            t("track.col_step", lang): scores["step"].to_numpy(),
            t("track.col_forecast", lang): scores["forecast"].round(decimals).to_numpy(),
            t("track.col_actual", lang): scores["actual"].round(decimals).to_numpy(),
            t("track.col_error", lang): scores["error"].round(decimals).to_numpy(),
            t("track.col_scaled", lang): pd.to_numeric(scores["scaled_error"], errors="coerce").round(2).to_numpy(),
            t("track.col_in80", lang): ["✓" if v else "✗" for v in scores["in80"]],
            t("track.col_in95", lang): ["✓" if v else "✗" for v in scores["in95"]],
        }
    )


def scorecard_table(card: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """A scorecard (`record.scoring.scorecard`) with translated headers and groups."""
    groups = [t(f"forecast.model_{g}", lang) if by == "model" else int(g) for g in card["group"]]
    return pd.DataFrame(
        {
            t(f"track.card_{by}", lang): groups,
            t("track.col_forecasts", lang): card["forecasts"].to_numpy(),
            t("track.col_outturns", lang): card["outturns"].to_numpy(),
            t("track.col_hit80", lang): [pct(v) for v in card["hit80"]],
            t("track.col_hit95", lang): [pct(v) for v in card["hit95"]],
            "MASE": pd.to_numeric(card["mase"]).round(2).to_numpy(),
            t("track.col_bias", lang): pd.to_numeric(card["bias_scaled"]).round(2).to_numpy(),
        }
    )


def bias_table(scores: pd.DataFrame, visible: set[int], lang: str) -> pd.DataFrame:
    """Bias over time (`record.scoring.bias_over_time`) of the visible publications, pooled in scaled units."""
    drift = scoring.bias_over_time(scores[scores["published_id"].isin(visible)] if len(scores) else scores)
    return pd.DataFrame(
        {
            t("track.col_target_period", lang): drift["period"].to_numpy(),
            t("track.col_outturns", lang): drift["outturns"].to_numpy(),
            t("track.col_bias", lang): pd.to_numeric(drift["mean_scaled"]).round(2).to_numpy(),
        }
    )


def pct(value: float) -> str:
    return "—" if value is None or pd.isna(value) else f"{100 * value:.0f}%"


def record_chart(
    actual: pd.DataFrame, pubs: Sequence[Published], title: str, unit: str, decimals: int, lang: str
) -> go.Figure:
    """What happened (a solid line) and every as-published forecast (dashed, with the latest one's 80% band)."""
    fig = go.Figure()
    for i, p in enumerate(pubs):
        _, fc, column = frozen_frames(p)
        if i == len(pubs) - 1:
            fig.add_trace(
                go.Scatter(
                    x=list(fc["ds"]) + list(fc["ds"])[::-1],
                    y=list(fc[f"{column}-hi-80"]) + list(fc[f"{column}-lo-80"])[::-1],
                    fill="toself",
                    mode="lines",
                    fillcolor="rgba(192,57,43,0.2)",
                    line={"width": 0},
                    name=t("track.band80_latest", lang),
                    hoverinfo="skip",
                )
            )
        when = p.published_at.strftime("%Y-%m-%d")
        fig.add_trace(
            go.Scatter(
                x=fc["ds"],
                y=fc[column],
                mode="lines+markers",
                line={"dash": "dash", "width": 1.5},
                name=inert_html(t("track.trace_published", lang, id=p.id, when=when)),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=actual["ds"],
            y=actual["y"],
            mode="lines+markers",
            line={"color": "#2c3e50", "width": 2.5},
            name=t("track.actual", lang),
        )
    )
    fig.update_layout(
        title=inert_html(title),
        yaxis_title=inert_html(unit),
        yaxis_tickformat=f",.{decimals}f",
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 60, "l": 60, "r": 20, "b": 40},
    )
    return fig


def decision_lines(decision, pub: Published, unit: dict, lang: str) -> list[str]:
    """The register's comparison for each period of an adopted scenario that has an outturn, in words."""
    obs = cache.observations()
    actuals = outturn.actuals(obs, pub.indicator_id, pub.region_code, pub.freq)
    found = register.compare_decision(pub.data, decision.scenario, actuals)
    return [register.sentence(o, pub.freq, unit).render(lang) for o in found]


def expected_line(decision, pub: Published, unit: dict, decimals: int, lang: str) -> str:
    """What the adopted scenario was expected to add to the baseline, period by period, as published."""
    joiner = "；" if lang == "zh" else "; "
    steps = joiner.join(
        f"{periods.display(p, pub.freq, lang)} {v:+,.{decimals}f}"
        for p, v in register.expected_path(pub.data, decision.scenario)
    )
    points = pub.data.get("scenario_kind") == "rate"
    return t("track.decision_expected", lang, steps=steps, unit=t("track.points", lang) if points else unit[lang])
