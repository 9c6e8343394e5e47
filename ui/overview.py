"""Helpers for the Overview page: card texts, target and warning wording, display tables, the link to Indicators.

Everything here formats what the libraries computed; nothing is calculated that a test would need to check apart
from the formatting itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from data.citation import dataset_line
from data.regions import RegionRegistry
from indicators.kpi import Kpi
from indicators.metadata import Catalogue, Indicator, catalogue
from indicators.standings import Standings
from indicators.targets import Target, TargetStatus
from indicators.warnings import Alert
from ui import cache, navigation, show
from ui import format as fmt
from ui import vintage as vn
from ui.explore import default_years
from ui.footer import citation_line
from ui.i18n import t
from ui.inert import inert

INDICATORS_PAGE = Path(__file__).resolve().parents[1] / navigation.script("indicators")
CAPTION_BREAK = "  \n"  # a line break inside one caption (Markdown)
STATUS_COLOR = {"on_track": "green", "at_risk": "orange", "off_track": "red", "no_data": "gray", "no_target": "gray"}
# Material icons ship with Streamlit's own assets; emoji would need a colour-emoji font the office PCs may lack.
STATUS_ICON = {
    "on_track": ":material/check_circle:",
    "at_risk": ":material/error:",
    "off_track": ":material/cancel:",
    "no_data": ":material/remove_circle_outline:",
    "no_target": ":material/remove_circle_outline:",
}
TARGETS_DATASET = "cn_national_targets"
SERVICE_SHOWN = 5  # a log's most severe service warnings on the Overview; the page lists them all
SEVERITY_BOX = {"critical": "error", "warning": "warning", "notice": "info"}


@dataclass(frozen=True)
class CardText:
    """The strings of one KPI card."""

    label: str
    value: str
    delta: str | None
    delta_color: str
    delta_arrow: str
    delta_description: str
    period: str
    year_line: str | None
    vintage: str
    stale: str | None = None  # 最新数据为 2022年… when the card's latest period is older than the calendar promises


def _delta_color(ind: Indicator, change: float | None) -> str:
    if change is None or change == 0 or ind.polarity == "neutral":
        return "off"
    return "normal" if ind.polarity == "higher_is_better" else "inverse"


def change_decimals(kpi: Kpi, ind: Indicator) -> int:
    """Per cent changes of amounts get one decimal; differences keep the indicator's own precision."""
    return 1 if kpi.change_unit == "pct" else ind.decimals


def card_value(kpi: Kpi, ind: Indicator, lang: str) -> str:
    """The card's big number: with % for rates; other units go in the line below."""
    value = fmt.number(kpi.value, ind.decimals, lang)
    return f"{value}%" if ind.short_unit == "%" and kpi.value is not None else value


def card_text(kpi: Kpi, ind: Indicator, lang: str) -> CardText:
    """Value, changes, period and vintage of a card, formatted from the KPI and the indicator's metadata."""
    decimals = change_decimals(kpi, ind)
    delta = None if kpi.change_previous is None else fmt.change(kpi.change_previous, kpi.change_unit, decimals, lang)
    year_line = None
    if ind.freq != "A":  # for annual data the previous period is the same period last year
        year_line = t("overview.vs_year", lang, change=fmt.change(kpi.change_year, kpi.change_unit, decimals, lang))
    return CardText(
        label=ind.name[lang],
        value=card_value(kpi, ind, lang),
        delta=delta,
        delta_color=_delta_color(ind, kpi.change_previous),
        delta_arrow="off" if not kpi.change_previous else "auto",
        delta_description=t(f"overview.vs_previous_{ind.freq.lower()}", lang),
        period=card_period(kpi, ind, lang),
        year_line=year_line,
        vintage=citation_line(ind, kpi.period, lang),
        stale=vn.stale_note(ind, kpi.period, lang),
    )


