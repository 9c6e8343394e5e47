"""The briefing basket helper every page calls under its charts and tables (ui/basket.py), through AppTest: what
is added lands in the store under the signed-in user, so a new session of the same user (a reload, a second tab)
finds it."""

from __future__ import annotations

import time

import pytest
from apptest import open_page
from basket_support import LOCAL, app_store, empty, stored, stored_keys
from streamlit.testing.v1 import AppTest

from data.store import BasketLimits, Baskets
from ui import auth, basket, cache
from ui.i18n import t


def page_with_controls():
    """A page with one chart and one table, each with the basket controls under it."""
    import pandas as pd
    import plotly.graph_objects as go

    from briefing import TableMeta
    from ui import auth, basket

    auth.gate()  # like every page: the download buttons record exports as the signed-in user (local mode here)
    fig = go.Figure(go.Scatter(x=[2020, 2021, 2022], y=[1.0, 2.0, 3.0]))
    fig.update_layout(title="广东 GDP")
    table = pd.DataFrame({"地区": ["广东", "江苏"], "数值": [129118.6, 122875.6]})
    basket.controls("chart", fig, "广东 GDP", "来源：国家统计局", key="test-chart", caption="说明")
    basket.controls("table", table, "排名", "来源：国家统计局", key="test-table", meta=TableMeta("排名", "国家统计局"))


def run(lang: str = "zh") -> AppTest:
    at = AppTest.from_function(page_with_controls, default_timeout=120)
    at.session_state["lang"] = lang
    return at.run()


def test_add_and_remove_toggle(local_basket):
    at = run()
    assert not at.exception
    add = at.button(key="basket_add_test-chart")
    assert add.label == "加入简报"
    add.click().run()
    [(key, item)] = stored()
    assert key == "test-chart"
    assert (item.kind, item.title, item.caption, item.source) == ("chart", "广东 GDP", "说明", "来源：国家统计局")
    assert item.figure.layout.title.text == "广东 GDP"
    assert at.button(key="basket_add_test-chart").label == "已加入简报（点击移除）"
    at.button(key="basket_add_test-table").click().run()
    assert stored_keys() == ["test-chart", "test-table"]
    assert stored()[1][1].frame["数值"].iloc[0] == 129118.6
    at.button(key="basket_add_test-chart").click().run()
    assert stored_keys() == ["test-table"]


def test_a_new_session_of_the_same_user_finds_the_basket(local_basket):
    first = run()
    first.button(key="basket_add_test-table").click().run()
    second = run()  # a reload, or a second tab: a new session, nothing in its state
    assert second.button(key="basket_add_test-table").label == "已加入简报（点击移除）"
    assert second.button(key="basket_add_test-chart").label == "加入简报"
    second.button(key="basket_add_test-chart").click().run()
    first.run()  # the first tab's next run sees what the second one added
    assert first.button(key="basket_add_test-chart").label == "已加入简报（点击移除）"
    assert stored_keys() == ["test-table", "test-chart"]


def test_the_basket_is_listed_once_per_run_and_again_in_the_next(local_basket, monkeypatch):
    listed, original = [], Baskets.rows
    monkeypatch.setattr(Baskets, "rows", lambda self, user: listed.append(user) or original(self, user))
    at = run()  # two charts and tables ask whether they are in the basket: one store read
    assert len(listed) == 1
    at.run()
    assert len(listed) == 2
    at.button(key="basket_add_test-chart").click().run()  # the click reads, adds, and the run after it reads again
    assert at.button(key="basket_add_test-chart").label == "已加入简报（点击移除）"


def test_a_click_does_what_its_label_said_when_another_tab_changed_the_basket(local_basket):
    first, second = run(), run()  # two tabs, both showing "add"
    second.button(key="basket_add_test-chart").click().run()
    first.button(key="basket_add_test-chart").click().run()  # drawn before the second tab added it: adds again
    assert stored_keys() == ["test-chart"]
    assert first.button(key="basket_add_test-chart").label == "已加入简报（点击移除）"
    second.button(key="basket_add_test-chart").click().run()  # "in the briefing (click to remove)": removes
    first.button(key="basket_add_test-chart").click().run()  # also drawn as "remove": already gone, stays gone
    assert stored_keys() == []
    assert first.button(key="basket_add_test-chart").label == "加入简报"


def test_what_one_page_added_is_on_the_briefing_page_of_a_new_session(local_basket):
    page = run()
    page.button(key="basket_add_test-chart").click().run()
    page.button(key="basket_add_test-table").click().run()
    briefing = open_page("briefing", timeout=90)  # another session: a reload, or the Briefing page in a second tab
    assert not briefing.exception
    assert "简报篮中共 2 项" in briefing.caption[0].value
    headings = [m.value for m in briefing.markdown if m.value.startswith("**")]
    assert headings == ["**1. 广东 GDP** · 图表", "**2. 排名** · 表格"]
    assert [a.value for a in briefing.text_area] == ["说明", ""]
    briefing.button(key="brief_down_test-chart").click().run()
    assert page.run().button(key="basket_add_test-chart").label == "已加入简报（点击移除）"
    assert stored_keys() == ["test-table", "test-chart"]


