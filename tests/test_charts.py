"""ui/charts.py: one shared template, and a figure given it equals one given `template="plotly_white"`."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from ui import charts


def test_the_shared_template_gives_the_same_figure_as_plotly_white():
    def figure() -> go.Figure:
        return go.Figure(go.Scatter(x=[2020, 2021, 2022], y=[1.0, 2.5, 2.0]))

    shared = charts.with_template(figure()).update_layout(title="GDP")
    built = figure().update_layout(template="plotly_white", title="GDP")
    assert shared.to_dict() == built.to_dict()
    assert shared.layout.template.layout.plot_bgcolor == "white"


def test_validation_is_back_on_after_the_template_is_set():
    fig = charts.with_template(go.Figure())
    assert fig._layout_obj._validate is True
    with pytest.raises(ValueError):
        fig.update_layout(not_a_layout_property=1)
