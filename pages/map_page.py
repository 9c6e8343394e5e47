"""Map / 地图: China provinces or world countries, one indicator and year, classified; click opens Indicators."""

import pandas as pd
import streamlit as st

import maps
from briefing import ChartMeta, TableMeta
from data.datasets import dataset
from ui import basket, cache, explore, navigation, state
from ui.footer import source_line
from ui.i18n import current_lang, pick, t

lang = current_lang()
boundaries = dataset(maps.BOUNDARY_DATASET)
cat = cache.catalogue()
st.title(t("map.title"))

col_level, col_ind = st.columns([1, 3])
state.from_url("map_level", "level", "china", valid=lambda v: v in maps.LEVELS)
level = col_level.radio(t("map.level"), maps.LEVELS, key="map_level", format_func=lambda v: t(f"map.level_{v}", lang))
indicator_ids = cache.mappable(level)
state.from_url("map_indicator", "indicator", indicator_ids[0], valid=lambda v: v in indicator_ids)
state.reset_if_invalid("map_indicator", indicator_ids, indicator_ids[0])
ind = cat.get(
    col_ind.selectbox(
        t("map.indicator"),
        indicator_ids,
        key="map_indicator",
        format_func=lambda i: explore.indicator_label(cat.get(i), lang),
    )
)

years = cache.map_years(ind.id, level)
state.from_url("map_year", "year", years[-1], valid=lambda v: v in years, cast=int)
state.reset_if_invalid("map_year", years, years[-1])
schemes = list(maps.SCHEMES)
state.from_url("map_scheme", "scheme", "quantiles", valid=lambda v: v in schemes)
state.from_url("map_k", "k", 5, valid=lambda v: maps.K_MIN <= v <= maps.K_MAX, cast=int)
col_scheme, col_k, col_play = st.columns([2, 2, 1])
scheme = col_scheme.selectbox(
    t("map.scheme"), schemes, key="map_scheme", format_func=lambda s: maps.SCHEMES[s].label[lang]
)
k = col_k.slider(t("map.classes"), maps.K_MIN, maps.K_MAX, key="map_k")
playing = col_play.toggle(t("map.play"), key="map_play", disabled=len(years) < 2)


@st.fragment(run_every=1.5 if playing else None)
def map_and_table() -> None:
    """The year slider, map and table; while playing, each timed rerun shows the next year."""
    if playing:
        # A keyed slider does not redraw a value set from code inside a fragment: show a disabled copy instead.
        current = st.session_state.get("map_play_year", st.session_state.get("map_year", years[0]))
        year = years[(years.index(current) + 1) % len(years)] if current in years else years[0]
        st.session_state["map_play_year"] = year
        st.select_slider(t("map.year"), years, value=year, disabled=True)
    else:
        if "map_play_year" in st.session_state:  # stopped: stay on the year the play reached
            st.session_state["map_year"] = st.session_state.pop("map_play_year")
        single = len(years) == 1  # a select_slider needs two values
        year = st.session_state["map_year"] if single else st.select_slider(t("map.year"), years, key="map_year")
    state.to_url({"level": level, "indicator": ind.id, "year": year, "scheme": scheme, "k": k})
    col_map, col_table = st.columns([5, 2])
    with col_map:
        figure = cache.map_figure(level, ind.id, year, scheme, k, lang)
        event = st.plotly_chart(
            figure,
            key="map_chart",
            config=maps.plotly_config(),
            on_select="rerun",
            selection_mode="points",
        )
        map_title = t("map.chart_title", name=ind.name[lang], year=year)
        shown_year = pd.Timestamp(f"{year}-01-01")
        prelim = [shown_year] if cache.preliminary(ind.id)["period"].eq(shown_year).any() else []
        footer = f"{source_line(ind, shown_year, lang, preliminary=prelim)} · {boundaries.attribution(lang)}"
        selection = f"{level}-{ind.id}-{year}-{scheme}-{k}"
        basket.controls(
            "chart",
            figure,
            map_title,
            footer,
            key=f"map-{selection}",
            meta=ChartMeta(title=map_title, source=footer, unit=ind.unit[lang]),
        )
        st.caption(t("map.click_hint"))
    codes = maps.selected_regions(event, level)
    if codes:
        st.switch_page(
            navigation.script("indicators"),
            query_params={"indicator": ind.id, "regions": ",".join(codes), "lang": lang},
        )
    with col_table:
        table = cache.map_table(level, ind.id, year, lang)
        shown = table.drop(columns="region_code").rename(
            columns={"name": t("table.region"), "value": t("table.value", unit=pick(ind.unit)), "rank": t("table.rank")}
        )
        value_column = t("table.value", unit=pick(ind.unit))
        st.dataframe(
            shown,
            hide_index=True,
            height=560,
            column_config={value_column: st.column_config.NumberColumn(format=f"%.{ind.decimals}f")},
        )
        st.caption(footer)
        basket.controls(
            "table", shown, map_title, footer, key=f"map-table-{selection}", meta=TableMeta(map_title, footer)
        )


map_and_table()
