"""AppTest of the Public services page: the cards, league tables and problem counts shown are the library's, in
both languages, filters go into the URL, and the partial log says so."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest import open_page, rendered
from streamlit.testing.v1 import AppTest

from services import summary
from services.boston import read_boston
from services.derive import measure, prepare


@pytest.fixture(scope="module")
def boston():
    """The shipped log, prepared once."""
    return prepare(read_boston())


def run_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    at = open_page("services", query, lang, timeout=120)
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(rendered(e.value) for e in [*at.caption, *at.info, *at.markdown, *at.subheader, *at.success])


def test_cards_show_the_last_month_with_its_change_in_chinese(boston):
    at = run_page()
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    expected = {c.measure: c for c in summary.cards(measure(boston, "month"))}
    volume = expected["volume"]
    assert cards["受理量"] == (f"{volume.value:,.0f}件", f"{volume.change:+.1f}%")
    on_time = expected["on_time_rate"]
    assert cards["按期办结率"] == (f"{on_time.value * 100:.1f}%", f"{on_time.change:+.1f}个百分点")
    assert cards["办理时长中位数"][0] == f"{expected['median_hours'].value:,.1f}小时"
    assert "满意率" not in cards  # the Boston log has no ratings
    shown = texts(at)
    assert "2015年12月主要指标" in shown and "缺少五个最大的请求类型" in shown
    assert "部分：不含五个最大请求类型" in shown  # every source line under a figure says the log is partial


def test_league_tables_and_problems_are_the_librarys_in_english(boston):
    at = run_page({"grain": "month", "from": "2015-12-01", "to": "2015-12-01"}, lang="en")
    units, areas, problems = (d.value for d in at.dataframe)
    expected = summary.league(boston, pd.Timestamp("2015-12-01"), pd.Timestamp("2015-12-31"), "unit")
    assert list(units["Handling unit"]) == list(expected["unit"])
    assert list(units["Opened"]) == list(expected["volume"])
    assert units["On-time rate"].iloc[0] == pytest.approx(expected["on_time_rate"].iloc[0] * 100)
    assert areas["Area"].iloc[0] == "Dorchester" and "(not given)" in set(areas["Area"])
    counts = dict(zip(problems["Problem"], problems["Cases"], strict=True))
    assert counts == {"Closed before it was opened": 197, "No due time": 26_991}
    assert "Headline measures, Dec 2015" in texts(at)
    assert {m.label for m in at.metric} == {"Cases opened", "On-time completion", "Median handling time"}


def test_filters_narrow_the_cards_and_live_in_the_url(boston):
    at = run_page({"grain": "week", "unit": "PWDx"})
    derived = measure(boston.narrow(unit=["PWDx"]), "week")
    last = summary.cards(derived)[0]
    assert {m.label: m.value for m in at.metric}["受理量"] == f"{last.value:,.0f}件"
    assert at.query_params["unit"] == "PWDx" and at.query_params["grain"] == "week"
    assert at.query_params["to"] == last.period.strftime("%Y-%m-%d")
    at.selectbox(key="svc_grain").set_value("month").run()
    assert at.query_params["grain"] == "month" and at.query_params["to"] == "2015-12-01"


def test_a_stale_link_falls_back_to_the_whole_range():
    at = run_page({"from": "1999-01-01", "to": "nonsense", "log": "other", "area": "Atlantis"})
    assert at.selectbox(key="svc_from").value == "2015-01-01" and at.selectbox(key="svc_to").value == "2015-12-01"
    assert at.multiselect(key="svc_area").value == []
