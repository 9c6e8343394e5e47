"""Plotly figures for indicator views. Plain functions (no Streamlit), so tests and exports can build them."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from briefing.axes import number_axes
from data.regions import RegionRegistry

# Local fonts only (installed CJK fonts first); nothing is fetched from a web-font service.
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
PALETTE = [
    "#c0392b",
    "#2e86c1",
    "#27ae60",
    "#8e44ad",
    "#d68910",
    "#17a589",
    "#7f8c8d",
    "#a04000",
    "#1f618d",
    "#b03a2e",
    "#229954",
    "#6c3483",
]

# One colour per region, the same in every view (see `region_colors`): 36 colours for lines on white, at least
# ΔE 17 apart (CIELAB), chosen greedily from Plotly's qualitative palettes after the first six above; none too light
# or too loud.
REGION_PALETTE = [
    "#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#d68910", "#17a589", "#b2828d", "#e7298a", "#6c4516", "#90ad1c",
    "#3283fe", "#882255", "#6c7c32", "#565656", "#e377c2", "#008695", "#f97b72", "#d95f02", "#7570b3", "#109618",
    "#6f4070", "#a65628", "#8c564b", "#ff6692", "#117733", "#cc6677", "#af0038", "#7f8c8d", "#a777f1", "#85660d",
    "#73af48", "#990099", "#778aae", "#999933", "#862a16", "#5f4690",
]  # fmt: skip


@lru_cache(maxsize=4)
def _slots(regions: RegionRegistry) -> dict[str, int]:
    """Each region's palette slot: the nation and its provinces in registry order (35, all distinct); countries in
    theirs (more than the palette holds, so they share slots)."""
    slots: dict[str, int] = {}
    for kinds in (("national", "province"), ("country",)):
        order = [region.code for kind in kinds for region in regions.of_kind(kind)]
        slots.update({code: i for i, code in enumerate(order)})
    return slots


def region_colors(codes: Iterable[str], regions: RegionRegistry) -> dict[str, str]:
    """The colour of each region in `codes`: its slot in the registry, so 广东 has one colour on every chart, page
    and export, whichever regions are shown with it. Two countries of one chart that share a slot: the later one
    takes the next colour not yet used in that chart (provinces never share)."""
    slots, n = _slots(regions), len(REGION_PALETTE)
    used: set[str] = set()
    out = {}
    for code in dict.fromkeys(str(c) for c in codes):
        slot = slots.get(code, zlib.crc32(code.encode()))  # an unknown code still gets a stable colour
        for step in range(n):
            colour = REGION_PALETTE[(slot + step) % n]
            if colour not in used or len(used) >= n:
                break
        out[code] = colour
        used.add(colour)
    return out


# Made and validated once. `update_layout(template="plotly_white")` builds and validates the whole template again for
# every figure (20–30 ms each, and a page draws several on every rerun). Plotly's registry makes it at the first
# access and keeps it; a copy of it (as here before) cost every process's start another 0.1 s. Never changed.
TEMPLATE = pio.templates["plotly_white"]


def with_template(fig: go.Figure) -> go.Figure:
    """Give `fig` the shared, already validated template without validating it again: what Plotly itself does when
    it applies its default template to a new figure (`BaseFigure._initialize_layout_template`)."""
    layout = fig._layout_obj
    validate, layout._validate = layout._validate, False
    try:
        layout.template = TEMPLATE
    finally:
        layout._validate = validate
    return fig


def _layout(fig: go.Figure, title: str, unit: str, footer: str | None) -> go.Figure:
    with_template(fig)
    fig.update_layout(
        # aligned with the plot's left edge: x=0 of the whole figure ("container") puts the first glyph on the edge
        title={"text": title, "x": 0.0, "xanchor": "left", "xref": "paper"},
        font={"family": FONT_FAMILY, "size": 13},
        yaxis_title=unit,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.18},
        margin={"l": 60, "r": 20, "t": 60, "b": 90 if footer else 60},
    )
    if footer:
        fig.add_annotation(
            text=footer,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.32,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 10, "color": "#666"},
        )
    return fig


@dataclass(frozen=True)
class ChartMarks:
    """Vintage marks on a time-series chart: probable revisions (dotted vertical lines, labelled) and preliminary
    figures (a ring around the point, with its own legend entry)."""

    revisions: tuple[tuple[pd.Timestamp, str], ...] = ()
    preliminary: tuple[tuple[str, pd.Timestamp], ...] = ()  # (region_code, period)
    preliminary_label: str = ""


def _revision_lines(fig: go.Figure, marks: ChartMarks, **where) -> None:
    for period, label in marks.revisions:
        fig.add_vline(x=period, line={"color": "#7f8c8d", "dash": "dot", "width": 1}, **where)
        fig.add_annotation(
            x=period, y=1, xref="x", yref="paper", text=label, showarrow=False, yanchor="bottom",
            font={"size": 10, "color": "#7f8c8d"},
        )  # fmt: skip


def _preliminary_rings(frame: pd.DataFrame, marks: ChartMarks) -> go.Scatter | None:
    if not marks.preliminary:
        return None
    wanted = pd.DataFrame(list(marks.preliminary), columns=["region_code", "period"])
    points = frame.merge(wanted, on=["region_code", "period"]).dropna(subset=["value"])
    if points.empty:
        return None
    return go.Scatter(
        x=points["period"],
        y=points["value"],
        mode="markers",
        name=marks.preliminary_label,
        marker={"symbol": "circle-open", "size": 12, "color": "#34495e", "line": {"width": 2}},
        hoverinfo="skip",
    )


def _hover(decimals: int, unit: str) -> str:
    return f"%{{fullData.name}}: %{{y:,.{decimals}f}} {unit}<extra></extra>"


def time_series(
    frame: pd.DataFrame,
    regions: RegionRegistry,
    title: str,
    unit: str,
    decimals: int,
    lang: str,
    footer: str | None = None,
    marks: ChartMarks | None = None,
) -> go.Figure:
    """One line per region; missing values break the line (a gap is shown as a gap). `marks` adds probable
    revisions and preliminary figures."""
    fig = go.Figure()
    colors = region_colors(frame["region_code"], regions)
    for code, rows in frame.groupby("region_code", sort=False):
        rows = rows.sort_values("period")
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["value"],
                name=regions.name(code, lang),
                mode="lines+markers",
                connectgaps=False,
                line={"color": colors[str(code)], "width": 2},
                marker={"size": 4},
                customdata=[code] * len(rows),
                hovertemplate=_hover(decimals, unit),
            )
        )
    if marks is not None:
        rings = _preliminary_rings(frame, marks)
        if rings is not None:
            fig.add_trace(rings)
        _revision_lines(fig, marks)
    return number_axes(_layout(fig, title, unit, footer), lang)


def ranking_bars(
    table: pd.DataFrame,
    regions: RegionRegistry,
    title: str,
    unit: str,
    decimals: int,
    lang: str,
    footer: str | None = None,
    highlight: str | None = None,
) -> go.Figure:
    """Horizontal bars of a ranking table, best at the top; regions without a value are left out.

    `highlight` (a region code) is drawn in a second colour, e.g. the province the page is about.
    """
    rows = table.dropna(subset=["value"]).sort_values("rank", ascending=False)
    names = [regions.name(c, lang) for c in rows["region_code"]]
    colors = ["#1f618d" if c == highlight else "#c0392b" for c in rows["region_code"]]
    fig = go.Figure(
        go.Bar(
            x=rows["value"],
            y=names,
            orientation="h",
            marker_color=colors,
            customdata=rows["region_code"],
            hovertemplate=f"%{{y}}: %{{x:,.{decimals}f}} {unit}<extra></extra>",
        )
    )
    fig = _layout(fig, title, unit, footer)
    fig.update_layout(yaxis_title=None, xaxis_title=unit, hovermode="closest", height=max(360, 22 * len(rows) + 140))
    return number_axes(fig, lang)


def small_multiples(
    frame: pd.DataFrame,
    regions: RegionRegistry,
    title: str,
    unit: str,
    decimals: int,
    lang: str,
    columns: int = 4,
    footer: str | None = None,
    marks: ChartMarks | None = None,
) -> go.Figure:
    """One small panel per region on a shared x axis and independent y axes; `marks` as for `time_series`."""
    codes = list(dict.fromkeys(frame["region_code"]))
    n_rows = max(1, -(-len(codes) // columns))
    fig = make_subplots(
        rows=n_rows,
        cols=columns,
        subplot_titles=[regions.name(c, lang) for c in codes],
        shared_xaxes=True,
        vertical_spacing=0.12 / max(1, n_rows - 1) if n_rows > 1 else 0.1,
    )
    colors = region_colors(codes, regions)
    for i, code in enumerate(codes):
        rows = frame[frame["region_code"] == code].sort_values("period")
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["value"],
                name=regions.name(code, lang),
                mode="lines",
                connectgaps=False,
                line={"color": colors[str(code)], "width": 2},
                showlegend=False,
                hovertemplate=_hover(decimals, unit),
            ),
            row=i // columns + 1,
            col=i % columns + 1,
        )
        rings = _preliminary_rings(rows, marks) if marks is not None else None
        if rings is not None:  # one legend entry for all panels
            shown = any(trace.name == rings.name and trace.showlegend is not False for trace in fig.data)
            fig.add_trace(rings.update(showlegend=not shown), row=i // columns + 1, col=i % columns + 1)
    if marks is not None:
        for period, _label in marks.revisions:
            fig.add_vline(x=period, line={"color": "#7f8c8d", "dash": "dot", "width": 1}, row="all", col="all")
    fig = _layout(fig, title, unit, footer)
    fig.update_layout(height=max(300, 220 * n_rows + 120), hovermode="closest", yaxis_title=None)
    return number_axes(fig, lang)


def sparkline(frame: pd.DataFrame, color: str = "#c0392b") -> go.Figure:
    """A tiny line with no axes, for KPI cards.

    No template: applying one costs ~80 ms per figure (a page of cards would spend most of its time there), and
    with the axes hidden a transparent background draws the same thing.
    """
    rows = frame.sort_values("period")
    layout = {
        "height": 60,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    trace = go.Scatter(
        x=rows["period"],
        y=rows["value"],
        mode="lines",
        connectgaps=False,
        line={"color": color, "width": 2},
        hoverinfo="skip",
    )
    return go.Figure(trace, layout=layout)


# Recent history shown before a forecast: enough to see the trend, not so much that the fan shrinks to a sliver.
HISTORY_SHOWN = {"A": 20, "Q": 16, "M": 48}


def recent(history: pd.DataFrame, freq: str) -> pd.DataFrame:
    """The last periods of a history frame ``ds, y`` (gaps kept as gaps), for display next to a forecast."""
    return history.sort_values("ds").tail(HISTORY_SHOWN.get(freq, 20))


def fan_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    column: str,
    title: str,
    unit: str,
    decimals: int,
    labels: dict[str, str],
    footer: str | None = None,
) -> go.Figure:
    """History as a line, the forecast mean dashed, 95% and 80% intervals as nested bands.

    Args:
        history: ``ds, y`` (gaps stay gaps).
        forecast: ``ds, <column>, <column>-lo-80, <column>-hi-80, <column>-lo-95, <column>-hi-95``.
        column: the forecast's model column.
        labels: legend names for ``history``, ``forecast``, ``band80`` and ``band95`` in the user's language.
    """
    fig = go.Figure()
    for level, alpha in ((95, 0.15), (80, 0.3)):
        lo, hi = forecast[f"{column}-lo-{level}"], forecast[f"{column}-hi-{level}"]
        fig.add_trace(
            go.Scatter(
                x=list(forecast["ds"]) + list(forecast["ds"])[::-1],
                y=list(hi) + list(lo)[::-1],
                fill="toself",
                mode="lines",  # plotly adds markers to short traces by default: a band has none
                fillcolor=f"rgba(192,57,43,{alpha})",
                line={"width": 0},
                name=labels[f"band{level}"],
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=history["ds"],
            y=history["y"],
            name=labels["history"],
            mode="lines+markers",
            connectgaps=False,
            line={"color": "#2c3e50", "width": 2},
            marker={"size": 4},
            hovertemplate=f"%{{x|%Y-%m}}: %{{y:,.{decimals}f}} {unit}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=forecast["ds"],
            y=forecast[column],
            name=labels["forecast"],
            mode="lines+markers",
            line={"color": "#c0392b", "width": 2, "dash": "dash"},
            marker={"size": 5},
            customdata=forecast[
                [f"{column}-lo-80", f"{column}-hi-80", f"{column}-lo-95", f"{column}-hi-95"]
            ].to_numpy(),
            hovertemplate=(
                f"%{{x|%Y-%m}}: %{{y:,.{decimals}f}} {unit}<br>80%: %{{customdata[0]:,.{decimals}f}} – "
                f"%{{customdata[1]:,.{decimals}f}}<br>95%: %{{customdata[2]:,.{decimals}f}} – "
                f"%{{customdata[3]:,.{decimals}f}}<extra></extra>"
            ),
        )
    )
    fig = _layout(fig, title, unit, footer)
    fig.update_layout(hovermode="closest")
    return fig
