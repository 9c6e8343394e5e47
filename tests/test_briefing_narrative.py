"""Narrative sentences say exactly the numbers they describe, in Chinese and English; absent facts are not told."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from briefing import BriefingError, Facts, narrative, sentences, series_facts
from briefing.narrative import ordinal, with_unit
from indicators.derived import ranking_table
from ui.forecast_view import model_spec

GDP = {
    "name": {"zh": "地区生产总值", "en": "Gross regional product"},
    "unit": {"zh": "亿元", "en": "100 million yuan"},
    "decimals": 1,
    "freq": "A",
}
RATE = {"name": {"zh": "城镇调查失业率", "en": "Surveyed urban unemployment"}, "unit": {"zh": "%", "en": "%"}}


@pytest.fixture(scope="module")
def gdp_rows(obs):
    """Observations of provincial GDP, all provinces."""
    return obs[obs["indicator_id"] == "gdp"].reset_index(drop=True)


def test_facts_from_the_long_frame_match_the_library(gdp_rows, cat, registry):
    facts = series_facts(gdp_rows, cat.get("gdp"), "440000", registry)
    own = gdp_rows[(gdp_rows["region_code"] == "440000") & gdp_rows["value"].notna()].sort_values("period")
    assert facts.latest == own["value"].iloc[-1] and facts.period == own["period"].iloc[-1]
    assert facts.previous == own["value"].iloc[-2]
    table = ranking_table(gdp_rows, facts.period, "higher_is_better").dropna(subset=["rank"])
    assert facts.rank == int(table.loc[table["region_code"] == "440000", "rank"].iloc[0])
    assert facts.rank_of == len(table)
    assert facts.region == {"zh": "广东", "en": registry.name("440000", "en")}


def test_chinese_sentences_state_the_numbers(gdp_rows, cat, registry):
    facts = series_facts(gdp_rows, cat.get("gdp"), "440000", registry)
    change = facts.latest - facts.previous
    said = sentences(facts, "zh")
    year = facts.period.year
    assert said[0] == f"广东地区生产总值{year}年为{facts.latest:,.1f}亿元。"
    assert said[1] == f"较上期（{year - 1}年）增加{change:,.1f}亿元（{change / facts.previous * 100:.1f}%）。"
    assert said[2] == f"在 {facts.rank_of} 个地区中排第 {facts.rank} 位（数值越高越好）。"
    assert len(said) == 3  # annual: the year-earlier change is the previous-period change, told once


def test_english_sentences_state_the_same_numbers(gdp_rows, cat, registry):
    facts = series_facts(gdp_rows, cat.get("gdp"), "440000", registry)
    text = narrative(facts, "en")
    # 亿元 (RMB 100 million) told in billions, the English way, with the digits kept.
    assert f"was RMB {facts.latest / 10:,.2f} billion in {facts.period.year}." in text
    assert f"up RMB {(facts.latest - facts.previous) / 10:,.2f} billion" in text
    assert "100 million" not in text
    assert f"ranks {ordinal(facts.rank)} of {facts.rank_of} regions (higher is better)." in text


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "expected"),
    [
        (141488.9, 1, "RMB 100 million", "RMB 14,148.89 billion"),
        (1100.0, 1, "US$ 100 million", "US$ 110.00 billion"),
        (1256.0, 0, "10,000 persons", "12.56 million persons"),
        (5.2, 1, "%", "5.2%"),
        (3.0, 1, "yuan", "3.0 yuan"),
    ],
)
def test_english_amounts_in_billions_and_millions(value, decimals, unit, expected):
    facts = Facts(name={"zh": "x", "en": "x"}, unit={"zh": "亿元", "en": unit}, decimals=decimals, freq="A")
    assert with_unit(value, facts, "en") == expected


def test_forecast_model_named_in_the_packs_language():
    # The page names the model in both languages (a Chinese page may build an English pack): one pair of brackets.
    model = {lang: model_spec("ets", "ETS(M,A,N)", lang) for lang in ("zh", "en")}
    assert model == {"zh": "指数平滑（ETS(M,A,N)）", "en": "Exponential smoothing (ETS(M,A,N))"}
    facts = Facts.from_dict(
        {**GDP, "forecast": 1.0, "forecast_period": pd.Timestamp("2025-01-01"), "forecast_model": model}
    )
    assert "指数平滑（ETS(M,A,N)）模型预测" in narrative(facts, "zh")
    english = narrative(facts, "en")
    assert "The Exponential smoothing (ETS(M,A,N)) model forecasts" in english and "指数" not in english


def test_every_number_in_the_narrative_comes_from_the_facts(gdp_rows, cat, registry):
    facts = series_facts(gdp_rows, cat.get("gdp"), "320000", registry)
    allowed = {f"{v:,.1f}" for v in (facts.latest, facts.previous, abs(facts.latest - facts.previous)) if v is not None}
    allowed |= {f"{abs(facts.latest - facts.previous) / facts.previous * 100:,.1f}"}
    allowed |= {str(facts.period.year), str(facts.period.year - 1), str(facts.rank), str(facts.rank_of)}
    for number in re.findall(r"\d[\d,]*(?:\.\d+)?", narrative(facts, "zh")):
        assert number in allowed, number


def test_monthly_series_tell_previous_and_year_earlier_changes():
    facts = Facts(
        **GDP | {"freq": "M", "decimals": 1},
        latest=110.0,
        period=pd.Timestamp("2024-03-01"),
        previous=100.0,
        previous_period=pd.Timestamp("2024-02-01"),
        year_ago=120.0,
        year_ago_period=pd.Timestamp("2023-03-01"),
    )
    assert sentences(facts, "zh")[1:] == [
        "较上期（2024年2月）增加10.0亿元（10.0%）。",
        "较上年同期（2023年3月）减少10.0亿元（8.3%）。",
    ]
    assert sentences(facts, "en")[2] == "That is down 10.0 100 million yuan (8.3%) on a year earlier (Mar 2023)."


def test_rates_change_in_percentage_points_and_targets_have_a_direction():
    facts = Facts(
        **RATE,
        decimals=1,
        freq="A",
        latest=5.2,
        period=pd.Timestamp("2024-01-01"),
        previous=5.6,
        previous_period=pd.Timestamp("2023-01-01"),
        target=5.5,
        target_comparator="at_most",
        target_year=2024,
    )
    said = sentences(facts, "zh")
    assert said[1] == "较上期（2023年）下降0.4个百分点。"
    assert said[2] == "处于 2024 年预期目标（5.5%以内）之内，低0.3个百分点。"
    assert sentences(facts, "en")[2] == "It is within the 2024 target of at most 5.5%, by 0.3 percentage points."


@pytest.mark.parametrize(
    ("comparator", "latest", "zh"),
    [
        ("at_least", 5.3, "已达到 2024 年预期目标（5.0%以上），高出0.3个百分点。"),
        ("at_least", 4.8, "低于 2024 年预期目标（5.0%以上）0.2个百分点。"),
        ("at_most", 5.4, "超出 2024 年预期目标（5.0%以内）0.4个百分点。"),
        ("about", 5.2, "与 2024 年预期目标（5.0%左右）相差0.2个百分点。"),
        ("about", 5.0, "与 2024 年预期目标（5.0%左右）一致。"),
    ],
)
def test_target_status_and_gap(comparator, latest, zh):
    facts = Facts(
        **RATE,
        decimals=1,
        freq="A",
        latest=latest,
        period=pd.Timestamp("2024-01-01"),
        target=5.0,
        target_comparator=comparator,
        target_year=2024,
    )
    assert sentences(facts, "zh")[-1] == zh


def test_forecast_names_model_interval_and_backtest_error():
    facts = Facts(
        **GDP,
        forecast=133000.0,
        forecast_period=pd.Timestamp("2023-01-01"),
        forecast_lo=128000.0,
        forecast_hi=138500.5,
        forecast_level=80,
        forecast_model="ETS",
        forecast_mase=0.8412,
    )
    assert sentences(facts, "zh") == [
        "ETS模型预测2023年为133,000.0亿元，80%预测区间为128,000.0亿元至138,500.5亿元。",
        "该模型回测的平均绝对标度误差（MASE）为 0.84。",
    ]
    assert sentences(facts, "en")[0] == (
        "The ETS model forecasts 133,000.0 100 million yuan for 2023 "
        "(80% interval: 128,000.0 100 million yuan to 138,500.5 100 million yuan)."
    )


@pytest.mark.parametrize(
    ("kind", "zh", "en"),
    [
        (
            "percent",
            "过去 3 次回测中，预测值与实际值平均相差 2.1%。",
            "Over the last 3 backtests, forecasts differed from the outcomes by 2.1% on average.",
        ),
        (
            "points",
            "过去 3 次回测中，预测值与实际值平均相差 2.1 个百分点。",
            "Over the last 3 backtests, forecasts differed from the outcomes by 2.1 percentage points on average.",
        ),
    ],
)
def test_the_backtest_error_is_read_as_a_leader_reads_it(kind, zh, en):
    facts = Facts(
        **GDP,
        forecast=133000.0,
        forecast_period=pd.Timestamp("2023-01-01"),
        forecast_model="组合预测",
        forecast_mase=0.8412,
        forecast_error=2.0833,
        forecast_error_kind=kind,
        forecast_backtests=3,
    )
    assert sentences(facts, "zh")[-1] == zh  # instead of the MASE, which a leader cannot read
    assert sentences(facts, "en")[-1] == en


def test_absent_facts_drop_their_sentences():
    assert sentences(Facts(**GDP), "zh") == []
    assert narrative(None, "zh") == ""
    only_latest = Facts(
        **GDP,
        latest=1.0,
        period=pd.Timestamp("2020-01-01"),
        previous=float("nan"),
        previous_period=pd.Timestamp("2019-01-01"),
        rank=None,
        forecast=2.0,
    )
    assert sentences(only_latest, "zh") == ["地区生产总值2020年为1.0亿元。"]  # no forecast without period and model


def test_no_percent_change_on_a_zero_or_negative_base():
    facts = Facts(
        **GDP, latest=5.0, period=pd.Timestamp("2021-01-01"), previous=-2.0, previous_period=pd.Timestamp("2020-01-01")
    )
    assert sentences(facts, "zh")[1] == "较上期（2020年）增加7.0亿元。"


def test_facts_from_a_plain_dict_and_unknown_keys_refused():
    assert narrative({**GDP, "latest": 2.0, "period": pd.Timestamp("2022-01-01")}, "en") == (
        "Gross regional product was 2.0 100 million yuan in 2022."
    )
    with pytest.raises(BriefingError, match="unknown narrative facts"):
        sentences({**GDP, "growth_story": "booming"}, "zh")
    with pytest.raises(BriefingError, match="unsupported language"):
        sentences(Facts(**GDP), "fr")


def test_series_facts_carry_target_and_forecast(gdp_rows, cat, registry):
    target = {"year": 2022, "comparator": "at_least", "value": 120000.0}
    forecast = {"period": pd.Timestamp("2023-01-01"), "value": 135000.0, "lo": 130000.0, "hi": 140000.0}
    forecast |= {"level": 95, "model": "ETS", "mase": 0.9}
    facts = series_facts(gdp_rows, cat.get("gdp"), "440000", registry, target=target, forecast=forecast)
    gap = facts.latest - 120000.0
    said = sentences(facts, "zh")
    assert said[-3] == f"已达到 2022 年预期目标（120,000.0亿元以上），高出{gap:,.1f}亿元。"
    assert said[-2].startswith("ETS模型预测2023年为135,000.0亿元，95%预测区间为130,000.0亿元至140,000.0亿元")
    with pytest.raises(BriefingError, match="unknown narrative facts"):
        series_facts(gdp_rows, cat.get("gdp"), "440000", registry, forecast={"spec": "ETS(A,N,N)"})


def test_a_region_without_data_gets_no_sentences(gdp_rows, cat, registry):
    assert sentences(series_facts(gdp_rows, cat.get("gdp"), "ZZZ", registry), "zh") == []


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(n, text):
    assert ordinal(n) == text
