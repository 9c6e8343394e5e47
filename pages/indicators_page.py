"""Indicators / 指标: search the catalogue, chart regions over time, rank them, read the metadata."""

import functools

import pandas as pd
import streamlit as st

from briefing import ChartMeta, TableMeta, series_facts
from indicators import derived
from indicators.views import available_views
from ui import auth, cache, charts, explore, show, state
from ui import format as fmt
from ui import vintage as vn
from ui.defaults import defaults
from ui.footer import source_line
from ui.i18n import current_lang, pick, t
from ui.inert import inert

# The "data table" expander under the chart: its table is made and drawn only while it is open (Streamlit's lazy
# expander: opening it reruns this part).
DATA_TABLE = "ind_data_table"

lang = current_lang()
actor = auth.gate()
cat, reg = cache.catalogue(), cache.regions()
st.title(t("indicators.title"))

# --- which indicator ---------------------------------------------------------------------------------------------
url = state.PageUrl("ind", data=cache.data_token())
col_search, col_cat = st.columns([3, 1])
query = url.text(
    col_search.text_input, "q", key="ind_search", label=t("indicators.search"), placeholder=t("indicators.search_hint")
)
category = url.choice(
    col_cat.selectbox,
    "category",
    ["all", "macro", "service", "governance"],
    default="all",
    omit_default=True,
    label=t("indicators.category"),
    format_func=lambda c: t(f"category.{c}", lang),
)
present = cache.present_indicators()
found = [i.id for i in cat.search(query, None if category == "all" else category) if i.id in present]
if not found:
    url.write()
    st.info(t("indicators.no_match", query=inert(query)))
    st.stop()
ind = cat.get(
    url.choice(
        st.selectbox,
        "indicator",
        found,
        default=found[0],
        label=t("indicators.indicator", count=len(found)),
        format_func=lambda i: explore.indicator_label(cat.get(i), lang),
    )
)


