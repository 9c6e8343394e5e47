"""One click on the sidebar's language radio switches every choice widget of every page, and back.

Each page is run under `language_harness.py` (the sidebar radio app.py draws, then the page); the test clicks 中文 →
English → 中文 and reads what each select box, multiselect, radio and select slider *shows* (its formatted value,
as the browser draws it): English words without a Chinese character after the switch, the same selections, and the
very Chinese labels again after switching back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from apptest import page_path
from basket_support import LOCAL, app_store
from streamlit.testing.v1 import AppTest

from briefing import PackItem
from briefing.stored import item_to_json
from common.text import LANG_NAMES

HARNESS = Path(__file__).resolve().parent / "language_harness.py"
CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Per page: URL parameters, and Chinese labels it shows then with their English counterparts (what the issue saw
# stay Chinese).
EXPECTED = {
    "overview": ({}, [("全国", "China")]),
    "indicators": ({}, [("地区生产总值", "Gross regional product")]),
    "map": ({}, [("地区生产总值", "Gross regional product")]),
    "forecast": ({"model": "auto"}, [("自动（按回测选择）", "Auto (chosen by backtest)"), ("朴素法", "Naive")]),
    "scenarios": ({}, [("广东", "Guangdong"), ("组合预测（多模型合成）", "Combination of models")]),
    "briefing": ({}, [("PPTX 演示文稿", "PPTX slides")]),
    "data": ({}, []),
    "admin": ({}, [("全部地区", "All regions"), ("浏览者", "viewer")]),
}


def choice_widgets(at: AppTest) -> list:
    """Every select box, multiselect, radio and select slider of the run, main area and sidebar, in order, except
    a choice of language (named in each language itself, and its value is what the test switches)."""
    widgets = [*at.selectbox, *at.multiselect, *at.radio, *at.get("select_slider")]
    return [w for w in widgets if set(w.options) != set(LANG_NAMES.values())]


def shown(widget) -> tuple[str, ...]:
    """What a choice widget shows: its selected option(s), as the page formatted them and sent them to the browser.

    Read from the element itself (not through `format_func`, which would run outside the page's session)."""
    proto, options = widget.proto, list(widget.proto.options)
    if widget.type == "multiselect":
        return tuple(proto.raw_values) if proto.set_value else tuple(options[i] for i in proto.default)
    if widget.type == "select_slider":  # indices of the options, in `value` once handed over
        return tuple(options[int(i)] for i in (proto.value if proto.set_value else proto.default))
    return (proto.raw_value,) if proto.set_value else (options[proto.default],)


def snapshot(at: AppTest) -> dict[str, tuple]:
    """Each widget (by key, or label when it has none): its selection, what it shows, and the options it offers."""
    out = {}
    for w in choice_widgets(at):
        value = tuple(w.value) if isinstance(w.value, list | tuple) else w.value
        out[w.key or w.label] = (value, shown(w), tuple(w.proto.options))
    return out


def switch(at: AppTest, lang: str) -> AppTest:
    at.sidebar.radio[0].set_value(lang).run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == lang
    return at


@pytest.mark.parametrize("page", list(EXPECTED))
def test_language_radio_switches_every_choice_widget_and_back(page, local_basket):
    at = AppTest.from_file(str(HARNESS), default_timeout=180)
    query, labels = EXPECTED[page]
    at.session_state["harness_page"] = str(page_path(page))
    for name, value in query.items():
        at.query_params[name] = value
    if page == "briefing":  # its choices are drawn once the basket holds something
        item = PackItem("table", "表", frame=pd.DataFrame({"a": [1]}))
        app_store().baskets.put("t", item.kind, item.title, "", item_to_json(item), actor=LOCAL)
    at.run()
    assert not at.exception, at.exception
    zh = snapshot(at)
    assert zh, f"{page}: no choice widget found"
    zh_text = " ".join(" ".join(text) for _, text, _ in zh.values())
    for chinese, _ in labels:
        assert chinese in zh_text, (page, chinese, zh_text)

    en = snapshot(switch(at, "en"))
    assert en.keys() == zh.keys(), (page, en.keys() ^ zh.keys())
    for name, (value, text, options) in en.items():
        assert value == zh[name][0], f"{page}: {name} changed its selection on switching language"
        assert not any(CJK.search(part) for part in text), f"{page}: {name} still shows {text} in English"
        chinese = [o for o in options if CJK.search(o)]
        assert not chinese, f"{page}: {name} still offers {chinese[:3]} in English"
    en_text = " ".join(" ".join(text) for _, text, _ in en.values())
    for _, english in labels:
        assert english in en_text, (page, english, en_text)

    back = snapshot(switch(at, "zh"))
    assert back == zh, f"{page}: not the same after switching back"
