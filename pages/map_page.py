"""Map / 地图: China provinces, a province's cities, or world countries, one indicator and year, classified; a click on
a province with city figures opens its cities, any other click opens Indicators."""

import pandas as pd
import streamlit as st

import maps
from briefing import ChartMeta, TableMeta
from data.citation import boundary_line
from ui import auth, cache, explore, navigation, show, state
from ui.defaults import defaults
from ui.footer import source_line
from ui.i18n import current_lang, pick, t

TABLE_WIDTHS = {"region": 112, "value": 96, "rank": 52}  # px: together within the China panel's 260 px at 1400

lang = current_lang()
actor = auth.gate()
cat = cache.catalogue()
st.title(t("map.title"))

first, url = defaults().map, state.PageUrl("map", data=cache.data_token())
if "map_drill" in st.session_state:  # a click on a province last run: open its cities (the box is not drawn yet)
    st.session_state["map_region"] = st.session_state.pop("map_drill")
col_level, col_region, col_ind = st.columns([1, 1, 2])
level = url.choice(
    col_level.radio,
    "level",
    maps.LEVELS,
    default=first.level,
    label=t("map.level"),
    format_func=lambda v: t(f"map.level_{v}", lang),
)
region = ""
if level == "china":
    region = url.choice(
        col_region.selectbox,
        "region",
        ["", *(c for c in maps.city_levels() if actor.scope in (None, c))],  # a scoped user: their own province
        default="",
        label=t("map.region"),
        format_func=lambda c: maps.region_name(c, lang) if c else t("map.region_all", lang),
        omit_default=True,
    )
    if region:
        col_region.button(t("map.back"), key="map_back", on_click=lambda: st.session_state.update(map_region=""))
map_level = region or level  # a province's code is the level of its cities
indicator_ids = cache.mappable(map_level)
ind = cat.get(
    url.choice(
        col_ind.selectbox,
        "indicator",
        indicator_ids,
        default=indicator_ids[0],
        label=t("map.indicator"),
        format_func=lambda i: explore.indicator_label(cat.get(i), lang),
    )
)

years = cache.map_years(ind.id, map_level)
col_scheme, col_k, col_play = st.columns([2, 2, 1])
scheme = url.choice(
    col_scheme.selectbox,
    "scheme",
    list(maps.SCHEMES),
    default=first.scheme,
    label=t("map.scheme"),
    format_func=lambda s: maps.SCHEMES[s].label[lang],
)
k = url.number(col_k.slider, "k", maps.K_MIN, maps.K_MAX, default=first.classes, label=t("map.classes"))
playing = col_play.toggle(t("map.play"), key="map_play", disabled=len(years) < 2)


@auth.fragment(run_every=1.5 if playing else None)
def map_and_table() -> None:
    """The year slider, map and table; while playing, each timed rerun shows the next year."""
    if playing:
        # A keyed slider does not redraw a value set from code inside a fragment: show a disabled copy instead.
        current = st.session_state.get("map_play_year", st.session_state.get("map_year", years[0]))
        year = years[(years.index(current) + 1) % len(years)] if current in years else years[0]
        st.session_state["map_play_year"] = year
        st.select_slider(t("map.year"), years, value=year, disabled=True)
    elif len(years) == 1:  # a select_slider needs two values
        year = years[0]
    else:
        if "map_play_year" in st.session_state:  # stopped: stay on the year the play reached
            st.session_state["map_year"] = st.session_state.pop("map_play_year")
        year = url.choice(st.select_slider, "year", years, default=years[-1], label=t("map.year"))
    url.put("year", year)
    url.write()
    # China sits beside its table; the world, twice as wide as it is tall, takes the whole width with its table below.
    col_map, col_table = (st.container(), st.container()) if level == "world" else st.columns([5, 2])
    with col_map:
        figure = cache.map_figure(map_level, ind.id, year, scheme, k, lang)
        map_title = t("map.chart_title", name=ind.name[lang], year=year)
        if region:
            map_title = t("choropleth.in_province", province=maps.region_name(region, lang), title=map_title)
        shown_year = pd.Timestamp(f"{year}-01-01")
        prelim = [shown_year] if cache.preliminary(ind.id)["period"].eq(shown_year).any() else []
        bounds = boundary_line(maps.CITY_BOUNDARY_DATASET if region else maps.BOUNDARY_DATASET, lang)
        footer = f"{source_line(ind, shown_year, lang, preliminary=prelim, one_period=True)} · {bounds}"
        selection = f"{map_level}-{ind.id}-{year}-{scheme}-{k}"
        meta = ChartMeta(title=map_title, source=footer, unit=ind.unit[lang])
        drillable = cache.drill_provinces(ind.id) if level == "china" and not region else frozenset()
        hint = "map.click_hint_city" if region else "map.click_hint_drill" if drillable else "map.click_hint"
        event = show.chart(
            figure,
            meta,
            f"map-{selection}",
            notes=[t(hint)],
            widget_key="map_chart",
            on_select="rerun",
            selection_mode="points",
        )
    codes = maps.selected_regions(event, map_level)
    if len(codes) == 1 and codes[0] in drillable:
        st.session_state["map_drill"] = codes[0]
        st.rerun()
    if codes:
        st.switch_page(
            navigation.script("indicators"),
            query_params={"indicator": ind.id, "regions": ",".join(codes), "lang": lang},
        )
    with col_table:
        table = cache.map_table(map_level, ind.id, year, lang)
        value_column = t("table.value", unit=pick(ind.unit))
        region_column, rank_column = t("table.region"), t("table.rank")
        shown = table.drop(columns="region_code").rename(
            columns={"name": region_column, "value": value_column, "rank": rank_column}
        )
        # The unit goes in a line above the table (and in the header's tooltip and the export's header), so the
        # three columns fit the narrow panel in either language.
        columns = {
            region_column: st.column_config.TextColumn(width=TABLE_WIDTHS["region"]),
            value_column: st.column_config.NumberColumn(
                t("map.table_value"), help=value_column, format=f"%,.{ind.decimals}f", width=TABLE_WIDTHS["value"]
            ),
            rank_column: st.column_config.NumberColumn(width=TABLE_WIDTHS["rank"]),
        }
        st.caption(t("map.table_unit", unit=pick(ind.unit)))
        show.table(
            shown,
            TableMeta(map_title, footer, decimals={value_column: ind.decimals}),
            f"map-table-{selection}",
            notes=[footer],
            height=400 if level == "world" else 560,
            column_config=columns,
        )


map_and_table()