# --- regions, years, view: a change reruns this part only, not the frame and the pickers above (issue 17) ---
@auth.fragment
def analysis() -> None:
    """The regions, years and view with the four tabs they change; the ranking period reruns its own tab only."""
    rows = cache.indicator_rows(ind.id)
    available, first_regions = cache.indicator_regions(ind.id)
    chosen = url.choices(
        st.multiselect,
        "regions",
        available,
        default=first_regions,
        label=t("indicators.regions"),
        max_selections=12,
        format_func=lambda c: reg.name(c, lang),
    )
    first, last = explore.year_bounds(rows)
    col_years, col_view = st.columns([2, 3])
    if first < last:
        default_years = explore.default_years(first, last, ind.freq)
        start, end = url.span(
            col_years.slider, "years", first, last, default=default_years, label=t("indicators.years")
        )
    else:
        start, end = first, last
        url.put("years", f"{first}-{last}")
    view = url.choice(
        col_view.radio,
        "view",
        available_views(ind),
        default=defaults().indicators.view,
        label=t("indicators.view"),
        horizontal=True,
        format_func=lambda v: t(f"view.{v}", lang),
    )
    if not chosen:  # a deliberate "clear all" stays empty: say what is missing instead of choosing for the user
        st.warning(t("indicators.choose_region"))

    frame, info = cache.view(view, ind.id, start if view == "index" else None)
    in_range = frame[(frame["period"].dt.year >= start) & (frame["period"].dt.year <= end)]
    shown = in_range[in_range["region_code"].isin(chosen)]
    # Vintage marks: preliminary figures and probable revisions among the regions and years shown.
    prelim = explore.within(cache.preliminary(ind.id), chosen, start, end)
    revisions = vn.relevant_breaks(cache.indicator_revisions(ind.id), chosen, start, end)
    marks = vn.chart_marks(revisions, prelim, lang)
    footer = source_line(ind, rows.loc[rows["value"].notna(), "period"].max(), lang, preliminary=prelim["period"])
    title, unit = pick(info.name), pick(info.unit)

    tab_labels = {
        "chart": t("indicators.tab_chart"),
        "ranking": t("indicators.tab_ranking"),
        "multiples": t("indicators.tab_multiples"),
        "meta": t("indicators.tab_meta"),
    }
    # Only the open tab is worked out and drawn: a click on another reruns this part (the tabs rerun on change), so
    # the hidden tabs' ranking, small multiples and metadata cost a view nothing (issue 17).
    active, tabs = url.tabs(st.tabs, "tab", tab_labels, default="chart", own={"ranking": ("at",)})
    selection = f"{ind.id}-{view}-{start}-{end}-{'.'.join(chosen)}"
    meta = ChartMeta(title=title, source=footer, unit=unit)

    @auth.fragment
    def ranking() -> None:
        """Every region ranked at one period: the period slider reruns this table and chart only."""
        periods = sorted(in_range.loc[in_range["value"].notna(), "period"].unique())
        if len(periods) == 0 or len(available) < 2:
            st.info(t("indicators.no_ranking"))
        else:
            # Periods by their date in the link (``at=2023-01-01``; left out for the latest, which a link then follows).
            labels = {f"{pd.Timestamp(p):%Y-%m-%d}": fmt.period(pd.Timestamp(p), ind.freq, lang) for p in periods}
            chosen_at = url.choice(
                st.select_slider,
                "at",
                list(labels),
                default=list(labels)[-1],
                label=t("indicators.rank_period"),
                key="ind_rank_period",
                omit_default=True,
                format_func=labels.get,
            )
            at = pd.Timestamp(chosen_at)
            # The ranking is of every region, whatever is chosen: worked out once per view, years and period.
            rank_key = (ind.id, view, start, end, at)
            table = cache.shared(("ind-rank", *rank_key), lambda: derived.ranking_table(frame, at, info.polarity))
            at_prelim = cache.preliminary(ind.id)["period"].eq(at).any()
            rank_footer = source_line(ind, at, lang, preliminary=[at] if at_prelim else (), one_period=True)
            with_cagr = view == "level" and ind.kind == "level" and ind.freq == "A"
            cagr = None
            if with_cagr:
                cagr = cache.shared(("ind-cagr", *rank_key), lambda: explore.cagr_between(rows, start, end))
            ranked = cache.shared(
                ("ind-rank-shown", *rank_key, lang),
                lambda: explore.ranking_display(table, reg, info, ind.freq, lang, cagr),
            )
            rank_title = f"{title} · {labels[chosen_at]}"
            rank_meta = TableMeta(rank_title, rank_footer, decimals=explore.ranking_decimals(info, lang, cagr))
            show.table(ranked, rank_meta, f"ind-rank-table-{selection}-{at:%Y%m}", notes=[rank_footer])
            bars = cache.shared(
                ("ind-rank-bars", *rank_key, lang),
                lambda: charts.ranking_bars(table, reg, rank_title, unit, info.decimals, lang),
            )
            bars_meta = ChartMeta(title=rank_title, source=rank_footer, unit=unit)
            show.chart(bars, bars_meta, f"ind-rank-bars-{selection}-{at:%Y%m}", notes=[rank_footer])
        url.write_from_fragment()

    with tabs[active]:
        if active == "chart":
            if shown["value"].notna().any():
                fig = cache.shared(
                    ("ind-ts", selection, lang),
                    lambda: charts.time_series(shown, reg, title, unit, info.decimals, lang, marks=marks),
                )
                facts = (
                    functools.partial(series_facts, rows, ind, chosen[0], reg) if view == "level" else None
                )  # when added
                show.chart(fig, meta, f"ind-ts-{selection}", facts=facts)
            elif chosen:
                st.info(t("indicators.no_values"))
            st.caption(inert(footer))
            if revisions:
                st.caption(vn.revisions_note(revisions, ind.freq, lang))
            if info.derived:
                st.caption(t("indicators.derived_note", how=pick(info.derived)))
            if shown["value"].notna().any():  # the charted numbers as a table, with its own buttons, once opened
                with st.expander(t("indicators.data_table"), key=DATA_TABLE, on_change="rerun") as box:
                    if box.open:
                        export = explore.series_export(shown, reg, info, ind.freq, lang)
                        decimals = {export.columns[-1]: info.decimals}  # the value column
                        show.table(export, TableMeta(title, footer, decimals=decimals), f"ind-series-{selection}")
        elif active == "ranking":
            ranking()
        elif active == "multiples":
            if shown["value"].notna().any():
                multiples = cache.shared(
                    ("ind-multi", selection, lang),
                    lambda: charts.small_multiples(shown, reg, title, unit, info.decimals, lang, marks=marks),
                )
                show.chart(multiples, meta, f"ind-multi-{selection}")
            st.caption(inert(footer))
        else:
            checked = cache.indicator_revisions(ind.id) if ind.kind == "level" else None
            vintage_rows = vn.provenance_rows(
                ind, cache.source_spans(ind.id), cache.indicator_join(ind.id), checked, lang, cache.current_uploads()
            )
            for label, value in explore.metadata_rows(ind, rows, info, lang) + vintage_rows:
                st.markdown(f"**{label}**：{value}" if lang == "zh" else f"**{label}:** {value}")
    url.write()  # after the tabs: the ranking's period is in the link


analysis()
