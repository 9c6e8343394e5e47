"""The Public services page's parts: the case logs and their measures (cached here, in ui/cache.py's style), the
KPI cards, league tables, trend and topic charts, the data-problem table and the source line.

Everything is computed by `services`; this module caches, formats and draws.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from briefing.axes import number_axes
from data.citation import Citation, dataset_line, source_line
from data.datasets import dataset
from indicators.warnings import Alert
from precompute import inputs
from services import summary
from services.boston import DATASET_ID as BOSTON
from services.boston import holidays_of, read_boston
from services.derive import PROBLEMS, Derived, Prepared, measure, prepare
from services.logs import stored_cases
from services.signals import overview_alerts
from ui import cache
from ui import format as fmt
from ui.charts import FONT_FAMILY, with_template
from ui.i18n import t

HOUR = 3600
PARTIAL = {BOSTON}  # logs whose totals must say they are partial
CARD_DECIMALS = {"volume": 0, "on_time_rate": 1, "median_hours": 1, "satisfied_rate": 1}
DELTA_COLOR = {"neutral": "off", "higher": "normal", "lower": "inverse"}
RATES = ("on_time_rate", "satisfied_rate", "share")
LogKey = tuple[str, int | None]  # a log and the version read (None: the shipped file)


@st.cache_data(ttl=30, max_entries=1, show_spinner=False)
def stored_logs() -> dict[str, tuple[str, int]]:
    """Imported logs with a current version: id → (title, current version). A cheap token, like data_versions."""
    return {s.id: (s.title, s.current_version) for s in cache.store().case_logs.logs() if s.current_version}


def log_ids() -> list[str]:
    """The shipped example log first, then the office's imported ones."""
    return [BOSTON, *stored_logs()]


def log_key(log_id: str) -> LogKey:
    return (log_id, None) if log_id == BOSTON else (log_id, stored_logs()[log_id][1])


@st.cache_resource(ttl=HOUR, max_entries=4, show_spinner=False)
def log(key: LogKey) -> tuple[pd.DataFrame, Prepared]:
    """The canonical case table of a log version and its prepared arrays (shared between sessions: never mutate)."""
    log_id, version = key
    cases = read_boston() if log_id == BOSTON else stored_cases(cache.store(), log_id, version)
    return cases, prepare(cases)


def cases(key: LogKey, topics: tuple = (), units: tuple = (), areas: tuple = ()) -> pd.DataFrame:
    """The canonical case table of a log version, narrowed to the chosen topics, units and areas (none: all)."""
    table = log(key)[0]
    for column, chosen in (("topic", topics), ("unit", units), ("area", areas)):
        if chosen:
            table = table[table[column].isin(chosen)]
    return table


def cases_key(key: LogKey, topics: tuple = (), units: tuple = (), areas: tuple = ()) -> tuple:
    """What names a (narrowed) case table for the caches: the log version and the filters, never its content."""
    return (key, tuple(topics), tuple(units), tuple(areas))


def holidays(log_id: str) -> str:
    """Whose public holidays a log's daily counts skip: the shipped Boston log's are American, an office's Chinese."""
    return holidays_of(log_id)


def _narrowed(key: LogKey, topics: tuple, units: tuple, areas: tuple) -> Prepared:
    return log(key)[1].narrow(topic=list(topics), unit=list(units), area=list(areas))


@st.cache_data(ttl=HOUR, max_entries=64, show_spinner=False)
def measures(key: LogKey, grain: str, topics: tuple = (), units: tuple = (), areas: tuple = ()) -> Derived:
    """Every measure per period of `grain` over the whole log (narrowed to the chosen topics, units, areas)."""
    return measure(_narrowed(key, topics, units, areas), grain)


@st.cache_data(ttl=HOUR, max_entries=64, show_spinner=False)
def league(key: LogKey, first, last, by: str, topics: tuple = (), units: tuple = (), areas: tuple = ()):
    """The league table of units or areas over a window."""
    return summary.league(_narrowed(key, topics, units, areas), first, last, by)


@st.cache_data(ttl=HOUR, max_entries=64, show_spinner=False)
def topic_mix(key: LogKey, first, last, topics: tuple = (), units: tuple = (), areas: tuple = ()) -> pd.DataFrame:
    """The topic mix over a window."""
    return summary.topic_mix(_narrowed(key, topics, units, areas), first, last)


@st.cache_data(ttl=HOUR, max_entries=16, show_spinner=False)
def options(key: LogKey, column: str) -> list[str]:
    """The values of a column in the log, most frequent first."""
    return summary.options(log(key)[1], column)


# --- words -----------------------------------------------------------------------------------------------------


