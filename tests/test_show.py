"""Charts and tables as the pages show them (ui.show): the shared Plotly config, the basket buttons, the captions."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from apptest import rendered
from streamlit.testing.v1 import AppTest

from maps import TOPOJSON_URL
from ui.show import PLOTLY_CONFIG

ROOT = Path(__file__).resolve().parents[1]


def _page() -> None:
    """A chart and a table through ui.show, as a page draws them."""
    import pandas as pd
    import plotly.graph_objects as go

    from briefing import ChartMeta, TableMeta
    from ui import auth, show

    auth.gate()  # like every page: the download buttons record exports as the signed-in user (local mode here)
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    meta = ChartMeta(title="GDP", source="NBS · export footer", unit="亿元")
    show.chart(
        fig, meta, "t-chart", source="NBS · page line", caption="Model: ETS", notes=["80/95%", "NBS · page line"]
    )
    frame = pd.DataFrame({"region": ["Guangdong"], "value": [129118.6], "year": [2024], "people": [12_656]})
    show.table(frame, TableMeta("Ranking", "NBS", units={"value": "亿元"}), "t-table", notes=["NBS"])


def test_every_chart_gets_the_one_offline_config():
    assert PLOTLY_CONFIG["topojsonURL"] == TOPOJSON_URL
    assert PLOTLY_CONFIG["displaylogo"] is False


def test_chart_and_table_draw_their_basket_buttons_and_captions_in_order(local_basket):
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    chart = at.get("plotly_chart")[0].proto
    assert json.loads(chart.config)["topojsonURL"] == TOPOJSON_URL
    # shown as text (a footer can name who uploaded the data): escaped Markdown that reads as written
    assert [rendered(c.value) for c in at.caption] == ["Model: ETS", "80/95%", "NBS · page line", "NBS"]
    assert at.caption[0].value == "Model\\: ETS"
    assert at.dataframe[0].value["value"].tolist() == [129118.6]
    columns = json.loads(at.dataframe[0].proto.columns)  # separators and one number of decimals; years bare
    formats = {name: columns[name]["type_config"]["format"] for name in ("value", "year", "people")}
    assert formats == {"value": "%,.1f", "year": "%.0f", "people": "%,.0f"}
    at.button(key="basket_add_t-chart").click().run()
    at.button(key="basket_add_t-table").click().run()
    chart_item, table_item = local_basket.stored_items()
    assert (chart_item.title, chart_item.source, chart_item.caption) == ("GDP", "NBS · page line", "Model: ETS")
    assert chart_item.chart_meta.source == "NBS · export footer" and chart_item.chart_meta.unit == "亿元"
    assert (table_item.title, table_item.source, table_item.table_meta.units) == ("Ranking", "NBS", {"value": "亿元"})


def test_a_basket_entry_needs_the_chart_meta():
    import plotly.graph_objects as go

    from ui import show

    with pytest.raises(ValueError, match="needs the chart's meta"):
        show.chart(go.Figure(), None, "no-meta")


def _fan_page() -> None:
    """A figure built without the page's language (as fan and scenario charts are), drawn through ui.show."""
    import plotly.graph_objects as go
    import streamlit as st

    from ui import show

    fig = go.Figure(go.Scatter(x=["2024-01-01", "2025-01-01"], y=[20_000.0, 60_000.0]))
    show.chart(fig)
    st.session_state["fan_after"] = fig.layout.yaxis.ticktext  # the caller's (maybe cached) figure is not changed


