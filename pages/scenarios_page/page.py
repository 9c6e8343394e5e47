"""Scenarios / 情景: a baseline forecast against up to five scenarios of explicit assumptions, compared with their
uncertainty; saved in the store, downloaded as JSON and shared by link."""

import dataclasses
import functools

import streamlit as st

import forecasting
from briefing import ChartMeta, TableMeta, series_facts
from common.periods import display
from forecasting.scenarios import DEFAULT_DRAWS, ScenarioError, ScenarioFile, sets
from pages.scenarios_page import scenario_charts as charts
from pages.scenarios_page import scenario_files as files
from pages.scenarios_page import scenario_forms as forms
from pages.scenarios_page import scenario_state as ss
from pages.scenarios_page import scenario_view as sv
from ui import auth, cache, series_picker, show, state, track_export
from ui import forecast_view as fv
from ui import track_view as tv
from ui.charts import fan_chart, recent
from ui.defaults import defaults
from ui.footer import source_line
from ui.i18n import LANGS, current_lang, pick, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
cat, reg = cache.catalogue(), cache.regions()
models, candidates = list(forecasting.model_names()), forecasting.DEFAULT_CANDIDATES
st.title(t("scenarios.title"))
st.caption(t("scenarios.intro"))


def regions_of(indicator_id: str) -> list[str]:
    return cache.indicator_regions(indicator_id)[0]


def check(file: ScenarioFile) -> None:
    sets.check_set(file, sv.buildable(cat), regions_of, models)


ss.start(check, lang)
ss.open_pending()
ss.show_notices()

# --- the series, horizon and baseline model ------------------------------------------------------------------------
present = cache.present_indicators()  # one cached call, not one per indicator
ids = [i for i in sv.series_ids(cat) if i in present]
first, url = defaults().scenarios, state.PageUrl("sc", data=cache.data_token())
col_ind, col_reg, col_h, col_model = st.columns([3, 2, 2, 2])
picker_labels = (t("scenarios.indicator"), t("scenarios.region"))
series = series_picker.pick(
    url, ids, col_ind, col_reg, default_indicator=first.indicator, labels=picker_labels, preferred_region=first.region
)
ind, region, rows = series.indicator, series.region, series.rows
top, h0 = defaults().forecast.max_horizon[ind.freq], defaults().forecast.horizon[ind.freq]
h = url.number(col_h.slider, "h", 1, top, default=h0, label=t("scenarios.horizon"), follows=ind.freq)
model = url.choice(
    col_model.selectbox,
    "model",
    models,
    default=first.model,
    label=t("scenarios.model"),
    format_func=lambda m: fv.model_label(m, lang),
)

ss.forget_on_series_change(ind.id, region, forms.SERIES_INPUTS)
history = cache.series_frame(ind.id, (region,))
try:
    run = cache.series_run(ind.id, region, h, model, candidates)  # once: each call copies the run
    fc = cache.forecast_of(run, region)
    rate = cache.is_rate(ind.id)
except forecasting.ForecastError as err:
    st.error(t("scenarios.baseline_failed", error=inert(err)))
    st.stop()
used, kind, periods = str(fc["model"].iloc[0]), sv.scenario_kind(ind), sv.labels_of(fc["ds"], ind.freq)
work = ss.working_set(ind.id, region, h, used)
link = sets.encode_link(work) if work.scenarios else None
url.put("set", link)
url.write()
names, unit, end_value = (
    sv.display_names(work, cat, reg, lang),
    ind.unit[lang],
    round(float(fc[model].iloc[-1]), ind.decimals),
)


def edit(change, pick_name: str | None = None) -> None:
    ss.edit(ind.id, region, change, pick_name)


# --- building scenarios --------------------------------------------------------------------------------------------
st.header(t("scenarios.build"))
scenario_names = [s.name for s in work.scenarios]
with st.form("sc_new_form", clear_on_submit=True):
    col_name, col_new = st.columns([4, 1], vertical_alignment="bottom")
    new_name = col_name.text_input(t("scenarios.new_name"), key="sc_new_name", placeholder=t("scenarios.name_hint"))
    series = {
        "indicator_id": ind.id,
        "region_code": region,
        "horizon": h,
        "model": used,
        "freq": ind.freq,
        "kind": kind,
    }
    if col_new.form_submit_button(t("scenarios.new"), key="sc_new"):
        edit(lambda: sets.add(work, new_name, series), new_name.strip())

if not work.scenarios:
    st.info(t("scenarios.none_yet"))
    # The baseline the scenarios will be measured against, so the page is never empty.
    base_labels = {k: t(f"forecast.{k}") for k in ("history", "forecast", "band80", "band95")}
    base_title = t(
        "scenarios.baseline_title", name=pick(ind.name), region=reg.name(region, lang), model=fv.model_label(used, lang)
    )
    base = cache.shared(
        ("sc-base", ind.id, region, h, model, candidates, lang),
        lambda: fan_chart(recent(history, ind.freq), fc, model, base_title, unit, ind.decimals, base_labels),
    )
    show.chart(base, caption=fv.series_accuracy(run, fc, region, (ind.id, h, model, candidates), lang, rate))
