"""AppTest of the Forecast page: the fan chart's numbers, the leaderboard and the batch table equal the library's."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from apptest import open_page, rendered
from streamlit.testing.v1 import AppTest

import forecasting
from ui import cache
from ui import forecast_view as fv

# How the page names each model in Chinese (common/strings/forecast.yaml), typed out so the test does not read the
# page's own lookup.
ZH_MODEL = {
    "combination": "组合预测（多模型合成）",
    "ets_damped": "阻尼趋势指数平滑",
    "dotm": "动态优化 Theta 法",
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


def reporting(obs: pd.DataFrame, indicator: str) -> list[str]:
    return sorted(obs.loc[(obs["indicator_id"] == indicator) & obs["value"].notna(), "region_code"].unique())


def test_single_series_matches_library(obs):
    at = run_page({"indicator": "gdp", "region": "440000", "h": "4"})
    assert not at.exception
    assert at.title[0].value == "预测"
    regions = reporting(obs, "gdp")
    # Guangdong is forecast alone, banded exactly as the run over every region reporting GDP bands it
    result = forecasting.run(series(obs, "gdp", regions), 4)
    board = result.leaderboard[result.leaderboard["unique_id"] == "440000"]
    shown_board = at.dataframe[0].value
    assert len(shown_board) == len(board) >= 6 and {"combination", "ets", "dotm"} <= set(board["model"])
    assert shown_board["名次"].tolist() == board["rank"].tolist() == list(range(1, len(board) + 1))
    assert shown_board["模型"].tolist() == [ZH_MODEL[m] for m in board["model"]]
    assert shown_board["MASE"].tolist() == board["mase"].round(3).tolist()
    assert shown_board["sMAPE (%)"].tolist() == board["smape"].round(2).tolist()
    assert shown_board["回测点数"].tolist() == board["backtest_points"].tolist()
    assert shown_board["用于预测"].tolist() == ["✓" if m == "combination" else "" for m in board["model"]]
    expected = result.forecast[result.forecast["unique_id"] == "440000"]
    table = at.dataframe[1].value
    assert len(table) == 4
    assert table["预测值"].tolist() == expected["combination"].round(1).tolist()
    assert table["95% 上限"].tolist() == expected["combination-hi-95"].round(1).tolist()
    # no absurd band: Guangdong's 2027 95% band neither collapses nor doubles (the 71,637–257,349 亿元)
    last = series(obs, "gdp", ["440000"]).sort_values("ds")["y"].iloc[-1]
    third = expected.iloc[2]
    assert 0.8 * last < third["combination-lo-95"] and third["combination-hi-95"] < 1.5 * last
    group = result.calibration_of("440000")
    assert group["points"] >= 50
    note = rendered(at.caption[0].value)
    assert "组合预测" in note and "MASE" in note and "MSIS" in note
    assert f"80% 区间 {group['coverage-80']:.0f}%" in note and f"共 {group['points']} 个回测结果" in note
    assert at.info[0].value == result.reading("440000").sentence("zh")
    assert at.info[0].value.startswith("过去 3 次回测，预测值与实际值平均相差") and at.info[0].value.endswith("%")


def test_named_model_and_a_rate_scored_in_points(obs):
    at = run_page({"indicator": "cpi_yoy", "region": "100000", "h": "6", "model": "theta"})
    assert not at.exception
    result = forecasting.run(series(obs, "cpi_yoy", ["100000"]), 6, model="theta", breaks=False)
    expected = result.forecast
    table = at.dataframe[1].value
    assert table["时期"].iloc[0] == "2026年8月"
    assert table["预测值"].tolist() == expected["theta"].round(1).tolist()
    board = at.dataframe[0].value
    assert "sMAPE (%)" not in board.columns  # a rate near zero: a percentage of it says nothing
    theirs = result.leaderboard
    assert board["平均绝对误差（百分点）"].tolist() == theirs["mae"].round(2).tolist()
    assert at.info[0].value == result.reading("100000", percent_change=True).sentence("zh")
    assert at.info[0].value.endswith("个百分点") and "sMAPE" not in rendered(at.caption[0].value)


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
    next_period = expected.sort_values("ds").groupby("unique_id").head(1).set_index("unique_id")["combination"]
    shown = dict(zip(table["地区"], table["预测值"], strict=True))
    for code, value in next_period.items():
        assert shown[registry.name(code, "zh")] == pytest.approx(round(value, 1))
    assert table["预测值"].is_monotonic_decreasing
    assert any("31 个序列" in s.value for s in at.success)
    at.button(key="fc_batch_run").click().run()  # the same run again: read off the cache, its progress bar replayed
    assert not at.exception
    pd.testing.assert_frame_equal(at.dataframe[-1].value, table)


def recorded_runs(monkeypatch) -> list[tuple[int, tuple]]:
    """Every ``forecasting.run`` the page makes, as (number of series, comparison models asked for)."""
    calls: list[tuple[int, tuple]] = []
    real = forecasting.run

    def record(df, *args, **kwargs):
        calls.append((df["unique_id"].nunique(), kwargs.get("models")))
        return real(df, *args, **kwargs)

    monkeypatch.setattr(forecasting, "run", record)
    return calls


def test_one_series_is_fitted_alone_its_calibration_computed_once(obs, monkeypatch):
    cache.calibration.clear()
    cache._series_alone.clear()
    calls = recorded_runs(monkeypatch)
    at = run_page({"indicator": "gdp", "region": "440000", "h": "4"})
    assert not at.exception
    regions = len(reporting(obs, "gdp"))
    # the calibration over every region, without the leaderboard's models; then Guangdong alone, with them
    assert calls == [(regions, ()), (1, forecasting.DEFAULT_CANDIDATES)]
    at.selectbox(key="fc_region").set_value("110000").run()
    assert not at.exception
    assert calls[2:] == [(1, forecasting.DEFAULT_CANDIDATES)]  # another province: the calibration is reused


@pytest.fixture
def runs_as_served(monkeypatch) -> list[tuple[str, int, int]]:
    """The page's ``forecasting.run`` calls as (model, series, worker processes asked for), with the worker pool on
    as when served (the tests keep runs in this process) and cold caches. The runs themselves stay in this process:
    the workers' results equal it (test_forecasting_run)."""
    monkeypatch.delenv(cache.WORKERS_VARIABLE)
    cache.calibration.clear()
    cache._series_alone.clear()
    cache.forecast_run.clear()
    asked = []
    real = forecasting.run

    def record(df, *args, **kwargs):
        asked.append((kwargs["model"], df["unique_id"].nunique(), kwargs.get("n_jobs", 1)))
        return real(df, *args, **{**kwargs, "n_jobs": 1})

    monkeypatch.setattr(forecasting, "run", record)
    return asked