@pytest.fixture
def small_basket(monkeypatch):
    """The app's store with a basket that holds two items."""
    store = app_store()
    monkeypatch.setattr(store, "baskets", Baskets(store.engine, BasketLimits(items=2)))
    monkeypatch.setattr(cache, "store", lambda: store)
    return store


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "简报篮已满（最多 2 项）。请先在简报页移除一些内容，再加入新的图表或表格。"),
        ("en", "The briefing basket is full (at most 2 items). Remove some on the Briefing page before adding more."),
    ],
)
def test_a_full_basket_says_so_beside_the_button(local_basket, small_basket, lang, message):
    app_store().baskets.put("elsewhere", "table", "别页的表", "", "{}", actor=LOCAL)
    at = run(lang)
    at.button(key="basket_add_test-table").click().run()
    at.button(key="basket_add_test-chart").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert [r.key for r in app_store().baskets.rows("local")] == ["elsewhere", "test-table"]
    assert at.button(key="basket_add_test-chart").label == t("briefing.add", lang)
    at.run()
    assert not at.error  # said once


@pytest.fixture
def oidc(monkeypatch):
    """Sign-in by OIDC (users the users table does not know are viewers); their baskets emptied afterwards."""
    monkeypatch.setenv("COCKPIT_AUTH", "oidc")
    auth.settings.cache_clear()
    yield
    auth.settings.cache_clear()
    for user in ("li@office.gov.cn", "wang@office.gov.cn"):
        empty(user)


def signed_in(user: str) -> AppTest:
    at = AppTest.from_function(page_with_controls, default_timeout=120)
    at.session_state["lang"] = "zh"
    now = int(time.time())
    at.user = {"is_logged_in": True, "email": user, "sub": user, "iat": now, "exp": now + 3600}
    return at.run()


def test_two_users_never_see_each_others_basket(oidc):
    li = signed_in("li@office.gov.cn")
    li.button(key="basket_add_test-chart").click().run()
    wang = signed_in("wang@office.gov.cn")
    assert not wang.exception
    assert wang.button(key="basket_add_test-chart").label == "加入简报"
    wang.button(key="basket_add_test-table").click().run()
    assert stored_keys("li@office.gov.cn") == ["test-chart"]
    assert stored_keys("wang@office.gov.cn") == ["test-table"]
    assert signed_in("li@office.gov.cn").button(key="basket_add_test-table").label == "加入简报"


def test_download_buttons_are_drawn_when_their_menu_is_opened():
    at = run()
    assert not at.get("download_button")  # closed menus: nothing drawn, no file registered
    at.session_state[basket.menu_key("test-chart")] = True  # what the browser sends when the menu is opened
    at.session_state[basket.menu_key("test-table")] = True
    downloads = at.run().get("download_button")
    labels = [d.proto.label for d in downloads]
    assert labels == ["PNG 图片", "SVG 矢量图", "PDF 文件", "CSV 数据", "Excel 表格（XLSX）"]
    assert all(d.proto.deferred_file_id for d in downloads)  # files are made only when clicked


def test_a_table_download_is_built_on_request_and_equals_the_eager_file(monkeypatch):
    import pandas as pd

    from briefing import TableMeta, to_csv, to_xlsx

    table = pd.DataFrame({"地区": ["广东", "江苏"], "数值": [129118.6, 122875.6]})
    meta = TableMeta("排名", "国家统计局")
    calls = []
    monkeypatch.setattr(basket, "to_csv", lambda *a: calls.append(a) or to_csv(*a))
    make = basket.download_data("table", table, "csv", meta, "zh")
    assert calls == []  # nothing is written until the download is asked for
    assert make() == to_csv(table.copy(), meta, "zh")
    assert len(calls) == 1
    assert basket.download_data("table", table, "xlsx", meta, "en")()[:2] == to_xlsx(table, meta, "en")[:2] == b"PK"


def test_a_chart_download_renders_the_page_figure_only_on_request(monkeypatch):
    import plotly.graph_objects as go

    from briefing import ChartMeta

    fig = go.Figure(go.Scatter(x=[2020, 2021], y=[1.0, 2.0]))
    rendered = []
    monkeypatch.setattr(basket, "chart_bytes", lambda f, fmt, meta, lang: rendered.append((f, fmt, meta, lang)) or b"x")
    meta = ChartMeta(title="GDP", source="NBS")
    make = basket.download_data("chart", fig, "svg", meta, "en")
    assert rendered == []
    assert make() == b"x"
    assert rendered == [(fig, "svg", meta, "en")]