else:
    state.reset_if_invalid("sc_current", scenario_names, scenario_names[0])
    current = st.selectbox(t("scenarios.current"), scenario_names, key="sc_current")
    i = scenario_names.index(current)
    scenario = work.scenarios[i]
    st.markdown(f"**{t('scenarios.assumptions_of', name=inert(scenario.name))}**")
    lines = sv.adjustment_lines(scenario, ind, names, lang)
    for j, line in enumerate(lines):
        col_text, col_rm = st.columns([12, 1], vertical_alignment="center")
        col_text.markdown(f"{j + 1}. {line}")
        if col_rm.button(t("scenarios.remove"), key=f"sc_rm_{j}", type="tertiary"):
            edit(lambda j=j: sets.replace_at(work, i, scenario.without_adjustment(j)))
    if not lines:
        st.caption(t("scenarios.no_adjustments"))

    tabs = st.tabs([t(f"scenarios.tab_{k}") for k in ("growth", "level", "path", "driver", "manage")])
    with tabs[0]:
        make = forms.growth_form(periods, ind.freq, lang) if kind == "level" else None
        if kind == "rate":
            st.info(t("scenarios.growth_rate"))
    with tabs[1]:
        make = forms.level_form(periods, ind.freq, kind, lang) or make
    with tabs[2]:
        make = forms.path_form(periods, ind.freq, end_value, unit, lang) or make
    with tabs[3]:
        observed = sv.labels_of(history.dropna(subset=["y"])["ds"], ind.freq)
        drivers = [d for d in sv.driver_ids(cat, ind.freq) if d in present]

        def positive(driver: str) -> list[str]:
            return sv.positive_regions(cache.indicator_rows(driver), reg, regions_of(driver))

        make = forms.driver_form(ind, region, periods, observed, cat, reg, drivers, positive, lang) or make
    if make:
        # Simulate the scenario with the new adjustment before keeping it: a driver too short to estimate, say, is
        # refused here with the library's reason instead of breaking the comparison below.
        def added() -> ScenarioFile:
            trial = sets.replace_at(work, i, scenario.with_adjustment(make()))
            only = sets.compact(ScenarioFile((trial.scenarios[i],)))
            cache.scenario_comparison(only, ind.id, region, h, model, candidates, ind.polarity)
            return trial

        edit(added)
    with tabs[4]:
        with st.form("sc_rename_form"):
            new = st.text_input(t("scenarios.name"), value=scenario.name, key=f"sc_rename_{scenario.name}")
            note = st.text_area(t("scenarios.note"), value=scenario.note, key=f"sc_note_{scenario.name}")
            if st.form_submit_button(t("scenarios.rename"), key="sc_rename"):
                edit(lambda: sets.rename(work, i, new, note), new.strip())
        c1, c2 = st.columns(2)
        copy = sv.copy_name(scenario_names, scenario.name, lang)
        if c1.button(t("scenarios.duplicate"), key="sc_duplicate"):
            edit(lambda: sets.duplicate(work, i, copy), copy)
        if c2.button(t("scenarios.delete"), key="sc_delete"):
            edit(lambda: sets.drop_at(work, i))

# --- the target ----------------------------------------------------------------------------------------------------
st.header(t("scenarios.target"))
if work.target is not None:
    col_text, col_clear = st.columns([6, 1], vertical_alignment="center")
    col_text.markdown(t("scenarios.target_now", text=inert(sv.target_text(work.target, ind, lang))))
    if col_clear.button(t("scenarios.clear_target"), key="sc_t_clear"):
        edit(lambda: dataclasses.replace(work, target=None))
fits = sv.fitting_targets(cache.target_book(), ind, region, periods, lang)
if fits:
    col_pick, col_use = st.columns([6, 1], vertical_alignment="bottom")
    chosen = col_pick.selectbox(
        t("scenarios.known_targets"), range(len(fits)), key="sc_t_known", format_func=lambda k: fits[k].label
    )
    if col_use.button(t("scenarios.use_target"), key="sc_t_use"):
        edit(lambda: dataclasses.replace(work, target=fits[chosen]))
else:
    st.caption(t("scenarios.no_known_targets"))
# The form is drawn while its expander is open (a lazy expander: opening it reruns the page): its fifteen elements
# were ~15% of every view of the page (issue 17).
own_target = st.expander(
    t("scenarios.own_target"), expanded=work.target is None and not fits, key=forms.TARGET_OPEN, on_change="rerun"
)
with own_target:
    make_target = forms.target_form(periods, ind.freq, kind, end_value, lang) if own_target.open else None
if make_target:
    edit(lambda: dataclasses.replace(work, target=make_target()))

# --- the comparison ------------------------------------------------------------------------------------------------
comp = None
if work.scenarios:
    st.header(t("scenarios.compare"))
    target = work.target if work.target is not None and work.target.period in periods else None
    if work.target is not None and target is None:
        st.warning(t("scenarios.target_outside", period=display(work.target.period, ind.freq, lang)))
    try:
        compared = sets.compact(dataclasses.replace(work, target=target))
        comp = cache.scenario_comparison(compared, ind.id, region, h, model, candidates, ind.polarity)
    except ScenarioError as err:
        st.error(t("scenarios.compare_failed", error=inert(err)))
