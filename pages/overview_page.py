"""Overview / 总览: headline KPI cards with target status, warnings, targets of the year, regional standings."""

import streamlit as st

from briefing import ChartMeta, TableMeta
from data.regions import NATIONAL_CODE
from ui import auth, cache, charts, show, state
from ui import format as fmt
from ui import overview as ov
from ui import services_view as sv
from ui.footer import source_line, sources_line
from ui.i18n import current_lang, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
cat, reg, book = cache.catalogue(), cache.regions(), cache.target_book()
heads = cache.headlines()
st.title(t("overview.title"))

# --- scope and cards ---------------------------------------------------------------------------------------------
url = state.PageUrl("ov", data=cache.data_token())
reporting = set(cache.reporting_regions())
scopes = [NATIONAL_CODE] + [r.code for r in reg.provinces() if r.code in reporting]
scope = url.choice(
    st.selectbox,
    "scope",
    scopes,
    default=NATIONAL_CODE,
    label=t("overview.scope"),
    format_func=lambda c: reg.name(c, lang),
)
kind = "national" if scope == NATIONAL_CODE else "province"
with st.expander(t("overview.customise")):
    cards = url.choices(
        st.multiselect,
        "cards",
        cache.indicators_in_region(scope),
        default=heads.national if kind == "national" else heads.province,
        label=t("overview.cards"),
        omit_default=True,
        follows=kind,  # national and provincial cards differ: start afresh
        format_func=lambda i: cat.get(i).name[lang],
        max_selections=12,
    )

st.subheader(t("overview.cards_heading"))
kpis = cache.kpis(scope, tuple(cards))
if not kpis:
    st.info(t("overview.no_cards"))
columns = st.columns(3)
for i, (kpi, (status, first_year)) in enumerate(zip(kpis, ov.card_facts(kpis, scope, tuple(cards)), strict=True)):
    with columns[i % 3].container(border=True):
        ov.render_card(kpi, cat.get(kpi.indicator_id), status, first_year, lang)

# --- warnings ----------------------------------------------------------------------------------------------------
alerts = cache.alerts(scope, tuple(cards))
st.subheader(t("overview.warnings", count=len(alerts)))
if not alerts:
    st.success(t("overview.no_warnings"))
for alert in alerts:
    heading = ov.alert_heading(alert, cat.get(alert.indicator_id), reg, lang)
    getattr(st, ov.SEVERITY_BOX[alert.severity])(f"{heading}  \n{alert.message[lang]}")
st.caption(t("overview.warnings_note"))
if scope == NATIONAL_CODE:  # case logs are the office's own: shown with its whole-office view
    for log_id in sv.log_ids():
        found = sv.log_alerts(log_id)
        if not found:
            continue
        st.markdown(f"**{inert(t('overview.service_warnings', log=sv.log_name(log_id, lang), count=len(found)))}**")
        for alert in found[: ov.SERVICE_SHOWN]:
            heading = ov.service_heading(alert, lang)
            getattr(st, ov.SEVERITY_BOX[alert.severity])(f"{heading}  \n{inert(alert.message[lang])}")
        more = t("overview.service_more")
        ov.page_link("pages/services_page.py", "services", more, ":material/support_agent:", {"tab": "signals"})


# --- targets -----------------------------------------------------------------------------------------------------
@auth.fragment
def targets() -> None:
    """The targets of one year: its select box reruns this table only (issue 17)."""
    years = book.years(scope)
    if not years:
        st.info(t("overview.no_targets", region=reg.name(scope, lang)))
    else:
        latest_data = max((k.period.year for k in kpis if k.period is not None), default=years[-1])
        default_year = max([y for y in years if y <= latest_data] or years)
        year = url.choice(st.selectbox, "target_year", years, default=default_year, label=t("overview.target_year"))
        table, shown, status_column = cache.shared(  # built once per region, year and language; drawn as made
            ("ov-targets", scope, year, lang),
            lambda: ov.targets_view(cache.target_statuses(scope, year), cat, lang),
        )
        meta = TableMeta(t("overview.targets_title", year=year, region=reg.name(scope, lang)), ov.targets_source(lang))
        key = f"ov-targets-{scope}-{year}"
        show.table(table, meta, key, shown=shown, column_config=status_column, caption=t("overview.status_rules"))
    url.write_from_fragment()