def card_period(kpi: Kpi, ind: Indicator, lang: str) -> str:
    """The card's period, marked when its figure is preliminary: 2025年（初步数） / 2025 (preliminary)."""
    when = fmt.period(kpi.period, ind.freq, lang)
    if not kpi.preliminary:
        return when
    mark = t("vintage.preliminary_short", lang)
    return f"{when}（{mark}）" if lang == "zh" else f"{when} ({mark})"


def unit_note(ind: Indicator, lang: str) -> str:
    """The unit under a card's value (the value itself carries only %)."""
    return "" if ind.short_unit == "%" else ind.unit[lang]


def status_key(status: TargetStatus | None) -> str:
    return "no_target" if status is None else status.status


def status_badge(status: TargetStatus | None, lang: str) -> str:
    """The target status as a coloured badge in Markdown (what ``st.badge`` draws, inside a caption); our own words."""
    key = status_key(status)
    return f":{STATUS_COLOR[key]}-badge[{STATUS_ICON[key]} {t(f'overview.status_{key}', lang)}]"


def _gap(status: TargetStatus, lang: str) -> str:
    unit = "pp" if status.target.unit["zh"] == "%" else "diff"
    text = fmt.change(status.gap, unit, 1, lang)
    return text if unit == "pp" or status.gap is None else f"{text}{_unit(status.target, lang)}"


def _unit(target: Target, lang: str) -> str:
    unit = target.unit[lang].strip()
    return unit if unit == "%" or lang == "zh" else f" {unit}"


def _outturn(status: TargetStatus, cat: Catalogue, lang: str) -> tuple[str, str]:
    """The outturn with its unit, and its period ("no data" for either when missing)."""
    out, ind_id = status.outturn, status.target.indicator_id
    ind = cat.get(ind_id) if ind_id else None
    when = fmt.period(out.period, ind.freq if ind else "A", lang)
    if out.value is None:
        return fmt.MISSING[lang], when
    value = fmt.number(out.value, ind.decimals if ind else 1, lang)
    return f"{value}{_unit(status.target, lang)}", when


def status_line(status: TargetStatus | None, kpi_year: int | None, cat: Catalogue, lang: str) -> str:
    """One sentence: the target's wording and year, the outturn it is judged on, and the gap."""
    if status is None:
        return t("overview.no_target", lang)
    target, out = status.target, status.outturn
    parts = [t("overview.target_wording", lang, year=target.year, wording=target.wording[lang])]
    if out.value is None:
        parts.append(target.note[lang] if target.note else t(f"overview.reason_{out.reason or 'no_value'}", lang))
    else:
        value, when = _outturn(status, cat, lang)
        label = "overview.outturn_final" if out.final else "overview.outturn_ytd"
        parts.append(t(label, lang, period=when, value=value))
        parts.append(t("overview.gap", lang, gap=_gap(status, lang)))
    if kpi_year is not None and target.year < kpi_year:
        parts.append(t("overview.no_target_for_year", lang, year=kpi_year))
    return " · ".join(parts)


def targets_table(statuses: list[TargetStatus], cat: Catalogue, lang: str) -> pd.DataFrame:
    """The year's targets as a table: what was promised, the outturn, the gap and the status."""
    rows = []
    for s in statuses:
        value, when = _outturn(s, cat, lang)
        rows.append(
            {
                t("overview.col_target", lang): s.target.name[lang],
                t("overview.col_wording", lang): s.target.wording[lang],
                t("overview.col_outturn", lang): value,
                t("overview.col_period", lang): when,
                t("overview.col_gap", lang): fmt.MISSING[lang] if s.gap is None else _gap(s, lang),
                t("overview.col_status", lang): t(f"overview.status_{s.status}", lang),
                t("overview.col_source", lang): s.target.source[lang],
            }
        )
    return pd.DataFrame(rows)