def log_name(log_id: str, lang: str) -> str:
    """The log's title (the shipped log's from its registry entry, an imported one's as the steward named it)."""
    return dataset(log_id).title[lang] if log_id == BOSTON else stored_logs().get(log_id, (log_id,))[0]


def source(log_id: str, lang: str, last: pd.Timestamp | None = None, grain: str = "month") -> str:
    """The source line of figures drawn from a log, with the data date; the shipped log's citation says it is
    partial. An imported log is cited by its title and version."""
    if log_id != BOSTON:
        title, version = stored_logs().get(log_id, (log_id, 0))
        line = t("services.imported_source", lang, title=title, version=version)
        return line if last is None else f"{line} · {t('cite.data_to', lang, last=period_label(last, grain, lang))}"
    freq = "M" if grain == "month" else "D"
    if last is None or freq == "D":
        line = dataset_line(log_id, lang)
        return line if last is None else f"{line} · {t('cite.data_to', lang, last=period_label(last, grain, lang))}"
    return source_line([Citation(log_id, freq)], lang, last, freq)


def period_choices(derived: Derived, grain: str, lang: str) -> tuple[list[str], dict[str, str], str | None]:
    """The periods a log's measures cover (ISO dates, oldest first), their labels in `lang`, and the latest one the
    log covers whole (None: no period)."""
    periods = [p.strftime("%Y-%m-%d") for p in derived.table["period"].drop_duplicates()]
    labels = {p: period_label(pd.Timestamp(p), grain, lang) for p in periods}
    complete = summary.last_complete(derived)
    return periods, labels, None if complete is None else complete.strftime("%Y-%m-%d")


def period_label(period: pd.Timestamp, grain: str, lang: str) -> str:
    """2015年12月 / Dec 2015 for months; 2015-12-07 当周 / week of 2015-12-07; the day (2015-12-07)."""
    if grain == "month":
        return fmt.period(period, "M", lang)
    day = period.strftime("%Y-%m-%d")
    return t("services.week_of", lang, day=day) if grain == "week" else day


def period_end(start: pd.Timestamp, grain: str) -> pd.Timestamp:
    """The last day of the period starting on `start`."""
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}[grain]
    return start + step - pd.Timedelta(days=1)


def card_value(card: summary.Card, lang: str) -> str:
    if card.value is None:
        return fmt.MISSING[lang]
    decimals = CARD_DECIMALS[card.measure]
    if card.measure in RATES:
        return f"{fmt.number(card.value * 100, decimals, lang)}%"
    unit = t("services.unit_hours" if card.measure == "median_hours" else "services.unit_cases", lang)
    return fmt.with_unit(card.value, decimals, unit, lang)


def render_card(card: summary.Card, grain: str, lang: str) -> None:
    """One st.metric: the measure, its value and the change on the previous period."""
    change = card.change
    delta = None if change is None else fmt.change(change, summary.CHANGE_KIND[card.measure], 1, lang)
    description = t(f"services.vs_previous_{grain}", lang)
    st.metric(
        t(f"services.measure_{card.measure}", lang),
        card_value(card, lang),
        delta,
        delta_color=DELTA_COLOR[summary.POLARITY[card.measure]],
        delta_description=description if change is not None else t("services.no_previous", lang),
    )