if comp is not None:
    last = rows.loc[(rows["region_code"] == region) & rows["value"].notna(), "period"].max()
    accuracy = fv.series_accuracy(run, fc, region, (ind.id, h, model, candidates), lang, rate)
    source = source_line(ind, last, lang)
    labels = {k: t(f"scenarios.{k}") for k in ("history", "baseline", "baseline80", "baseline95", "band80")}
    if comp.target is not None:
        labels["target"] = t("scenarios.target_now", text=sv.target_text(comp.target, ind, lang))
    place = {"name": pick(ind.name), "region": reg.name(region, lang)}
    title = t("scenarios.chart_title", **place, model=fv.model_label(used, lang))
    selection = f"{ind.id}-{region}-{h}-{model}-{sets.fingerprint(compared)}"
    fans = cache.shared(
        ("sc-fans", selection, candidates, used, lang),
        lambda: charts.scenario_fans(history, comp, title, unit, ind.decimals, labels),
    )
    step = functools.partial(fv.first_step, fc, model, lang, result=run, region_code=region, rate=rate)
    facts = lambda: series_facts(rows, ind, region, reg, forecast=step())  # noqa: E731 — made when added to the basket
    notes = [t("scenarios.simulation_note", draws=DEFAULT_DRAWS), source]
    # The set itself is in the key, so a pack built from the basket can freeze exactly this comparison.
    fans_key = track_export.scenario_key(
        ind.id, region, h, model, sets.encode_link(dataclasses.replace(work, target=target))
    )
    show.chart(fans, ChartMeta(title, source, unit), fans_key, caption=accuracy, notes=notes, facts=facts)
    st.subheader(t("scenarios.panels"))
    panels_title = t("scenarios.panels_title", **place, model=fv.model_label(used, lang))
    panels = cache.shared(
        ("sc-panels", selection, candidates, used, lang),
        lambda: charts.scenario_panels(history, comp, panels_title, unit, ind.decimals, labels),
    )
    show.chart(
        panels, ChartMeta(panels_title, source, unit), f"sc-panels-{selection}", caption=accuracy, notes=[source]
    )
    st.subheader(t("scenarios.delta_table"))
    if comp.target is not None:
        st.markdown(t("scenarios.target_now", text=inert(sv.target_text(comp.target, ind, lang))))
    deltas = sv.comparison_table(comp, ind, lang)
    note = t("scenarios.table_note") + (" " + t("scenarios.neutral_note") if ind.polarity == "neutral" else "")
    table_title = f"{title} · {t('scenarios.delta_table')}"
    show.table(deltas, TableMeta(table_title, source), f"sc-table-{selection}", notes=[note])
    estimates = sv.estimates_table(comp, names, lang)
    if len(estimates):
        st.subheader(t("scenarios.estimates"))
        show.dataframe(estimates, hide_index=True)
        st.caption(t("scenarios.estimates_note"))
    st.subheader(t("scenarios.assumptions"))
    for outcome in comp.outcomes:
        log = outcome.assumptions(lang, sv.describe_unit(ind, lang), names)
        st.markdown(f"**{inert(outcome.name)}**\n" + "\n".join(f"- {inert(line)}" for line in log))
        if outcome.scenario.note:
            st.caption(t("scenarios.note_shown", note=inert(outcome.scenario.note)))
    with st.expander(t("scenarios.per_period")):
        show.dataframe(sv.deltas_table(comp, ind, lang), hide_index=True)
    with st.expander(t("scenarios.pairwise")):
        show.dataframe(sv.beats_table(comp, lang))
        st.caption(t("scenarios.pairwise_note"))

# --- publish and adopt (track record, decision register) ----------------------------------------------------------
if comp is not None:
    st.header(t("track.adopt_heading"))
    if not actor.may("forecast.publish"):
        st.caption(t("track.analyst_only"))
    else:

        def publish_set():
            logs = {
                o.name: {
                    lg: o.assumptions(lg, sv.describe_unit(ind, lg), sv.display_names(work, cat, reg, lg))
                    for lg in LANGS
                }
                for o in comp.outcomes
            }
            return tv.publish_scenarios(actor, ind, region, h, model, candidates, comp, compared, logs)

        if st.button(t("track.publish_set"), key="sc_publish", help=t("track.publish_help")):
            tv.published_notice(publish_set(), lang)
        tv.adopt_form(actor, publish_set, [o.name for o in comp.outcomes], lang)

# --- save, load, share ---------------------------------------------------------------------------------------------
st.header(t("scenarios.files"))
tab_store, tab_file, tab_link = st.tabs([t("scenarios.tab_store"), t("scenarios.tab_file"), t("scenarios.tab_link")])
with tab_store:
    files.saved_sets(work, check, lang)
with tab_file:
    files.json_file(work, f"scenarios_{ind.id}_{region}.json", check, lang)
with tab_link:
    files.share_link(link is not None, lang)