def test_a_slow_models_calibration_runs_on_the_worker_processes(runs_as_served):
    """ARIMA's or Prophet's run over the regions would hold the server's interpreter lock for 10-50 s (issue 22)."""
    at = run_page({"indicator": "gdp_quarterly", "region": "100000", "h": "4", "model": "arima"})
    assert not at.exception
    at.selectbox(key="fc_model").set_value("theta").run()
    assert not at.exception
    # one region reports it: per model, its run alone is its calibration (in this process, as any series alone)
    assert runs_as_served == [("arima", 1, 1), ("theta", 1, 1)]


def test_a_calibration_over_the_provinces_runs_on_the_worker_processes(obs, runs_as_served):
    at = run_page({"indicator": "gdp", "region": "440000", "h": "4", "model": "ets"})
    assert not at.exception
    provinces = len(reporting(obs, "gdp"))
    assert runs_as_served == [("ets", provinces, -1), ("ets", 1, 1)]  # the provinces on the workers; one here
    assert cache.workers("ets", (), cache.POOL_MIN_SERIES - 1) == 1


def test_batch_backtests_the_comparison_models_only_when_asked(monkeypatch):
    at = run_page({"indicator": "population", "h": "2"})
    cache.forecast_run.clear()
    calls = recorded_runs(monkeypatch)
    at.button(key="fc_batch_run").click().run()
    assert not at.exception
    assert calls == [(31, ())]
    assert not at.checkbox(key="fc_batch_compare").value
    at.checkbox(key="fc_batch_compare").check().run()
    assert not at.exception and len(calls) == 1  # a different run: nothing shown until it is asked for
    at.button(key="fc_batch_run").click().run()
    assert calls[1:] == [(31, forecasting.DEFAULT_CANDIDATES)]
    assert len(at.dataframe[-1].value) == 31


def test_english_labels():
    at = run_page({"indicator": "pmi_manufacturing"}, lang="en")
    assert not at.exception
    assert at.title[0].value == "Forecast"
    note = rendered(at.caption[0].value)
    assert "Model: Combination of models" in note and "measured coverage" in note and "MSIS" in note
    assert at.info[0].value.startswith("Over the last 10 backtests, forecasts differed from the outcomes by")


def test_horizon_follows_the_frequency():
    at = run_page({"indicator": "gdp", "h": "4"})
    assert at.slider(key="fc_h").value == 4
    at.selectbox(key="fc_indicator").set_value("cpi_yoy").run()
    assert at.slider(key="fc_h").value == 12  # a monthly series starts at 12 months, not at 4 or the slider's 1
    at.slider(key="fc_h").set_value(24).run()
    at.selectbox(key="fc_indicator").set_value("m2_yoy").run()
    assert at.slider(key="fc_h").value == 24  # same frequency: the choice is kept
    assert not at.exception


def test_a_break_is_warned_and_drawn_in_both_languages():
    rng = np.random.default_rng(11)
    log = np.cumsum(rng.normal(0.08, 0.01, 30)) + np.log(1000)
    log[20:] -= 0.3
    frame = pd.DataFrame({"unique_id": "x", "ds": pd.date_range("1995-01-01", periods=30, freq="YS"), "y": np.exp(log)})
    result = forecasting.run(frame, 3)
    found = fv.series_breaks(result, "x", since=pd.Timestamp("2005-01-01"))
    assert len(found) == 1 and fv.series_breaks(result, "x", since=pd.Timestamp("2016-01-01")).empty
    zh = fv.break_warning(found, result.forecast, "A", "zh")
    assert "2015年 水平跳变 -26%" in zh and "预测仅使用 2015年 起的一致数据" in zh
    en = fv.break_warning(found, result.forecast, "A", "en")
    assert "2015: level shift -26%" in en and "consistent data from 2015 only" in en
    fig = fv.mark_breaks(go.Figure(), found, "zh")
    assert len(fig.layout.shapes) == 1 and fig.layout.annotations[0].text == "断点"


def test_an_emptied_list_of_compared_models_stays_empty_and_asks_for_one():
    at = run_page({"indicator": "gdp"})
    at.multiselect(key="fc_models").set_value([]).run()
    assert not at.exception
    assert at.multiselect(key="fc_models").value == [] and at.query_params["models"] == ""
    assert [w.value for w in at.warning] == ["请至少选择一个参与比较的模型。"]
    assert not at.get("plotly_chart")


def test_a_census_series_of_two_points_is_shown_without_scores():
    at = run_page({"indicator": "city_population", "region": "440100"})
    assert not at.exception  # the leaderboard of a series too short to backtest used to fail to round its scores
    board = next(d.value for d in at.dataframe if "MASE" in d.value.columns)
    assert board["MASE"].isna().all()
