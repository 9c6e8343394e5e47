"""The briefing basket helper every page calls under its charts and tables (ui/basket.py), through AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.basket import BASKET


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


def run() -> AppTest:
    at = AppTest.from_function(page_with_controls, default_timeout=30)
    at.session_state["lang"] = "zh"
    return at.run()


def test_add_and_remove_toggle():
    at = run()
    assert not at.exception
    add = at.button(key="basket_add_test-chart")
    assert add.label == "加入简报"
    add.click().run()
    entries = at.session_state[BASKET]
    assert [e.key for e in entries] == ["test-chart"]
    item = entries[0].item
    assert (item.kind, item.title, item.caption, item.source) == ("chart", "广东 GDP", "说明", "来源：国家统计局")
    assert item.figure.layout.title.text == "广东 GDP"
    assert at.button(key="basket_add_test-chart").label == "已加入简报（点击移除）"
    at.button(key="basket_add_test-table").click().run()
    assert [e.key for e in at.session_state[BASKET]] == ["test-chart", "test-table"]
    assert at.session_state[BASKET][1].item.frame["数值"].iloc[0] == 129118.6
    at.button(key="basket_add_test-chart").click().run()
    assert [e.key for e in at.session_state[BASKET]] == ["test-table"]


def test_download_buttons_are_offered_in_a_popover():
    at = run()
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert labels == ["PNG 图片", "SVG 矢量图", "PDF 文件", "CSV 数据", "Excel 表格（XLSX）"]
    assert all(d.proto.deferred_file_id for d in downloads)  # files are made only when clicked


def test_a_table_download_is_built_on_request_and_equals_the_eager_file(monkeypatch):
    import pandas as pd

    from briefing import TableMeta, to_csv, to_xlsx
    from ui import basket

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
    from ui import basket

    fig = go.Figure(go.Scatter(x=[2020, 2021], y=[1.0, 2.0]))
    rendered = []
    monkeypatch.setattr(basket, "chart_bytes", lambda f, fmt, meta, lang: rendered.append((f, fmt, meta, lang)) or b"x")
    meta = ChartMeta(title="GDP", source="NBS")
    make = basket.download_data("chart", fig, "svg", meta, "en")
    assert rendered == []
    assert make() == b"x"
    assert rendered == [(fig, "svg", meta, "en")]
