"""Scenario figures: overlaid fan charts and one panel per scenario, the baseline's bands behind. Plain Plotly (no
Streamlit), built from a :class:`~forecasting.scenarios.Comparison`, so tests and exports can build them too."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from forecasting.scenarios import Comparison, Outcome
from ui.charts import PALETTE, _layout, recent
from ui.inert import inert_html

BASELINE_COLOR = "#7f8c8d"
HISTORY_COLOR = "#2c3e50"
TARGET_COLOR = PALETTE[0]  # the red no scenario gets (see scenario_color)


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def scenario_color(i: int) -> str:
    """The colour of the i-th scenario (the palette's first, red, is kept for nothing else here)."""
    return PALETTE[i % len(PALETTE)]


def _band(bands: pd.DataFrame, level: int, color: str, name: str, group: str, legend: bool) -> go.Scatter:
    x = list(bands["ds"])
    return go.Scatter(
        x=x + x[::-1],
        y=list(bands[f"hi-{level}"]) + list(bands[f"lo-{level}"])[::-1],
        mode="lines",
        fill="toself",
        fillcolor=color,
        line={"width": 0},
        name=name,
        legendgroup=group,
        showlegend=legend,
        hoverinfo="skip",
    )


def _mean(outcome: Outcome, color: str, name: str, dash: str | None, decimals: int, unit: str, legend: bool):
    bands = outcome.bands()
    return go.Scatter(
        x=bands["ds"],
        y=bands["mean"],
        name=name,
        legendgroup=name,
        showlegend=legend,
        mode="lines+markers",
        line={"color": color, "width": 2, "dash": dash},
        marker={"size": 5},
        customdata=bands[["lo-80", "hi-80"]].to_numpy(),
        hovertemplate=(
            f"{name} %{{x|%Y-%m}}: %{{y:,.{decimals}f}} {unit}<br>80%: %{{customdata[0]:,.{decimals}f}} – "
            f"%{{customdata[1]:,.{decimals}f}}<extra></extra>"
        ),
    )


def _history(history: pd.DataFrame, name: str, decimals: int, unit: str, legend: bool) -> go.Scatter:
    return go.Scatter(
        x=history["ds"],
        y=history["y"],
        name=name,
        legendgroup="history",
        showlegend=legend,
        mode="lines+markers",
        connectgaps=False,
        line={"color": HISTORY_COLOR, "width": 2},
        marker={"size": 4},
        hovertemplate=f"%{{x|%Y-%m}}: %{{y:,.{decimals}f}} {unit}<extra></extra>",
    )


def _baseline(comp: Comparison, labels: dict[str, str], decimals: int, unit: str, legend: bool) -> list[go.Scatter]:
    bands = comp.baseline.bands()
    return [
        _band(bands, 95, _rgba(BASELINE_COLOR, 0.12), labels["baseline95"], "baseline95", legend),
        _band(bands, 80, _rgba(BASELINE_COLOR, 0.25), labels["baseline80"], "baseline80", legend),
        _mean(comp.baseline, BASELINE_COLOR, labels["baseline"], "dash", decimals, unit, legend),
    ]


def target_path(comp: Comparison, history: pd.DataFrame) -> tuple[list, list] | None:
    """Where the target sits on the chart, as the points of a line: ``(x, y)``, or None without a target in the
    horizon.

    A level target (or a rate's) is a flat line from the first forecast period to the target's period, at its value.
    A growth target is the step it asks for: from the period before (the baseline's central value there, or the last
    observation) to the level that growth would reach in the target's period.
    """
    target, base = comp.target, comp.baseline
    if target is None or target.period not in base.periods:
        return None
    i = base.periods.index(target.period)
    if target.measure == "level":
        return [base.dates[0], base.dates[i]], [target.value, target.value]
    if i == 0:
        observed = history.dropna(subset=["y"])
        start_x, start_y, steps = observed["ds"].iloc[-1], base.anchor_value, base.anchor_gap
    else:
        start_x, start_y, steps = base.dates[i - 1], float(base.central[i - 1]), 1
    return [start_x, base.dates[i]], [start_y, start_y * (1 + target.value / 100) ** steps]


def _target(comp: Comparison, history: pd.DataFrame, name: str, decimals: int, unit: str) -> go.Scatter | None:
    path = target_path(comp, history)
    if path is None:
        return None
    x, y = path
    return go.Scatter(
        x=x,
        y=y,
        name=name,
        mode="lines+markers+text",
        line={"color": TARGET_COLOR, "width": 2, "dash": "dot"},
        marker={"symbol": ["circle-open", "star"], "size": [6, 14], "color": TARGET_COLOR},
        text=["", name],
        textposition="top left",
        textfont={"color": TARGET_COLOR},
        hovertemplate=f"{name}<br>%{{x|%Y-%m}}: %{{y:,.{decimals}f}} {unit}<extra></extra>",
    )


def _finish(fig: go.Figure, title: str, unit: str, height: int) -> go.Figure:
    """The shared layout, with the legend a fixed distance below the plot whatever the figure's height (the
    source, model and coverage go in the captions under the chart and in the briefing's footer)."""
    fig = _layout(fig, title, unit, None)
    fig.update_layout(height=height, hovermode="closest", margin={"b": 90})
    fig.update_layout(legend={"orientation": "h", "y": -45 / (height - 150), "yanchor": "top", "x": 0})
    return fig


def scenario_fans(
    history: pd.DataFrame,
    comp: Comparison,
    title: str,
    unit: str,
    decimals: int,
    labels: dict[str, str],
) -> go.Figure:
    """Recent history, the baseline's 95% and 80% bands and mean, and each scenario's mean with its 80% band.

    Args:
        history: ``ds, y`` of the series.
        labels: legend names ``history``, ``baseline``, ``baseline80``, ``baseline95`` and ``band80`` (a format
            string with ``{name}``) in the user's language, and ``target`` (the target in words) when the
            comparison has one: the target is then drawn, labelled, in the primary red (see :func:`target_path`).
    """
    fig = go.Figure(_baseline(comp, labels, decimals, unit, True))
    fig.add_trace(_history(recent(history, comp.baseline.freq), labels["history"], decimals, unit, True))
    for i, outcome in enumerate(comp.outcomes):
        color = scenario_color(i + 1)
        name = inert_html(outcome.name)
        fig.add_trace(_band(outcome.bands(), 80, _rgba(color, 0.15), labels["band80"].format(name=name), name, False))
        fig.add_trace(_mean(outcome, color, name, None, decimals, unit, True))
    target = _target(comp, history, inert_html(labels.get("target", "")), decimals, unit)
    if target is not None:
        fig.add_trace(target)
    return _finish(fig, title, unit, 520)


def scenario_panels(
    history: pd.DataFrame,
    comp: Comparison,
    title: str,
    unit: str,
    decimals: int,
    labels: dict[str, str],
    columns: int = 3,
) -> go.Figure:
    """One panel per scenario on a shared y axis: recent history, the baseline's 80% band and mean behind the
    scenario's 80% band and mean."""
    n = len(comp.outcomes)
    cols = min(columns, max(n, 1))
    n_rows = -(-n // cols)
    fig = make_subplots(
        rows=n_rows,
        cols=cols,
        subplot_titles=[inert_html(o.name) for o in comp.outcomes],
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.12 if n_rows > 1 else 0.1,
    )
    shown = recent(history, comp.baseline.freq)
    base = comp.baseline.bands()
    for i, outcome in enumerate(comp.outcomes):
        row, col, first = i // cols + 1, i % cols + 1, i == 0
        color = scenario_color(i + 1)
        traces = [
            _history(shown, labels["history"], decimals, unit, first),
            _band(base, 80, _rgba(BASELINE_COLOR, 0.25), labels["baseline80"], "baseline80", first),
            _mean(comp.baseline, BASELINE_COLOR, labels["baseline"], "dash", decimals, unit, first),
            _band(
                outcome.bands(),
                80,
                _rgba(color, 0.2),
                labels["band80"].format(name=inert_html(outcome.name)),
                "",
                False,
            ),
            _mean(outcome, color, inert_html(outcome.name), None, decimals, unit, False),
        ]
        for trace in traces:
            fig.add_trace(trace, row=row, col=col)
    return _finish(fig, title, unit, 300 * n_rows + 150)