def league_display(table: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """A league table with headers in words and rates in per cent (the names stay cells: text, never Markdown)."""
    shown = table.copy()
    shown[by] = shown[by].where(shown[by] != "", t("services.no_name", lang))
    for column in RATES:
        if column in shown:
            shown[column] = shown[column] * 100
    names = {c: t(f"services.col_{c}", lang) for c in shown.columns if c != by}
    return shown.rename(columns={by: t(f"services.{by}", lang), **names})


GAP = "—"  # a missing figure on screen (Streamlit draws a missing number as "None")


def with_gaps(shown: pd.DataFrame, decimals: dict[str, int]) -> tuple[pd.DataFrame, dict]:
    """The screen's copy of a table whose number columns may lack a figure (a unit that closed nothing has no
    on-time rate), and the column settings to draw it: a column with a gap becomes right-aligned text, GAP in the
    gap, each number with its decimals and padded to one width so that sorting the text sorts the numbers (a gap
    sorts after every number). The export keeps the numbers: pass the numeric frame as the table, this as `shown`.
    """
    out, config = shown.copy(), {}
    for column, places in decimals.items():
        if column not in out or not out[column].isna().any():
            continue
        text = [None if pd.isna(v) else f"{v:,.{places}f}" for v in out[column]]
        width = max((len(x) for x in text if x is not None), default=0)
        out[column] = [GAP if x is None else x.rjust(width) for x in text]
        config[column] = st.column_config.TextColumn(alignment="right")
    return out, config


def league_view(table: pd.DataFrame, by: str, lang: str) -> tuple[pd.DataFrame, dict, dict, pd.DataFrame, dict]:
    """What the page draws of a league table: the table in words (exported), its units and decimals, the screen's
    copy with gaps and that copy's column settings (`with_gaps`)."""
    shown, decimals = league_display(table, by, lang), league_decimals(table, lang)
    return shown, league_units(table, lang), decimals, *with_gaps(shown, decimals)


def league_units(table: pd.DataFrame, lang: str) -> dict[str, str]:
    out = {t(f"services.col_{c}", lang): "%" for c in RATES if c in table}
    if "median_hours" in table:
        out[t("services.col_median_hours", lang)] = t("services.unit_hours", lang)
    return out


def league_decimals(table: pd.DataFrame, lang: str) -> dict[str, int]:
    shown = [c for c in (*RATES, "median_hours") if c in table]
    return {t(f"services.col_{c}", lang): 1 for c in shown}


def trend_figure(derived: Derived, first, last, grain: str, title: str, lang: str) -> go.Figure:
    """Bars of cases opened, lines of backlog and overdue at each period's end."""
    table = derived.table
    table = table[(table["period"] >= first) & (table["period"] <= last)]
    # Counts with separators and their unit (plotly.js's own hover writes 10.563k, on a Chinese page too).
    hover = f"%{{fullData.name}}: %{{y:,}} {t('services.unit_cases', lang)}<extra></extra>"
    fig = go.Figure()
    fig.add_bar(
        x=table["period"], y=table["volume"], name=t("services.series_volume", lang), marker_color="#1f618d",
        hovertemplate=hover,
    )  # fmt: skip
    for column, color in (("backlog", "#c0392b"), ("overdue", "#e67e22")):
        name = t(f"services.series_{column}", lang)
        fig.add_scatter(x=table["period"], y=table[column], name=name, line_color=color, hovertemplate=hover)
    with_template(fig)
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "xref": "paper"},
        font={"family": FONT_FAMILY, "size": 13},
        yaxis_title=t("services.unit_cases", lang),
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.18},
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
    )
    return number_axes(fig, lang)


def topic_figure(mix: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """Horizontal bars of the topic mix, largest at the top."""
    names = [t("services.other", lang) if n == summary.OTHER else n for n in mix["topic"]]
    fig = go.Figure(
        go.Bar(
            x=mix["share"] * 100,
            y=names,
            orientation="h",
            marker_color="#1f618d",
            customdata=mix["volume"],
            hovertemplate="%{y}: %{x:.1f}% (%{customdata:,})<extra></extra>",
        )
    )
    with_template(fig)
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "xref": "paper"},
        font={"family": FONT_FAMILY, "size": 13},
        xaxis_title="%",
        yaxis={"autorange": "reversed"},
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
        height=max(360, 26 * len(mix) + 140),
    )
    return number_axes(fig, lang)


def topic_table(mix: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = [t("services.other", lang) if n == summary.OTHER else n for n in mix["topic"]]
    return pd.DataFrame(
        {
            t("services.topic", lang): names,
            t("services.col_volume", lang): mix["volume"],
            t("services.col_share", lang): mix["share"] * 100,
        }
    )


def problems_table(derived: Derived, lang: str) -> pd.DataFrame:
    """One row per kind of problem found: its name, count, example ids and what the measures do with it."""
    found = derived.problems
    rows = [
        {
            t("services.problem_col", lang): t(f"services.problem_{code}", lang),
            t("services.problem_count", lang): found.counts[code],
            t("services.problem_examples", lang): ", ".join(found.examples.get(code, [])),
            t("services.problem_effect", lang): t(f"services.effect_{code}", lang),
        }
        for code in PROBLEMS
        if found.counts.get(code)
    ]
    return pd.DataFrame(rows)


def log_alerts(log_id: str) -> list[Alert]:
    """A log's weekly surges and overdue build-ups as Overview warnings, most severe first (shared, never mutated)."""
    return _log_alerts(log_key(log_id))


@st.cache_resource(ttl=HOUR, max_entries=8, show_spinner=False)
def _log_alerts(key: LogKey) -> list[Alert]:
    # Keyed by the log's version, not its case table: hashing the 121,145 cases for the signals' cache key cost the
    # national Overview 19 ms a view (issue 17). Stored by the precompute job for the data version: computing them
    # (statsforecast's import included) was 5 of a cold start's first Overview's 10 s.
    stored = cache.precomputed("log_warnings", inputs.log_warnings_key(*key))
    if stored is not None:
        return stored
    signals = cache.service_signals(cases_key(key), cases(key), "W", holidays(key[0]))
    return overview_alerts(signals.surges, signals.buildups)
