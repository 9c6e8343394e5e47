"""Forecast / 预测: one series with a fan chart and its backtest leaderboard, or every region of an indicator."""

import datetime as dt
import functools
import time

import streamlit as st

import forecasting
from briefing import ChartMeta, TableMeta, series_facts
from ui import auth, cache, charts, series_picker, show, state
from ui import forecast_view as fv
from ui import format as fmt
from ui import track_view as tv
from ui.defaults import defaults
from ui.footer import source_line
from ui.i18n import current_lang, pick, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
cat, reg = cache.catalogue(), cache.regions()
st.title(t("forecast.title"))

present = cache.present_indicators()  # one cached call, not one per indicator
ids = [i for i in cat.ids if i in present]
first, url = defaults().forecast, state.PageUrl("fc", data=cache.data_token())
col_ind, col_reg = st.columns([3, 2])
picker_labels = (t("forecast.indicator"), t("forecast.region"))
series = series_picker.pick(url, ids, col_ind, col_reg, default_indicator=first.indicator, labels=picker_labels)
ind, region, rows, available = series.indicator, series.region, series.rows, series.available


@auth.fragment
def model_and_results() -> None:
    """Horizon, method and candidates with everything they change (both tabs): a change reruns this part only, not
    the frame, the sidebar and the series picker above (issue 17)."""
    col_h, col_model, col_cands = st.columns([2, 2, 3])
    top, h0 = first.max_horizon[ind.freq], first.horizon[ind.freq]
    h = url.number(col_h.slider, "h", 1, top, default=h0, label=t("forecast.horizon"), follows=ind.freq)
    names, options = forecasting.model_names(), [m for m in forecasting.MODELS if m != "ensemble"]
    model = url.choice(
        col_model.selectbox,
        "model",
        names,
        default=first.model,
        label=t("forecast.method"),
        format_func=lambda m: fv.model_label(m, lang),
    )
    candidates = tuple(
        url.choices(
            col_cands.multiselect,
            "models",
            options,
            default=forecasting.DEFAULT_CANDIDATES,
            label=t("forecast.candidates"),
            format_func=lambda m: fv.model_label(m, lang),
        )
    )
    url.write()
    if not candidates:  # an emptied box stays empty (ui.state): there is nothing to compare or choose from
        st.warning(t("forecast.choose_model"))
        st.stop()

    last = rows.loc[rows["value"].notna(), "period"].max()
    prelim = cache.preliminary(ind.id)
    footer = source_line(ind, last, lang, preliminary=prelim.loc[prelim["region_code"] == region, "period"])
    rate = cache.is_rate(ind.id)
    tab_one, tab_batch = st.tabs([t("forecast.tab_single"), t("forecast.tab_batch")])
    with tab_one:
        history = cache.series_frame(ind.id, (region,))
        try:
            result = cache.series_run(ind.id, region, h, model, candidates)  # once: each call copies the run
            fc, board = cache.forecast_of(result, region), cache.leaderboard_of(result, region)
        except forecasting.ForecastError as err:
            st.error(t("forecast.failed", error=inert(err)))
            st.stop()
        labels = {k: t(f"forecast.{k}") for k in ("history", "forecast", "band80", "band95")}
        title = t(
            "forecast.chart_title",
            name=pick(ind.name),
            region=reg.name(region, lang),
            model=fv.model_label(fc["model"].iloc[0], lang),
        )
        shown = charts.recent(history, ind.freq)
        breaks = fv.series_breaks(result, region, since=shown["ds"].min())
        selection = f"{ind.id}-{region}-{h}-{model}-{'.'.join(candidates)}"
        fan = cache.shared(
            ("fc-fan", selection, lang),
            lambda: fv.mark_breaks(
                charts.fan_chart(shown, fc, model, title, pick(ind.unit), ind.decimals, labels), breaks, lang
            ),
        )
        step = functools.partial(fv.first_step, fc, model, lang, result=result, region_code=region, rate=rate)
        facts = lambda: series_facts(rows, ind, region, reg, forecast=step())  # noqa: E731 — made when added to the basket
        vintage = t("forecast.vintage", last=fmt.period(last, ind.freq, lang), today=dt.date.today())
        notes = [t("forecast.interval_note"), f"{footer} · {vintage}"]
        meta = ChartMeta(title=title, source=footer, unit=pick(ind.unit))
        st.info(cache.shared(("fc-reading", selection, lang), lambda: fv.reading(result, region, rate, lang)))
        if len(breaks):
            st.warning(fv.break_warning(breaks, fc, ind.freq, lang))
        note = fv.series_accuracy(result, fc, region, (ind.id, h, model, candidates), lang, rate)
        show.chart(fan, meta, f"fc-fan-{selection}", caption=note, notes=notes, facts=facts)
        if not actor.may("forecast.publish"):
            st.caption(t("track.analyst_only"))
        elif st.button(t("track.publish"), key="fc_publish", help=t("track.publish_help")):
            tv.published_notice(tv.publish_forecast(actor, ind, region, h, model, candidates), lang)
        st.subheader(t("forecast.leaderboard"))
        st.caption(t("forecast.leaderboard_note"))
        leaders = cache.shared(("fc-board", selection, lang), lambda: fv.leaderboard_table(board, lang, rate))
        show.table(leaders, TableMeta(f"{title} · {t('forecast.leaderboard')}", footer), f"fc-board-{selection}")
        st.subheader(t("forecast.table"))
        table = cache.shared(
            ("fc-table", selection, lang), lambda: fv.forecast_table(fc, model, ind.freq, ind.decimals, lang)
        )
        units = {c: pick(ind.unit) for c in table.columns[1:]}
        show.table(table, TableMeta(title, footer, units=units), f"fc-table-{selection}")

    with tab_batch:
        st.write(
            t("forecast.batch_intro", name=pick(ind.name), n=len(available), h=h, model=fv.model_label(model, lang))
        )
        may_batch = actor.may("forecast.batch")
        compare = may_batch and st.checkbox(t("forecast.batch_compare"), value=False, key="fc_batch_compare")
        batch_key = (ind.id, h, model, candidates, compare)
        if not may_batch:
            st.caption(t("forecast.batch_analyst_only"))
        elif st.button(t("forecast.batch_run"), key="fc_batch_run"):
            started = time.perf_counter()
            fv.batch_run(ind.id, tuple(available), h, model, candidates, lang, compare)
            st.session_state["fc_batch"] = (*batch_key, time.perf_counter() - started)
        kept = st.session_state.get("fc_batch")
        if kept and kept[:5] == batch_key:
            result, seconds = fv.batch_run(ind.id, tuple(available), h, model, candidates, lang, compare), kept[5]
            st.success(t("forecast.batch_done", n=result.forecast["unique_id"].nunique(), seconds=f"{seconds:.1f}"))
            table = fv.batch_table(result, reg, ind.freq, ind.decimals, lang, rate)
            batch_title = t("forecast.batch_title", name=pick(ind.name), h=h)
            show.table(table, TableMeta(batch_title, footer), f"fc-batch-{ind.id}-{h}-{model}")
            if len(result.errors):
                st.warning(t("forecast.batch_errors", n=len(result.errors)))
                show.dataframe(result.errors, hide_index=True)
            st.caption(inert(" · ".join(part for part in (fv.batch_note(result, lang), footer) if part)))


model_and_results()
