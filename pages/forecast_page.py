"""Forecast / 预测: one series with a fan chart and its backtest leaderboard, or every region of an indicator."""

import datetime as dt
import time

import streamlit as st

import forecasting
from briefing import ChartMeta, TableMeta, series_facts
from ui import PLOTLY_CONFIG, basket, cache, charts, explore, state
from ui import forecast_view as fv
from ui import format as fmt
from ui.footer import source_line
from ui.i18n import current_lang, pick, t

lang = current_lang()
cat, reg = cache.catalogue(), cache.regions()
st.title(t("forecast.title"))

ids = [i for i in cat.ids if i in cache.present_indicators()]
state.from_url("fc_indicator", "indicator", "gdp", valid=lambda v: v in ids)
col_ind, col_reg = st.columns([3, 2])
ind = cat.get(
    col_ind.selectbox(
        t("forecast.indicator"),
        ids,
        key="fc_indicator",
        format_func=lambda i: explore.indicator_label(cat.get(i), lang),
    )
)
rows = cache.indicator_rows(ind.id)
available = explore.regions_with_data(rows, reg)
default_region = explore.default_regions(rows, reg, ind.polarity)[0]
state.from_url("fc_region", "region", default_region, valid=lambda v: v in available)
state.reset_if_invalid("fc_region", available, default_region)
region = col_reg.selectbox(t("forecast.region"), available, key="fc_region", format_func=lambda c: reg.name(c, lang))

col_h, col_model, col_cands = st.columns([2, 2, 3])
state.from_url("fc_h", "h", fv.DEFAULT_HORIZON[ind.freq], valid=lambda v: 1 <= v <= fv.MAX_HORIZON[ind.freq], cast=int)
state.keep_horizon("fc_h", ind.freq, fv.DEFAULT_HORIZON[ind.freq], fv.MAX_HORIZON[ind.freq])
h = col_h.slider(t("forecast.horizon"), 1, fv.MAX_HORIZON[ind.freq], key="fc_h")
names = list(forecasting.model_names())
state.from_url("fc_model", "model", "auto", valid=lambda v: v in names)
model = col_model.selectbox(t("forecast.method"), names, key="fc_model", format_func=lambda m: fv.model_label(m, lang))
options = [m for m in forecasting.MODELS if m != "ensemble"]
state.list_from_url("fc_models", "models", list(forecasting.DEFAULT_CANDIDATES), options)
candidates = tuple(
    col_cands.multiselect(
        t("forecast.candidates"), options, key="fc_models", format_func=lambda m: fv.model_label(m, lang)
    )
    or forecasting.DEFAULT_CANDIDATES
)
state.to_url({"indicator": ind.id, "region": region, "h": h, "model": model, "models": list(candidates)})

last = rows.loc[rows["value"].notna(), "period"].max()
prelim = cache.preliminary(ind.id)
footer = source_line(ind, last, lang, preliminary=prelim.loc[prelim["region_code"] == region, "period"])
tab_one, tab_batch = st.tabs([t("forecast.tab_single"), t("forecast.tab_batch")])
with tab_one:
    history = cache.series_frame(ind.id, (region,))
    try:
        fc = cache.forecast(ind.id, region, h, model, candidates)
        board = cache.leaderboard(ind.id, region, h, candidates)
    except forecasting.ForecastError as err:
        st.error(t("forecast.failed", error=err))
        st.stop()
    labels = {k: t(f"forecast.{k}") for k in ("history", "forecast", "band80", "band95")}
    title = t(
        "forecast.chart_title",
        name=pick(ind.name),
        region=reg.name(region, lang),
        model=fv.model_label(fc["model"].iloc[0], lang),
    )
    fan = charts.fan_chart(charts.recent(history, ind.freq), fc, model, title, pick(ind.unit), ind.decimals, labels)
    st.plotly_chart(fan, config=PLOTLY_CONFIG)
    selection = f"{ind.id}-{region}-{h}-{model}-{'.'.join(candidates)}"
    facts = series_facts(rows, ind, region, reg, forecast=fv.first_step(fc, model, lang))
    basket.controls(
        "chart",
        fan,
        title,
        footer,
        key=f"fc-fan-{selection}",
        caption=fv.accuracy_note(fc, lang),
        meta=ChartMeta(title=title, source=footer, unit=pick(ind.unit)),
        facts=facts,
    )
    st.caption(fv.accuracy_note(fc, lang))
    st.caption(t("forecast.interval_note"))
    st.caption(f"{footer} · " + t("forecast.vintage", last=fmt.period(last, ind.freq, lang), today=dt.date.today()))
    st.subheader(t("forecast.leaderboard"))
    st.caption(t("forecast.leaderboard_note"))
    leaders = fv.leaderboard_table(board, lang)
    st.dataframe(leaders, hide_index=True)
    basket.controls("table", leaders, f"{title} · {t('forecast.leaderboard')}", footer, key=f"fc-board-{selection}")
    st.subheader(t("forecast.table"))
    table = fv.forecast_table(fc, model, ind.freq, ind.decimals, lang)
    st.dataframe(table, hide_index=True)
    basket.controls(
        "table",
        table,
        title,
        footer,
        key=f"fc-table-{selection}",
        meta=TableMeta(title, footer, units={c: pick(ind.unit) for c in table.columns[1:]}),
    )

with tab_batch:
    st.write(t("forecast.batch_intro", name=pick(ind.name), n=len(available), h=h))
    if st.button(t("forecast.batch_run"), key="fc_batch_run"):
        started = time.perf_counter()
        fv.batch_run(ind.id, tuple(available), h, candidates, lang)
        st.session_state["fc_batch"] = (ind.id, h, candidates, time.perf_counter() - started)
    kept = st.session_state.get("fc_batch")
    if kept and kept[:3] == (ind.id, h, candidates):
        result, seconds = fv.batch_run(ind.id, tuple(available), h, candidates, lang), kept[3]
        st.success(t("forecast.batch_done", n=result.forecast["unique_id"].nunique(), seconds=f"{seconds:.1f}"))
        table = fv.batch_table(result, reg, ind.freq, ind.decimals, lang)
        st.dataframe(table, hide_index=True)
        batch_title = t("forecast.batch_title", name=pick(ind.name), h=h)
        basket.controls(
            "table", table, batch_title, footer, key=f"fc-batch-{ind.id}-{h}", meta=TableMeta(batch_title, footer)
        )
        if len(result.errors):
            st.warning(t("forecast.batch_errors", n=len(result.errors)))
            st.dataframe(result.errors, hide_index=True)
        st.caption(footer)