# --- standings ---------------------------------------------------------------------------------------------------
@auth.fragment
def standings() -> None:
    """The provinces ranked on one indicator and year: its select boxes rerun this part only (issue 17)."""
    ranked = cache.shared(("ov-ranked",), lambda: [i for i in heads.standings if cache.province_years(i)])
    if not ranked:
        st.info(t("overview.no_standings"))
    else:
        col_ind, col_year = st.columns([3, 1])
        rank_id = url.choice(
            col_ind.selectbox,
            "rank",
            ranked,
            default=ranked[0],
            label=t("overview.rank_indicator"),
            format_func=lambda i: cat.get(i).name[lang],
        )
        rank_ind, rank_years = cat.get(rank_id), cache.province_years(rank_id)
        rank_year = url.choice(
            col_year.selectbox, "year", rank_years[::-1], default=rank_years[-1], label=t("overview.rank_year")
        )
        result = cache.province_standings(rank_id, rank_year)
        when = fmt.period(result.period, rank_ind.freq, lang)
        st.markdown(f"**{ov.standings_heading(result, rank_ind, lang)}**")
        if scope != NATIONAL_CODE:
            st.markdown(ov.position_line(result, scope, reg, when, lang))
        top, bottom = cache.shared(
            ("ov-rank-tables", rank_id, rank_year, lang), lambda: ov.standings_tables(result, reg, rank_ind, lang)
        )
        col_top, col_bottom = st.columns(2)
        col_top.markdown(f"**{t('overview.top', n=len(top))}**")
        show.frame(top, col_top)
        col_bottom.markdown(f"**{t('overview.bottom', n=len(bottom))}**")
        show.frame(bottom, col_bottom)
        if result.previous_period is not None:
            st.caption(t("overview.rank_change_note", previous=fmt.period(result.previous_period, rank_ind.freq, lang)))
        title = f"{rank_ind.name[lang]} · {when}"
        prelim = [result.period] if result.preliminary else ()
        footer = source_line(rank_ind, result.period, lang, preliminary=prelim, one_period=True)  # one year ranked
        highlight = None if scope == NATIONAL_CODE else scope
        figure = cache.shared(
            ("ov-rank-bars", rank_id, rank_year, scope, lang),
            lambda: charts.ranking_bars(
                result.table, reg, title, rank_ind.unit[lang], rank_ind.decimals, lang, highlight=highlight
            ),
        )
        meta = ChartMeta(title, footer, rank_ind.unit[lang], period=when)  # the footer cites the version read
        show.chart(figure, meta, f"ov-standings-{rank_id}-{rank_year}-{scope}", notes=[footer])
    url.write_from_fragment()


# --- standings, targets and a province's cities: one tab at a time --------------------------------------------------
# Only the open tab is worked out and drawn (a click reruns the page; the tab is kept in the link): the standings and
# the targets table were a third of a view's work (issue 17). The standings first: the cards already say each
# headline indicator's target status.
city_results = cache.city_standings(scope) if scope != NATIONAL_CODE else []
tab_labels = {"standings": t("overview.standings"), "targets": t("overview.targets_heading")}
if city_results:
    tab_labels["cities"] = t("overview.cities", region=reg.name(scope, lang))
own = {"standings": ("rank", "year"), "targets": ("target_year",)}  # kept in the link while the tab is closed
active, tabs = url.tabs(st.tabs, "tab", tab_labels, default="standings", own=own)
with tabs[active]:
    if active == "standings":
        standings()
    elif active == "targets":
        targets()
    else:
        city_inds = [cat.get(r.indicator_id) for r in city_results]
        city_footer = sources_line(city_inds, lang)
        show.table(
            ov.city_table(city_results, reg, cat, lang),
            TableMeta(t("overview.cities", region=reg.name(scope, lang)), city_footer),
            f"ov-cities-{scope}",
            notes=[city_footer, t("overview.cities_note")],
        )

# --- sources and URL ---------------------------------------------------------------------------------------------
shown = [cat.get(k.indicator_id) for k in kpis]
st.caption(inert(f"{sources_line(shown, lang)} · {ov.targets_source(lang)}" if shown else ov.targets_source(lang)))
url.write()
