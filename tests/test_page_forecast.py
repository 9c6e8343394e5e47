"""AppTest of the Forecast page: the fan chart's numbers, the leaderboard and the batch table equal the library's."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

import forecasting
from ui import cache

# How the page names each model in Chinese (common/strings/forecast.yaml), typed out so the test does not read the
# page's own lookup.
ZH_MODEL = {
    "naive": "朴素法",
    "seasonal_naive": "季节朴素法",
    "drift": "漂移法",
    "ets": "指数平滑（ETS）",
    "theta": "Theta 法",
    "ensemble": "集成（最优三个模型平均）",
}


def run_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    return open_page("forecast", query, lang, timeout=180)


def series(obs: pd.DataFrame, indicator: str, regions: list[str]) -> pd.DataFrame:
    rows = obs[(obs["indicator_id"] == indicator) & obs["region_code"].isin(regions)]
    return pd.DataFrame({"unique_id": rows["region_code"], "ds": rows["period"], "y": rows["value"]})


def test_single_series_matches_library(obs):
    at = run_page({"indicator": "gdp", "region": "440000", "h": "4"})
    assert not at.exception
    assert at.title[0].value == "预测"
    frame = series(obs, "gdp", ["440000"])
    board = forecasting.leaderboard(frame, 4)
    shown_board = at.dataframe[0].value
    assert len(shown_board) == len(board) >= 4 and "ets" in set(board["model"])
    assert shown_board["名次"].tolist() == board["rank"].tolist() == list(range(1, len(board) + 1))
    assert shown_board["模型"].tolist() == [ZH_MODEL[m] for m in board["model"]]
    assert shown_board["MASE"].tolist() == board["mase"].round(3).tolist()
    assert shown_board["sMAPE (%)"].tolist() == board["smape"].round(2).tolist()
    for level in (80, 95):
        shown = shown_board[f"{level}% 区间覆盖率（%）"]
        assert shown.tolist() == board[f"calibrated_coverage_{level}"].round(1).tolist()
    assert shown_board["回测点数"].tolist() == board["backtest_points"].tolist()
    assert shown_board["自动选择"].tolist() == ["✓" if c else "" for c in board["chosen"]]
    expected = forecasting.forecast(frame, 4)
    table = at.dataframe[1].value
    assert len(table) == 4
    assert table["预测值"].tolist() == expected["auto"].round(1).tolist()
    assert table["95% 上限"].tolist() == expected["auto-hi-95"].round(1).tolist()
    note = at.caption[0].value
    chosen = board.loc[board["chosen"], "model"].iloc[0]
    assert expected["model"].iloc[0] == chosen
    assert f"{expected['coverage-80'].iloc[0]:.0f}%" in note and "MASE" in note


def test_named_model_and_monthly_series(obs):
    at = run_page({"indicator": "cpi_yoy", "region": "100000", "h": "6", "model": "theta"})
    assert not at.exception
    expected = forecasting.forecast(series(obs, "cpi_yoy", ["100000"]), 6, model="theta")
    table = at.dataframe[1].value
    assert table["时期"].iloc[0] == "2026年8月"
    assert table["预测值"].tolist() == expected["theta"].round(1).tolist()


def test_batch_over_all_regions(obs, registry):
    at = run_page({"indicator": "population", "h": "2"})
    cache.forecast_run.clear()
    with warnings.catch_warnings():
        # The batch must run in worker processes: under Streamlit they used to re-run the page as __main__ and die,
        # and the library then warned and finished in-process.
        warnings.simplefilter("error", RuntimeWarning)
        at.button(key="fc_batch_run").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert len(table) == 31
    provinces = sorted(obs.loc[obs["indicator_id"] == "population", "region_code"].unique())
    expected = forecasting.forecast(series(obs, "population", provinces), 2)
    next_period = expected.sort_values("ds").groupby("unique_id").head(1).set_index("unique_id")["auto"]
    shown = dict(zip(table["地区"], table["预测值"], strict=True))
    for code, value in next_period.items():
        assert shown[registry.name(code, "zh")] == pytest.approx(round(value, 1))
    assert table["预测值"].is_monotonic_decreasing
    assert any("31 个序列" in s.value for s in at.success)
    at.button(key="fc_batch_run").click().run()  # the same run again: read off the cache, its progress bar replayed
    assert not at.exception
    pd.testing.assert_frame_equal(at.dataframe[-1].value, table)


def test_english_labels():
    at = run_page({"indicator": "pmi_manufacturing"}, lang="en")
    assert not at.exception
    assert at.title[0].value == "Forecast"
    assert "Model:" in at.caption[0].value and "measured coverage" in at.caption[0].value


def test_horizon_follows_the_frequency():
    at = run_page({"indicator": "gdp", "h": "4"})
    assert at.slider(key="fc_h").value == 4
    at.selectbox(key="fc_indicator").set_value("cpi_yoy").run()
    assert at.slider(key="fc_h").value == 12  # a monthly series starts at 12 months, not at 4 or the slider's 1
    at.slider(key="fc_h").set_value(24).run()
    at.selectbox(key="fc_indicator").set_value("m2_yoy").run()
    assert at.slider(key="fc_h").value == 24  # same frequency: the choice is kept
    assert not at.exception
