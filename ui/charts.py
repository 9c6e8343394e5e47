"""Plotly figures for indicator views. Plain functions (no Streamlit), so tests and exports can build them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from data.regions import RegionRegistry
from indicators.query import period_label

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


def _layout(fig: go.Figure, title: str, unit: str, footer: str | None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        font={"family": FONT_FAMILY, "size": 13},
        yaxis_title=unit,
        yaxis_tickformat=",",  # 140,000 rather than 140k: SI prefixes read oddly next to 亿元/万人
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.18},
        margin={"l": 60, "r": 20, "t": 60, "b": 90 if footer else 60},
        template="plotly_white",
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
) -> go.Figure:
    """One line per region; missing values break the line (a gap is shown as a gap)."""
    fig = go.Figure()
    for i, (code, rows) in enumerate(frame.groupby("region_code", sort=False)):
        rows = rows.sort_values("period")
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["value"],
                name=regions.name(code, lang),
                mode="lines+markers",
                connectgaps=False,
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"size": 4},
                customdata=[code] * len(rows),
                hovertemplate=_hover(decimals, unit),
            )
        )
    return _layout(fig, title, unit, footer)


def ranking_bars(
    table: pd.DataFrame,
    regions: RegionRegistry,
    title: str,
    unit: str,
    decimals: int,
    lang: str,
    footer: str | None = None,
) -> go.Figure:
    """Horizontal bars of a ranking table, best at the top; regions without a value are left out."""
    rows = table.dropna(subset=["value"]).sort_values("rank", ascending=False)
    names = [regions.name(c, lang) for c in rows["region_code"]]
    fig = go.Figure(
        go.Bar(
            x=rows["value"],
            y=names,
            orientation="h",
            marker_color="#c0392b",
            customdata=rows["region_code"],
            hovertemplate=f"%{{y}}: %{{x:,.{decimals}f}} {unit}<extra></extra>",
        )
    )
    fig = _layout(fig, title, unit, footer)
    fig.update_layout(yaxis_title=None, xaxis_title=unit, hovermode="closest", height=max(360, 22 * len(rows) + 140))
    return fig


def small_multiples(
    frame: pd.DataFrame,
    regions: RegionRegistry,
    title: str,
    unit: str,
    decimals: int,
    lang: str,
    columns: int = 4,
    footer: str | None = None,
) -> go.Figure:
    """One small panel per region on a shared x axis and independent y axes."""
    codes = list(dict.fromkeys(frame["region_code"]))
    n_rows = max(1, -(-len(codes) // columns))
    fig = make_subplots(
        rows=n_rows,
        cols=columns,
        subplot_titles=[regions.name(c, lang) for c in codes],
        shared_xaxes=True,
        vertical_spacing=0.12 / max(1, n_rows - 1) if n_rows > 1 else 0.1,
    )
    for i, code in enumerate(codes):
        rows = frame[frame["region_code"] == code].sort_values("period")
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["value"],
                name=regions.name(code, lang),
                mode="lines",
                connectgaps=False,
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                showlegend=False,
                hovertemplate=_hover(decimals, unit),
            ),
            row=i // columns + 1,
            col=i % columns + 1,
        )
    fig = _layout(fig, title, unit, footer)
    fig.update_layout(height=max(300, 220 * n_rows + 120), hovermode="closest", yaxis_title=None)
    return fig


def sparkline(frame: pd.DataFrame, color: str = "#c0392b") -> go.Figure:
    """A tiny line with no axes, for KPI cards."""
    rows = frame.sort_values("period")
    fig = go.Figure(
        go.Scatter(
            x=rows["period"],
            y=rows["value"],
            mode="lines",
            connectgaps=False,
            line={"color": color, "width": 2},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=60,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis_visible=False,
        yaxis_visible=False,
        showlegend=False,
        template="plotly_white",
    )
    return fig


def period_ticks(periods: list[pd.Timestamp], freq: str, lang: str) -> list[str]:
    """Labels for a list of periods, e.g. for select sliders."""
    return [period_label(p, freq, lang) for p in periods]