def targets_view(statuses: list[TargetStatus], cat: Catalogue, lang: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The targets table (exported), its copy as shown and the column config of its status labels."""
    table = targets_table(statuses, cat, lang)
    return table, *status_labels(table, lang)


def status_labels(table: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """The targets table as shown, with its status cells as red / amber / green / grey labels, and the column
    config that colours them. A coloured label, not a styled cell: Streamlit renders a pandas Styler again on every
    view (12 ms of the Overview's, issue 17). The table itself keeps plain text for the exports."""
    column = t("overview.col_status", lang)
    labels = {t(f"overview.status_{key}", lang): color for key, color in STATUS_COLOR.items()}
    shown = table.assign(**{column: [[v] for v in table[column]]})
    config = {column: st.column_config.MultiselectColumn(options=list(labels), color=list(labels.values()))}
    return shown, config


def alert_heading(alert: Alert, ind: Indicator, registry: RegionRegistry, lang: str) -> str:
    """Indicator · region · period · kind, for the head of a warning."""
    when = fmt.period(alert.period, ind.freq, lang)
    kind = t(f"overview.kind_{alert.kind}", lang)
    return f"**{ind.name[lang]}** · {registry.name(alert.region_code, lang)} · {when} · {kind}"


def service_heading(alert: Alert, lang: str) -> str:
    """Period · kind, for the head of a case log's surge or overdue build-up (the message names topic and area)."""
    when = alert.period.strftime("%Y-%m-%d") if alert.period is not None else ""
    return f"{t('overview.week_of', lang, date=when)} · {t(f'overview.kind_{alert.kind}', lang)}"


def standings_heading(result: Standings, ind: Indicator, lang: str) -> str:
    """The standings heading with the year ranked, marked when its figures are preliminary."""
    when = fmt.period(result.period, ind.freq, lang)
    if result.preliminary:
        mark = t("vintage.preliminary_short", lang)
        when = f"{when}，{mark}" if lang == "zh" else f"{when}, {mark}"
    return t("overview.standings_of", lang, period=when)


def standings_tables(
    result: Standings, registry: RegionRegistry, ind: Indicator, lang: str
) -> tuple[pd.DataFrame, ...]:
    """Top and bottom regions with value and rank change, headers translated."""

    def table(rows: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                t("table.rank", lang): rows["rank"].astype("Int64"),
                t("table.region", lang): [registry.name(c, lang) for c in rows["region_code"]],
                t("table.value", lang, unit=ind.unit[lang]): rows["value"].round(ind.decimals),
                t("table.rank_change", lang): rows["rank_change"].astype("Int64"),
            }
        )

    return table(result.top), table(result.bottom)


def city_table(results: list[Standings], registry: RegionRegistry, cat: Catalogue, lang: str) -> pd.DataFrame:
    """A province's cities side by side: per indicator its value and rank (of how many) in its latest year; cities
    in the order of the first indicator's ranking, cities without a figure kept with gaps."""
    order: list[str] = []
    columns: dict[str, list] = {}
    for result in results:
        order += [c for c in result.table.sort_values("rank", kind="stable")["region_code"] if c not in order]
    out = pd.DataFrame({t("table.region", lang): [registry.name(c, lang) for c in order]})
    for result in results:
        ind = cat.get(result.indicator_id)
        table = result.table.set_index("region_code").reindex(order)
        when = fmt.period(result.period, ind.freq, lang)
        head = t("overview.city_value", lang, name=ind.name[lang], unit=ind.unit[lang], period=when)
        columns[head] = table["value"].round(ind.decimals).tolist()
        columns[t("overview.city_rank", lang, name=ind.name[lang], count=result.ranked)] = (
            table["rank"].astype("Int64").tolist()
        )
    return pd.concat([out, pd.DataFrame(columns)], axis=1)


def position_line(result: Standings, region_code: str, registry: RegionRegistry, when: str, lang: str) -> str:
    """Where one region stands: its rank of how many, and its rank change (or that it has no figure)."""
    row, name = result.position(region_code), registry.name(region_code, lang)
    if row is None:
        return t("overview.no_position", lang, region=name, period=when)
    change = fmt.number(row["rank_change"], 0, lang, signed=True)
    return t(
        "overview.position", lang, region=name, period=when, rank=int(row["rank"]), count=result.ranked, change=change
    )


def link_params(kpi: Kpi, ind: Indicator, first_year: int | None, lang: str) -> dict[str, str]:
    """What the Indicators page needs to open on this card: indicator, region, years and language."""
    params = {"indicator": ind.id, "regions": kpi.region_code, "lang": lang}
    if kpi.period is not None and first_year is not None:
        start, end = default_years(first_year, kpi.period.year, ind.freq)
        params["years"] = f"{start}-{end}"
    return params


def indicator_link(label: str, params: dict[str, str]) -> None:
    """A link that opens the Indicators page with `params` in its URL (see `page_link`)."""
    page_link(INDICATORS_PAGE, "indicators", label, ":material/show_chart:", params)


def page_link(page: str, url_path: str, label: str, icon: str, params: dict[str, str] | None = None) -> None:
    """A link to another page of the app, with `params` in its URL.

    Inside the app (app.py's navigation) this is an `st.page_link`. When the page runs on its own — a benchmark or
    an AppTest of the page file — the other page is not registered, so a plain link to its URL is drawn instead.
    """
    try:
        # No `help` tooltip: Streamlit would draw a hidden second copy of the link, ambiguous for browser tests.
        st.page_link(page, label=label, icon=icon, query_params=params or {})
    except StreamlitPageNotFoundError:
        query = f"?{urlencode(params)}" if params else ""
        st.markdown(f"{icon} [{label}]({url_path}{query})")


def card_facts(kpis: list[Kpi], scope: str, cards: tuple[str, ...]) -> list[tuple[TargetStatus | None, int | None]]:
    """Each card's target status and first year, looked up once per region and set of cards (issue 17: two cached
    lookups a card on every view before)."""

    def look_up() -> list[tuple[TargetStatus | None, int | None]]:
        return [
            (
                cache.card_status(k.indicator_id, scope, k.period.year) if k.period is not None else None,
                cache.first_year(k.indicator_id, scope),
            )
            for k in kpis
        ]

    return cache.shared(("ov-card-facts", scope, cards), look_up)


def render_card(kpi: Kpi, ind: Indicator, status: TargetStatus | None, first_year: int | None, lang: str) -> None:
    """One KPI card: value and change, period and unit, sparkline, target status, vintage, link to Indicators."""
    text = cache.shared(("ov-card", kpi.indicator_id, kpi.region_code, lang), lambda: card_text(kpi, ind, lang))
    # The title above the metric, where it wraps: a metric's own label is cut at one line ("General budget revenue
    # growth (year to d…" in English); the metric keeps it, hidden, for screen readers.
    st.markdown(inert(text.label), help=ind.definition[lang])
    st.metric(
        text.label,
        text.value,
        text.delta,
        delta_color=text.delta_color,
        delta_arrow=text.delta_arrow,
        delta_description=text.delta_description,
        label_visibility="collapsed",
    )
    spark = cache.sparkline(kpi)
    if spark is not None:
        show.chart(spark, widget_key=f"ov_spark_{ind.id}")
    kpi_year = kpi.period.year if kpi.period is not None else None
    gap = kpi.last_row_period is not None and kpi.period is not None and kpi.last_row_period > kpi.period
    stale = t("overview.stale", lang, period=text.period) if gap else None
    # Period and unit, target status (a coloured badge and its line) and citation under the sparkline: one element,
    # four lines (every element costs a view its share of the messages, issue 17).
    vintage = inert(vn.with_notes(text.vintage, stale, text.stale))
    period = " · ".join(p for p in (text.period, unit_note(ind, lang), text.year_line) if p)
    lines = (period, status_badge(status, lang), status_line(status, kpi_year, catalogue(), lang), vintage)
    st.caption(CAPTION_BREAK.join(line for line in lines if line))
    indicator_link(t("overview.open_indicator", lang), link_params(kpi, ind, first_year, lang))


def targets_source(lang: str) -> str:
    """Where the published targets come from (the Government Work Report), for the targets table and the footer."""
    return dataset_line(TARGETS_DATASET, lang)
