"""Public services / 政务服务: KPI cards, league tables of units and areas, topic mix and data problems of a log."""

import pandas as pd
import streamlit as st

from briefing import ChartMeta, TableMeta
from services.derive import GRAINS
from ui import auth, cache, show, state
from ui import services_import as imp
from ui import services_view as sv
from ui.i18n import current_lang, t
from ui.inert import inert
from ui.service_signals import show_signals

lang = current_lang()
actor = auth.gate()
st.title(t("services.title"))
st.caption(t("services.intro"))
url = state.PageUrl("svc")

# --- which log, which periods, which cases -----------------------------------------------------------------------
col_log, col_grain, col_from, col_to = st.columns([3, 1, 1, 1])
log_id = url.choice(
    col_log.selectbox,
    "log",
    sv.log_ids(),
    default=sv.BOSTON,
    label=t("services.log"),
    format_func=lambda i: sv.log_name(i, lang),
)
grain = url.choice(
    col_grain.selectbox, "grain", list(GRAINS), default="month", label=t("services.grain"),
    format_func=lambda g: t(f"services.grain_{g}", lang),
)  # fmt: skip
with st.expander(t("services.filters")):
    picks = {
        column: tuple(
            url.choices(
                st.multiselect,
                column,
                sv.options(sv.log_key(log_id), column),
                default=[],
                label=t(f"services.{column}"),
            )
        )
        for column in ("topic", "unit", "area")
    }
key = sv.log_key(log_id)
if log_id in sv.PARTIAL:
    st.info(t("services.partial"))

derived = sv.measures(key, grain, picks["topic"], picks["unit"], picks["area"])
chosen = (key, grain, *picks.values())  # what the measures are of: the log version, the grain and the filters
# Worked out once per selection and language, not on every view (issue 17), as the tables and figures below.
periods, label, complete = cache.shared(("svc-periods", *chosen, lang), lambda: sv.period_choices(derived, grain, lang))
if not periods:
    st.info(t("services.no_cases"))
    imp.section(actor, lang)
    url.write()
    st.stop()
first = url.choice(
    col_from.selectbox, "from", periods, default=periods[0], label=t("services.from"), format_func=label.get
)
# The default is the last period the log covers whole: a log ending mid-week has no full last week.
last = url.choice(
    col_to.selectbox, "to", periods[periods.index(first):], default=complete, label=t("services.to"),
    format_func=label.get,
)  # fmt: skip
first_ts, last_ts = pd.Timestamp(first), pd.Timestamp(last)
window_end = sv.period_end(last_ts, grain)
span = {"first": label[first], "last": label[last]}
footer = sv.source(log_id, lang, last_ts, grain)
selection = f"{log_id}-{grain}-{first}-{last}-{'|'.join(','.join(v) for v in picks.values())}"

# --- KPI cards ---------------------------------------------------------------------------------------------------
st.subheader(t("services.cards_heading", period=label[last]))
cards = cache.shared(("svc-cards", *chosen, last), lambda: sv.summary.cards(derived, at=last_ts))
if not derived.complete(last_ts):
    st.warning(t("services.incomplete", day=derived.last_opened.strftime("%Y-%m-%d")))
for column, card in zip(st.columns(len(cards)), cards, strict=True):
    with column.container(border=True):
        sv.render_card(card, grain, lang)

# --- trend -------------------------------------------------------------------------------------------------------
st.subheader(t("services.trend_heading"))
title = t("services.trend_title", grain=t(f"services.grain_{grain}"))
figure = cache.shared(
    ("svc-trend", key, selection, lang), lambda: sv.trend_figure(derived, first_ts, last_ts, grain, title, lang)
)
show.chart(figure, ChartMeta(title, footer, t("services.unit_cases")), f"svc-trend-{selection}", notes=[footer])

# --- league tables, topics and signals, data problems: one tab at a time ------------------------------------------
# Only the open tab is worked out and drawn (a click reruns the page; the tab is kept in the link): the signals alone
# were ~30% of a view's work, and the page drew ~110 elements on every view (issue 17).
tab_labels = {
    "league": t("services.league_heading"),
    "signals": t("services.tab_signals"),
    "problems": t("services.problems_heading"),
}
own = {"signals": ("signal_grain", "signal_topic")}  # kept in the link while the tab is closed
active, tabs = url.tabs(st.tabs, "tab", tab_labels, default="league", own=own)
with tabs[active]:
    if active == "league":
        st.caption(t("services.league_note", **span))
        for by, what in (("unit", "services.league_units"), ("area", "services.league_areas")):
            # Built once per selection and language, then drawn as it was (ui.show keeps its Arrow form).
            shown, units, decimals, screen, gaps = cache.shared(
                ("svc-league", key, selection, by, lang),
                lambda by=by: sv.league_view(sv.league(key, first_ts, window_end, by, *picks.values()), by, lang),
            )
            meta = TableMeta(t("services.league_title", what=t(what), **span), footer, units, decimals)
            st.markdown(f"**{t(what)}**")
            show.table(shown, meta, f"svc-league-{by}-{selection}", shown=screen, column_config=gaps, notes=[footer])
    elif active == "signals":
        st.subheader(t("services.topics_heading"))
        mix = cache.shared(
            ("svc-mix", *chosen, first, last), lambda: sv.topic_mix(key, first_ts, window_end, *picks.values())
        )
        if mix.empty:
            st.info(t("services.no_cases"))
        else:
            title = t("services.topics_title", n=min(len(mix), 10), **span)
            topics = cache.shared(("svc-topics", key, selection, lang), lambda: sv.topic_figure(mix, title, lang))
            show.chart(topics, ChartMeta(title, footer, "%"), f"svc-topics-{selection}", notes=[footer])
        # Hot topics, surges and the volume forecast.
        show_signals(
            sv.cases(key, *picks.values()),
            cases_key=sv.cases_key(key, *picks.values()),
            lang=lang, key_prefix=f"svc-{selection}", source=footer, holidays=sv.holidays(log_id),
            widget_prefix="svc", url=url,
        )  # fmt: skip
    else:
        problems = cache.shared(("svc-problems", key, selection, lang), lambda: sv.problems_table(derived, lang))
        if problems.empty:
            st.success(t("services.problems_none"))
        else:
            st.caption(t("services.problems_note"))
            show.table(problems, TableMeta(t("services.problems_heading"), footer), f"svc-problems-{selection}")
st.caption(inert(footer))
imp.history(log_id, actor, lang)
imp.section(actor, lang)
url.write()
