"""Date axes in the reader's language (briefing.axes.date_axes): Chinese tick formats on Chinese charts (plotly.js
knows English month names only), and in both languages the hover's date at the data's own step — on a page
(ui.show) and in an export (briefing.charts)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from briefing.axes import ZH_TICKS, date_axes, date_steps
from briefing.charts import render_job


def dated(freq: str, n: int = 6, **scatter) -> go.Figure:
    x = pd.date_range("2020-01-01", periods=n, freq=freq)
    return go.Figure(go.Scatter(x=x, y=list(range(n)), **scatter))


@pytest.mark.parametrize(
    ("freq", "zh", "en"),
    [
        ("YS", "%Y年", "%Y"),
        ("QS", "%Y年第%q季度", "%Y Q%q"),
        ("MS", "%Y年%-m月", "%b %Y"),
        ("W-MON", "%Y年%-m月%-d日", "%b %-d, %Y"),
    ],
)
def test_the_hover_names_a_date_at_the_datas_step(freq, zh, en):
    assert date_axes(dated(freq), "zh").layout.xaxis.hoverformat == zh
    assert date_axes(dated(freq), "en").layout.xaxis.hoverformat == en


def test_chinese_ticks_in_chinese_and_plotlys_own_in_english():
    assert [s.value for s in date_axes(dated("MS"), "zh").layout.xaxis.tickformatstops] == [
        stop["value"] for stop in ZH_TICKS
    ]
    english = date_axes(dated("MS"), "en").layout.xaxis
    assert not english.tickformatstops and english.tickformat is None


def test_the_step_is_the_smallest_gap_within_a_trace():
    # A fan's band goes out and back along the same dates; history and forecast are two traces of one axis.
    years = pd.date_range("2015-01-01", periods=8, freq="YS")
    fig = go.Figure(
        [go.Scatter(x=list(years) + list(years)[::-1], y=list(range(16))), go.Scatter(x=years[:3], y=[1, 2, 3])]
    )
    assert date_steps(fig) == {"xaxis": 365.0}
    gappy = go.Figure(go.Scatter(x=pd.to_datetime(["2020-01-01", "2020-02-01", "2020-06-01"]), y=[1, None, 3]))
    assert date_axes(gappy, "zh").layout.xaxis.hoverformat == "%Y年%-m月"  # a gap in a monthly series stays monthly
    one = go.Figure(go.Scatter(x=pd.to_datetime(["2024-03-01"]), y=[1]))
    assert date_axes(one, "en").layout.xaxis.hoverformat == "%b %-d, %Y"  # one date: written in full


def test_other_axes_and_formats_of_their_own_are_left_alone():
    numbers = go.Figure(go.Scatter(x=[1, 2, 3], y=[4, 5, 6]))
    names = go.Figure(go.Bar(x=["广东", "江苏"], y=[1, 2]))
    assert date_steps(numbers) == {} and date_steps(names) == {}
    own = dated("MS")
    own.update_xaxes(tickformat="%Y-%m", hoverformat="%Y-%m")
    date_axes(own, "zh")
    assert own.layout.xaxis.tickformat == "%Y-%m" and own.layout.xaxis.hoverformat == "%Y-%m"
    assert not own.layout.xaxis.tickformatstops


def test_every_panel_of_small_multiples_is_dated():
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, shared_xaxes=True)
    years = pd.date_range("2015-01-01", periods=5, freq="YS")
    fig.add_trace(go.Scatter(x=years, y=[1, 2, 3, 4, 5]), row=1, col=1)
    fig.add_trace(go.Scatter(x=years, y=[1, 2, 3, 4, 5]), row=1, col=2)
    date_axes(fig, "zh")
    assert fig.layout.xaxis.hoverformat == fig.layout.xaxis2.hoverformat == "%Y年"


def test_a_page_draws_a_shared_figure_dated_in_each_language_and_leaves_it_as_it_was():
    from ui import show

    fig = dated("YS")
    zh, en = show._drawn(fig, "zh").to_dict(), show._drawn(fig, "en").to_dict()
    assert zh["layout"]["xaxis"]["hoverformat"] == "%Y年" and zh["layout"]["xaxis"]["tickformatstops"]
    assert en["layout"]["xaxis"]["hoverformat"] == "%Y" and "tickformatstops" not in en["layout"]["xaxis"]
    assert fig.layout.xaxis.hoverformat is None  # the shared figure itself is never dated


def test_an_export_is_dated_in_the_packs_language():
    for lang, hover in (("zh", "%Y年第%q季度"), ("en", "%Y Q%q")):
        job = render_job(dated("QS"), "png", lang=lang)
        assert job["figure"]["layout"]["xaxis"]["hoverformat"] == hover
        assert bool(job["figure"]["layout"]["xaxis"].get("tickformatstops")) == (lang == "zh")
