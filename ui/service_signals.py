"""The signals section of the public-services page: hot topics and the topic mix, surge warnings and overdue
build-ups with their explanations, and the weekly volume forecast of a chosen topic — every chart and table with
its briefing-basket buttons.

Topic and area names come from an office's file: they reach the screen as dataframe cells, escaped Markdown
(``ui.inert``) or escaped Plotly labels (``inert_html``), never as Markdown or HTML of their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from briefing import ChartMeta, TableMeta
from services.counts import ALL
from services.signals import Signals, buildup_message, series_name, surge_message
from services.topics import MIN_COUNT, MIN_RATIO, OTHER, WEEKS
from ui import auth, cache, charts, show
from ui.i18n import t
from ui.inert import inert, inert_html
from ui.state import PageUrl

FREQ_KEYS = {"W": "signals.freq.W", "D": "signals.freq.D"}
SHOWN = 10  # warnings listed in full; the table has them all
HORIZON = 8


def _topic(name: str, lang: str) -> str:
    if name == OTHER:
        return t("signals.other", lang)
    return t("signals.all_topics", lang) if name == ALL else name


def _when(moment: pd.Timestamp) -> str:
    return moment.strftime("%Y-%m-%d")


@auth.fragment
def show_signals(
    cases: pd.DataFrame,
    *,
    cases_key: Hashable,
    lang: str,
    key_prefix: str,
    source: str = "",
    holidays: str | None = "CN",
    widget_prefix: str | None = None,
    url: PageUrl | None = None,
) -> None:
    """Draw the signals of a canonical case table, as a fragment: the grain radio reruns the signals only, the
    forecast's topic box its forecast only (issue 17).

    Args:
        cases: the (filtered) case table the page shows.
        cases_key: what names that table for the caches (its log, version and filters: never hashed by content).
        lang: the reader's language.
        key_prefix: prefix of every basket key (the page's, with its filters), and of the widgets' keys unless
            ``widget_prefix`` is given (a widget keyed by the filters would start afresh at every filter change).
        source: the source line of the log for every chart and table (the page's citation).
        holidays: the country whose public holidays are not tested for daily surges (None: none).
        url: the page's URL parameters: the signals' grain (``signal_grain``) and forecast topic (``signal_topic``)
            are recorded there like the page's other filters, so a link reproduces the view.
    """
    st.subheader(t("signals.heading", lang))
    page_url, url = url, url or PageUrl(widget_prefix or key_prefix)  # without the page's: no URL written
    # Kept in the session (through the URL helper), so a language switch relabels the radio instead of resetting it.
    freq = url.choice(
        st.radio, "signal_grain", list(FREQ_KEYS), default=next(iter(FREQ_KEYS)), label=t("signals.freq", lang),
        key=f"{widget_prefix or key_prefix}_signals_freq", format_func=lambda f: t(FREQ_KEYS[f], lang),
        horizontal=True,
    )  # fmt: skip
    if page_url is not None:
        page_url.write_from_fragment()
    signals = cache.service_signals(cases_key, cases, freq, holidays)
    _hot(signals, (cases_key, freq), lang, key_prefix, source)
    _mix(signals, (cases_key, freq), lang, key_prefix, source)
    _surges(signals, (cases_key, freq), lang, key_prefix, source)
    _forecast(
        cache.service_volume_run(cases_key, cases, HORIZON),
        cases_key,
        lang,
        key_prefix,
        source,
        widget_prefix or key_prefix,
        page_url,
    )


def _hot(signals: Signals, name: Hashable, lang: str, key_prefix: str, source: str) -> None:
    st.markdown(f"##### {t('signals.hot_heading', lang)}")
    if not signals.hot:
        st.caption(t("signals.hot_none", lang))
        return
    week = signals.hot[0].week
    st.caption(t("signals.hot_week", lang, week=_when(week), weeks=WEEKS, min_count=MIN_COUNT, min_ratio=MIN_RATIO))
    st.markdown("\n".join(f"- {inert(hot.message().render(lang))}" for hot in signals.hot))  # one list, one element
    frame = cache.shared(("signals-hot", name, lang), lambda: _hot_table(signals, lang))
    meta = TableMeta(
        f"{t('signals.hot_heading', lang)} · {_when(week)}",
        source,
        decimals={t("signals.col.mean", lang, weeks=WEEKS): 1, t("signals.col.ratio", lang): 1},
    )
    show.table(frame, meta, f"{key_prefix}-hot-{_when(week)}")


def _hot_table(signals: Signals, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("signals.col.topic", lang): [h.topic for h in signals.hot],
            t("signals.col.count", lang): [h.count for h in signals.hot],
            t("signals.col.mean", lang, weeks=WEEKS): [h.mean for h in signals.hot],
            t("signals.col.ratio", lang): [h.ratio if not h.new else None for h in signals.hot],
        }
    )


def mix_figure(mix: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Weekly cases stacked by topic (the largest topics and the rest)."""
    fig = go.Figure()
    for topic, rows in mix.groupby("topic", sort=False):
        fig.add_trace(
            go.Bar(
                x=rows["period"],
                y=rows["count"],
                name=inert_html(_topic(topic, lang)),
                hovertemplate="%{x|%Y-%m-%d}: %{y:,} <extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    charts.with_template(fig)
    fig.update_layout(title={"text": inert_html(title), "x": 0.0, "xanchor": "left", "xref": "paper"},
                      yaxis_title=t("signals.unit_cases", lang), legend={"orientation": "h", "y": -0.2})  # fmt: skip
    return fig


def _mix(signals: Signals, name: Hashable, lang: str, key_prefix: str, source: str) -> None:
    if signals.mix.empty:
        return
    st.markdown(f"##### {t('signals.mix_heading', lang)}")
    title = t("signals.mix_title", lang)
    fig = cache.shared(("signals-mix", name, lang), lambda: mix_figure(signals.mix, lang, title))
    last = _when(signals.mix["period"].max())
    meta = ChartMeta(title=title, source=source, unit=t("signals.unit_cases", lang))
    show.chart(fig, meta, f"{key_prefix}-mix-{last}")


def _surges(signals: Signals, name: Hashable, lang: str, key_prefix: str, source: str) -> None:
    st.markdown(f"##### {t('signals.surge_heading', lang)}")
    if not signals.surges:
        st.caption(t("signals.surge_none", lang))
    _boxes(
        [("error" if s.ratio >= 3 else "warning", inert(surge_message(s).render(lang))) for s in signals.surges[:SHOWN]]
    )
    if signals.surges:
        frame = cache.shared(("signals-surges", name, lang), lambda: _surge_table(signals, lang))
        decimals = {t("signals.col.forecast", lang): 0, t("signals.col.hi95", lang): 0}
        meta = TableMeta(t("signals.surge_heading", lang), source, decimals=decimals)
        show.table(frame, meta, f"{key_prefix}-surges-{signals.freq}-{frame.iloc[0, 1]}")
    st.markdown(f"##### {t('signals.buildup_heading', lang)}")
    if not signals.buildups:
        st.caption(t("signals.buildup_none", lang))
    _boxes([("info", inert(buildup_message(b).render(lang))) for b in signals.buildups[:SHOWN]])


def _boxes(warnings: list[tuple[str, str]]) -> None:
    """Warnings as coloured boxes (``error``, ``warning``, ``info``) of escaped text, in order: the consecutive ones of
    one colour in one box, as a list. A box each made the Services page draw ~20 boxes a view, and every element
    costs a view its share of the messages (issue 17)."""
    for colour, group in itertools.groupby(warnings, key=lambda warning: warning[0]):
        texts = [text for _, text in group]
        getattr(st, colour)(texts[0] if len(texts) == 1 else "\n".join(f"- {text}" for text in texts))


def _surge_table(signals: Signals, lang: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            t("signals.col.topic", lang): [series_name(s.topic, s.area) for s in signals.surges],
            t("signals.col.period", lang): [_when(s.period) for s in signals.surges],
            t("signals.col.count", lang): [s.count for s in signals.surges],
            t("signals.col.forecast", lang): [s.expected for s in signals.surges],
            t("signals.col.hi95", lang): [s.bound for s in signals.surges],
        }
    )
    column = t("signals.col.topic", lang)
    frame[column] = [name if isinstance(name, str) else name.render(lang) for name in frame[column]]
    return frame


@auth.fragment
def _forecast(
    volume: tuple, name: Hashable, lang: str, key_prefix: str, source: str, widget_prefix: str, page_url: PageUrl | None
) -> None:
    st.markdown(f"##### {t('signals.forecast_heading', lang)}")
    history, run = volume
    if run is None or run.forecast.empty:
        st.caption(t("signals.forecast_none", lang))
        return
    topics = list(pd.unique(run.forecast["unique_id"]))
    # Kept across a language switch; back to the first topic when the log no longer has it.
    url = page_url or PageUrl(widget_prefix)
    topic = url.choice(
        st.selectbox, "signal_topic", topics, default=topics[0], label=t("signals.topic", lang),
        key=f"{widget_prefix}_fc_topic", format_func=lambda name: _topic(name, lang),
    )  # fmt: skip
    if page_url is not None:
        page_url.write_from_fragment()
    # Per cases and topic, once: what is drawn below is made from these (a view only looks them up).
    rows, past = cache.shared(
        ("signals-topic", name, topic),
        lambda: (run.forecast[run.forecast["unique_id"] == topic], history[history["unique_id"] == topic][["ds", "y"]]),
    )
    title = t("signals.forecast_title", lang, topic=_topic(topic, lang))
    labels = {
        "history": t("signals.series_actual", lang),
        "forecast": t("signals.series_forecast", lang),
        "band80": t("signals.band80", lang),
        "band95": t("signals.band95", lang),
    }
    unit = t("signals.unit_cases", lang)
    fan = cache.shared(
        ("signals-fan", name, topic, lang),
        lambda: charts.fan_chart(charts.recent(past, "W"), rows, "combination", inert_html(title), unit, 0, labels),
    )
    first = rows.iloc[0]
    note = t(
        "signals.accuracy", lang, mase=f"{first['mase']:.2f}", smape=f"{first['smape']:.0f}", mae=f"{first['mae']:.1f}",
        points=int(first["backtest_points"]),
    )  # fmt: skip
    key = f"{key_prefix}-volume-{topic}-{_when(rows['ds'].iloc[0])}"
    show.chart(fan, ChartMeta(title=title, source=source, unit=unit), f"{key}-fan", caption=note)
    table = cache.shared(("signals-fc-table", name, topic, lang), lambda: _forecast_table(rows, lang))
    meta = TableMeta(title, source, decimals={c: 0 for c in table.columns[1:]})
    show.table(table, meta, f"{key}-table")


def _forecast_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("signals.col.week", lang): [_when(d) for d in rows["ds"]],
            t("signals.col.forecast", lang): rows["combination"].to_numpy(),
            t("signals.col.lo80", lang): rows["combination-lo-80"].to_numpy(),
            t("signals.col.hi80", lang): rows["combination-hi-80"].to_numpy(),
            t("signals.col.lo95", lang): rows["combination-lo-95"].to_numpy(),
            t("signals.col.hi95", lang): rows["combination-hi-95"].to_numpy(),
        }
    )