@pytest.mark.parametrize(
    ("lang", "labels"), [("zh", ["2万", "3万", "4万", "5万", "6万"]), ("en", ["20k", "30k", "40k", "50k", "60k"])]
)
def test_a_chart_built_without_the_language_gets_the_pages_axis_labels(lang, labels):
    at = AppTest.from_function(_fan_page, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["ticktext"] == labels
    assert "ticktext" not in spec["layout"].get("xaxis", {})  # dates keep plotly's labels
    assert at.session_state["fan_after"] is None


def test_a_figure_becomes_its_dict_once_per_language(monkeypatch):
    """Streamlit copies a figure into a dict on every drawing (29 ms for the China map): ui.show makes it once."""
    import plotly.graph_objects as go

    from ui import show

    fig = go.Figure(go.Scatter(x=["2024-01-01", "2025-01-01"], y=[20_000.0, 60_000.0]))
    made, original = [], go.Figure.to_dict
    monkeypatch.setattr(go.Figure, "to_dict", lambda self: made.append(1) or original(self))
    zh, zh_again, en = show._drawn(fig, "zh"), show._drawn(fig, "zh"), show._drawn(fig, "en")
    assert zh.to_dict() is zh_again.to_dict() and len(made) == 2
    assert zh.to_dict()["layout"]["yaxis"]["ticktext"] == ["2万", "3万", "4万", "5万", "6万"]
    assert en.to_dict()["layout"]["yaxis"]["ticktext"] == ["20k", "30k", "40k", "50k", "60k"]
    assert fig.layout.yaxis.ticktext is None  # the shared figure itself is never labelled


def test_a_table_becomes_arrow_and_formats_once_per_frame_and_decimals(monkeypatch):
    """A cached table is drawn on every view: its Arrow form and number formats are made at its first drawing."""
    import pandas as pd

    from briefing import TableMeta
    from ui import show

    converted, formatted = [], []
    original_convert, original_formats = show._arrow, show.column_formats
    monkeypatch.setattr(show, "_arrow", lambda *a: converted.append(1) or original_convert(*a))
    monkeypatch.setattr(show, "column_formats", lambda *a: formatted.append(1) or original_formats(*a))

    def prepared(frame, meta):  # what show.table hands st.dataframe for a frame drawn as it is
        return show._arrow_of(frame), show._formats(frame, meta)

    frame = pd.DataFrame({"region": ["广东", "江苏"], "value": [129118.6, 137008.0]})
    first = prepared(frame, TableMeta("T", "S"))
    again = prepared(frame, TableMeta("Other title", "S"))  # title and source do not change what is drawn
    assert again[0] is first[0] and again[1] is first[1] and (len(converted), len(formatted)) == (1, 1)
    data, formats = first
    assert data.to_pandas().equals(frame) and formats == {"value": "%,.1f"}
    data, formats = prepared(frame, TableMeta("T", "S", decimals={"value": 0}))
    assert formats == {"value": "%,.0f"} and (len(converted), len(formatted)) == (1, 2)  # the Arrow form is kept
    copy = frame.copy()  # a new frame, even with equal values, is prepared anew
    assert prepared(copy, TableMeta("T", "S"))[1] == {"value": "%,.1f"} and len(converted) == 2


def _mixed_table() -> None:
    import pandas as pd

    from briefing import TableMeta
    from ui import auth, show

    auth.gate()
    show.table(pd.DataFrame({"note": [1, "二"], "value": [1.5, 2.0]}), TableMeta("Mixed", "S"), "t-mixed")


def test_a_table_arrow_refuses_is_still_drawn(local_basket):
    at = AppTest.from_function(_mixed_table, default_timeout=30).run()
    assert not at.exception
    assert at.dataframe[0].value["value"].tolist() == [1.5, 2.0]
    assert at.dataframe[0].value["note"].astype(str).tolist() == ["1", "二"]


def test_a_table_drawn_through_a_screen_copy_converts_only_the_copy(monkeypatch):
    """The export keeps the frame; what is drawn is the screen copy, so only the copy becomes Arrow."""
    import pandas as pd

    from ui import show

    converted = []
    original = show._arrow
    monkeypatch.setattr(show, "_arrow", lambda f: converted.append(f) or original(f))
    monkeypatch.setattr(show.st, "dataframe", lambda data, **kwargs: None)
    monkeypatch.setattr(show.basket, "controls", lambda *a, **k: None)
    frame = pd.DataFrame({"region": ["广东"], "value": [1.0]})
    screen = frame.assign(value=["—"])
    show.table(frame, show.TableMeta("T", "S"), "k", shown=screen)
    assert len(converted) == 1 and converted[0] is screen


def test_streamlit_only_reads_a_drawn_figure():
    """Charts are drawn outside the figures' lock: what Streamlit does with the dict must leave it as it was."""
    import copy

    import plotly.graph_objects as go
    import plotly.io
    import plotly.tools

    from ui import show

    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], uid="trace-0"))  # a uid: what plotly.io.to_json pops
    drawn = show._drawn(fig, "zh")
    before = copy.deepcopy(drawn.to_dict())
    assert "uid" not in before["data"][0]
    figure = plotly.tools.return_figure_from_figure_or_data(drawn, validate_figure=True)
    assert json.loads(plotly.io.to_json(figure, validate=False))["data"][0]["y"] == [3, 4]
    assert figure is drawn.to_dict() and drawn.to_dict() == before


def _tables_with_gaps() -> None:
    """A table with a missing value drawn each way a page draws one."""
    import numpy as np
    import pandas as pd

    from briefing import TableMeta
    from ui import auth, show

    auth.gate()
    frame = pd.DataFrame({"region": ["广东", "西藏"], "growth": [5.1, np.nan]})
    show.table(frame, TableMeta("Growth", "NBS"), "t-gaps")
    show.frame(frame)
    show.dataframe(frame, hide_index=True)


def test_every_table_shows_a_missing_value_as_a_dash(local_basket):
    # Streamlit's default is a grey "None": English, and it reads like a value.
    at = AppTest.from_function(_tables_with_gaps, default_timeout=30).run()
    assert not at.exception
    assert [table.proto.placeholder for table in at.dataframe] == ["—", "—", "—"]
    assert [table.value["growth"].isna().tolist() for table in at.dataframe] == [[False, True]] * 3  # still a gap


def direct_tables(root: Path) -> list[str]:
    """``….dataframe(…)`` calls in app.py, pages/ and ui/ that do not go through ``ui.show`` (file:line)."""
    found = []
    for path in sorted([root / "app.py", *(root / "pages").rglob("*.py"), *(root / "ui").rglob("*.py")]):
        if not path.exists() or path == root / "ui" / "show.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            if not isinstance(func, ast.Attribute) or func.attr != "dataframe":
                continue
            if not (isinstance(func.value, ast.Name) and func.value.id == "show"):
                found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return found


def test_every_table_goes_through_show():
    assert direct_tables(ROOT) == []


def test_the_table_checker_finds_a_direct_call(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "ui").mkdir()
    (tmp_path / "pages" / "p.py").write_text("show.dataframe(a)\nst.dataframe(b)\n", encoding="utf-8")
    (tmp_path / "ui" / "show.py").write_text("where.dataframe(c)\n", encoding="utf-8")
    assert direct_tables(tmp_path) == ["pages/p.py:2"]
