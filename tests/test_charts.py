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


def _frame(codes=("440000", "320000")):
    import pandas as pd

    periods = pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"])
    rows = [(code, p, 20_000 + 30_000 * i + 10_000 * j) for j, code in enumerate(codes) for i, p in enumerate(periods)]
    return pd.DataFrame(rows, columns=["region_code", "period", "value"])


@pytest.mark.parametrize(("lang", "word"), [("zh", "万"), ("en", "k")])
def test_every_chart_builder_labels_its_value_axis_the_languages_way(lang, word):
    import pandas as pd

    from data import region_registry

    regions = region_registry()
    frame = _frame()
    series = charts.time_series(frame, regions, "GDP", "亿元", 1, lang)
    assert list(series.layout.yaxis.tickvals) == [20_000, 40_000, 60_000, 80_000, 100_000]  # data: 20,000–90,000
    numbers = ["2", "4", "6", "8", "10"] if lang == "zh" else ["20", "40", "60", "80", "100"]
    assert list(series.layout.yaxis.ticktext) == [f"{n}{word}" for n in numbers]
    assert series.layout.xaxis.ticktext is None  # dates keep plotly's own labels
    multiples = charts.small_multiples(frame, regions, "GDP", "亿元", 1, lang, columns=2)
    for axis in ("yaxis", "yaxis2"):
        assert all(label == "0" or label.endswith(word) for label in multiples.layout[axis].ticktext)
    ranking = pd.DataFrame({"region_code": ["440000", "320000"], "value": [129_118.6, 122_875.6], "rank": [1, 2]})
    bars = charts.ranking_bars(ranking, regions, "GDP", "亿元", 1, lang)
    assert bars.layout.yaxis.ticktext is None and any(label.endswith(word) for label in bars.layout.xaxis.ticktext)


def _line_colours(fig) -> dict[str, str]:
    return {trace.name: trace.line.color for trace in fig.data if trace.line.color}


def test_a_region_has_one_colour_in_every_view_whatever_else_is_shown():
    from data import region_registry

    regions = region_registry()
    series = charts.time_series(_frame(("440000", "320000")), regions, "GDP", "亿元", 1, "zh")
    multiples = charts.small_multiples(_frame(("370000", "330000", "440000")), regions, "GDP", "亿元", 1, "en")
    assert _line_colours(series)["广东"] == _line_colours(multiples)["Guangdong"]
    assert _line_colours(series)["广东"] == charts.region_colors(["440000"], regions)["440000"]
    # the first drawn region no longer takes the palette's first colour: its colour is its own
    assert _line_colours(series)["广东"] != _line_colours(multiples)["Shandong"]


def test_the_nation_and_every_province_have_distinct_colours_and_a_chart_never_repeats_one():
    from data import region_registry

    regions = region_registry()
    china = [r.code for r in regions.of_kind("national") + regions.provinces()]
    assert len(set(charts.region_colors(china, regions).values())) == len(china)
    first, same_slot = (
        r.code for r in regions.countries()[: 1 + len(charts.REGION_PALETTE)][:: len(charts.REGION_PALETTE)]
    )
    alone = charts.region_colors([same_slot], regions)[same_slot]
    assert alone == charts.region_colors([first], regions)[first]  # more countries than colours: a slot is shared
    together = charts.region_colors([first, same_slot], regions)
    assert together[first] == alone and together[same_slot] != alone  # but never within one chart
    assert charts.region_colors(["XYZ"], regions) == charts.region_colors(["XYZ"], regions)  # unknown: still stable
