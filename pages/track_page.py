"""Track record / 预测记录: published forecasts against what happened, scorecards by model and horizon, the decision
register; with ``?pub=<id>`` the frozen forecast exactly as published (its permalink)."""

import streamlit as st

from briefing import ChartMeta, TableMeta
from data.access import in_scope
from data.errors import ObjectNotFound
from record import scoring
from ui import auth, cache, charts, show
from ui import data_view as dv
from ui import forecast_view as fv
from ui import track_view as tv
from ui.i18n import current_lang, pick, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
cat, reg, track = cache.catalogue(), cache.regions(), cache.store().track
st.title(t("track.title"))
st.caption(t("track.intro"))

# --- a permalink: the frozen forecast, never recomputed ------------------------------------------------------------
asked = st.query_params.get("pub")
if asked is not None:
    try:
        pub = track.get(int(asked))
        if not in_scope(pub.region_code, actor.scope):  # a region scope reads its own regions' forecasts only
            raise ObjectNotFound("published_forecast", asked)
    except (ValueError, ObjectNotFound):
        st.error(t("track.unknown", id=inert(asked)))
        st.stop()
    ind, data = cat.get(pub.indicator_id), pub.data
    newer = tv.newer_data(pub)
    if newer:
        st.warning(inert(t("track.newer_data", datasets=", ".join(dv.dataset_title(d, lang) for d in newer))))
    st.markdown(f"[{t('track.current_view')}]({tv.current_view(pub, lang)})")
    history, fc, column = tv.frozen_frames(pub)
    labels = {k: t(f"forecast.{k}") for k in ("history", "forecast", "band80", "band95")}
    place = {"name": pick(ind.name), "region": reg.name(pub.region_code, lang)}
    title = t("track.frozen_title", **place, model=fv.model_label(pub.model, lang), id=pub.id)
    fan = charts.fan_chart(charts.recent(history, ind.freq), fc, column, title, pick(ind.unit), ind.decimals, labels)
    fan = tv.add_scenarios(fan, pub)
    when = pub.published_at.strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(f"{d} v{v}" for d, v in sorted(pub.data_versions.items()))
    caption = t("track.frozen_caption", by=inert(pub.published_by), when=when, versions=versions, spec=data["spec"])
    show.chart(fan, ChartMeta(title, caption, pick(ind.unit)), f"track-pub-{pub.id}", caption=caption)
    for s in data.get("scenarios", []):
        st.markdown(f"**{inert(s['name'])}**")
        for line in s.get("assumptions", {}).get(lang, []):
            st.text(f"· {line}")
    scores = track.scores([pub.id])
    if len(scores):
        st.subheader(t("track.scores"))
        table = tv.scores_table(scores, pub.freq, ind.decimals, lang)
        show.table(table, TableMeta(title, caption), f"track-sc-{pub.id}")
    else:
        st.info(t("track.no_outturn"))
    st.stop()

# --- the record ----------------------------------------------------------------------------------------------------
pubs = [p for p in track.published() if in_scope(p.region_code, actor.scope)]
if not pubs:
    st.info(t("track.none"))
    st.stop()
scores = track.scores()
tab_record, tab_card, tab_register = st.tabs([t("track.tab_record"), t("track.tab_card"), t("track.tab_register")])

with tab_record:
    col_ind, col_reg = st.columns(2)
    ids = sorted({p.indicator_id for p in pubs})
    chosen = col_ind.selectbox(t("track.indicator"), ids, key="tr_ind", format_func=lambda i: cat.get(i).name[lang])
    ind = cat.get(chosen)
    codes = sorted({p.region_code for p in pubs if p.indicator_id == ind.id})
    region = col_reg.selectbox(t("track.region"), codes, key="tr_region", format_func=lambda c: reg.name(c, lang))
    mine = [p for p in pubs if p.indicator_id == ind.id and p.region_code == region]
    mine_scores = scores[scores["published_id"].isin([p.id for p in mine])] if len(scores) else scores
    summary = scoring.summary(mine_scores)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("track.outturns"), summary["outturns"])
    c2.metric(t("track.hit80"), tv.pct(summary["hit80"]))
    mean_error = "—" if summary["outturns"] == 0 else f"{summary['mean_error']:+.{ind.decimals}f}"
    c3.metric(t("track.mean_error", unit=pick(ind.unit)), mean_error)
    actual = cache.series_frame(ind.id, (region,))
    place = {"name": pick(ind.name), "region": reg.name(region, lang)}
    title = t("track.chart_title", **place)
    fig = tv.record_chart(charts.recent(actual, ind.freq), mine, title, pick(ind.unit), ind.decimals, lang)
    show.chart(fig, ChartMeta(title, t("track.chart_source"), pick(ind.unit)), f"track-chart-{ind.id}-{region}")
    st.caption(t("track.error_note"))
    table = tv.publications_table(mine, scores, reg, lang)
    show.dataframe(
        table,
        hide_index=True,
        column_config={t("track.col_link"): st.column_config.LinkColumn(display_text=t("track.open"))},
    )

with tab_card:
    frame = tv.published_frame(pubs)
    for by in ("model", "step"):
        st.subheader(t(f"track.card_title_{by}"))
        card = scoring.scorecard(frame, scores, by)
        if card.empty:
            st.info(t("track.no_outturns_yet"))
        else:
            meta = TableMeta(t(f"track.card_title_{by}"), t("track.chart_source"))
            show.table(tv.scorecard_table(card, by, lang), meta, f"track-card-{by}")
    st.subheader(t("track.bias_title"))
    drift = tv.bias_table(scores, {p.id for p in pubs}, lang)
    if len(drift):
        show.table(drift, TableMeta(t("track.bias_title"), t("track.chart_source")), "track-bias")
    else:
        st.info(t("track.no_outturns_yet"))
    st.caption(t("track.card_note"))

with tab_register:
    visible = {p.id for p in pubs}
    decisions = [d for d in track.decisions() if d.published_id in visible]
    if not decisions:
        st.info(t("track.no_decisions"))
    for d in decisions:
        pub = track.get(d.published_id)
        ind = cat.get(pub.indicator_id)
        st.markdown(f"#### {inert(d.scenario)} · {inert(pick(ind.name))} · {inert(reg.name(pub.region_code, lang))}")
        st.text(t("track.decision_facts", date=d.decided_on.isoformat(), unit=d.unit or "—", by=d.adopted_by))
        if d.expected_effect:
            st.text(t("track.decision_effect", effect=d.expected_effect))
        if d.note:
            st.text(t("track.decision_note", note=d.note))
        st.text(tv.expected_line(d, pub, ind.unit, ind.decimals, lang))
        lines = tv.decision_lines(d, pub, ind.unit, lang)
        for line in lines:
            st.info(inert(line))
        if not lines:
            st.caption(t("track.decision_waiting"))
        st.markdown(f"[{t('track.permalink')}]({tv.permalink(pub.id, lang)})")
