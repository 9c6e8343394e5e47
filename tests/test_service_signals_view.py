"""The signals section (ui/service_signals.py) under AppTest, through a small harness with a synthetic case log, in
both languages: hot topics and surges in words, names from the file shown as text, the volume forecast with its
accuracy, and basket buttons under every chart and table."""

from __future__ import annotations

from pathlib import Path

import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import rendered

HARNESS = Path(__file__).resolve().parent / "service_signals_harness.py"


def _run(lang: str, scale: int = 1) -> AppTest:
    at = AppTest.from_file(str(HARNESS), default_timeout=180)
    at.session_state["lang"] = lang
    at.session_state["scale"] = scale
    return at.run()


@pytest.fixture(scope="module")
def zh() -> AppTest:
    """The section in Chinese, run once."""
    return _run("zh")


def _texts(elements) -> list[str]:
    return [rendered(e.value) for e in elements]


def _lines(elements) -> list[str]:
    """Every line of the elements' texts: the hot topics are one list, and the warnings of one colour one box."""
    return [line for text in _texts(elements) for line in text.split("\n")]


def _warnings(elements) -> list[str]:
    """Each warning of the boxes (a box of several lists them)."""
    return [line.removeprefix("- ") for line in _lines(elements)]


def test_hot_topics_and_surges_in_chinese(zh):
    assert not zh.exception
    assert [s.value for s in zh.subheader] == ["诉求信号"]
    bullets = [line for line in _lines(zh.markdown) if line.startswith("- ")]
    assert any(b.startswith("- 路灯 诉求本周 ") and "为近 8 周均值的" in b for b in bullets)
    surges = _warnings(zh.error) + _warnings(zh.warning)
    assert any(s.startswith("路灯（朝阳区）：") and "95% 区间上限" in s for s in surges)
    assert any(s.startswith("路灯：") for s in surges)
    assert not any(s.startswith("噪音") for s in surges)  # the calm topic raises nothing


def test_names_from_the_file_stay_text(zh):
    # "**井盖**" is a topic name: shown with its asterisks, never as bold Markdown
    sources = [e.value for e in zh.markdown] + [e.value for e in zh.warning] + [e.value for e in zh.error]
    assert "- **井盖** 诉求本周" in [line[: len("- **井盖** 诉求本周")] for line in _lines(zh.markdown)]
    warned = _warnings([*zh.warning, *zh.error])
    assert any(w.startswith("**井盖**：") for w in warned)
    assert not any(w.startswith("**井盖**（") for w in warned)  # all in one area: said once, for the topic
    assert not any("**井盖**" in source for source in sources)  # escaped in every Markdown source
    assert zh.selectbox[0].options[0] == "全部诉求"
    assert "**井盖**" in zh.selectbox[0].options


def test_volume_forecast_with_accuracy_and_basket_buttons(zh):
    captions = _texts(zh.caption)
    assert any(c.startswith("回测精度：MASE ") for c in captions)
    assert len(zh.get("plotly_chart")) == 2  # topic mix and the fan
    assert len(zh.dataframe) == 3  # hot topics, surges, forecast table
    assert len(zh.button) == 5  # one basket button under each of the two charts and three tables
    forecast_table = zh.dataframe[-1].value
    assert list(forecast_table.columns) == ["周", "预测", "80%下限", "80%上限", "95%下限", "95%上限"]
    assert len(forecast_table) == 8 and (forecast_table["95%下限"] >= 0).all()


def test_another_log_gets_its_own_forecast_chart_and_table(zh):
    # The drawn parts are cached between sessions by the log they come from: the same topic in another log (or with
    # other filters) is not served the first log's fan chart. It was, when the key named the topic only.
    def band_top(at: AppTest) -> float:  # the fan's 95% band, the highest it reaches
        fan = plotly.io.from_json(list(at.get("plotly_chart"))[-1].proto.spec)
        return max(next(trace.y for trace in fan.data if trace.name == "95%区间"))

    tripled = _run("zh", scale=3)
    assert not tripled.exception
    one, three = zh.dataframe[-1].value["预测"], tripled.dataframe[-1].value["预测"]
    assert three.iloc[0] == pytest.approx(3 * one.iloc[0], rel=0.2)
    assert band_top(tripled) == pytest.approx(3 * band_top(zh), rel=0.2)


def test_choosing_a_topic_and_the_daily_grain():
    at = _run("zh")
    at.selectbox[0].set_value("路灯").run()
    assert not at.exception
    assert at.dataframe[-1].value["预测"].iloc[0] > 0
    at.radio[0].set_value("D").run()
    assert not at.exception
    assert at.radio[0].value == "D"


def test_the_section_in_english():
    en = _run("en")
    assert not en.exception
    assert [s.value for s in en.subheader] == ["Service signals"]
    bullets = [line for line in _lines(en.markdown) if line.startswith("- ")]
    assert any(b.startswith("- 路灯: ") and "times the mean of the previous 8 weeks" in b for b in bullets)
    surges = _warnings(en.error) + _warnings(en.warning)
    assert any(s.startswith("路灯 (朝阳区): ") and "95% upper bound" in s for s in surges)
    assert any(c.startswith("Backtest accuracy: MASE ") for c in _texts(en.caption))
    assert en.selectbox[0].options[0] == "All topics"
