"""Service signals: counts per period, surge warnings (injected surges found, calm series left alone), overdue
build-ups, hot topics and their words, and the Overview alerts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecasting
from common.text import Message
from forecasting.combine import default_recipe
from forecasting.frequency import season_length
from indicators.warnings import Alert, sort_alerts
from services.counts import ALL, case_counts, complete_periods, count_matrix, overdue_counts
from services.signals import buildup_message, overview_alerts, surge_message
from services.surge import Buildup, buildups, series_buildup, series_surges, surges
from services.topics import OTHER, hot_topics, topic_mix
from services.volume import FREQ, volume_forecast, weekly_frame
from tests.service_logs import daily_counts, log_from_counts, weekly_counts


def _weeks(counts: list[int], start: str = "2025-01-06") -> pd.Series:
    """Cases on each Monday of consecutive weeks, and one case in the week after (so the last week is complete)."""
    index = pd.date_range(start, periods=len(counts) + 1, freq="W-MON")
    return pd.Series([*counts, 1], index=index)


# --- counts --------------------------------------------------------------------------------------------------------


def test_counts_are_zero_filled_on_complete_weeks_only():
    log = log_from_counts({("路灯", "A"): _weeks([3, 0, 2]), ("噪音", "B"): _weeks([0, 1, 0])})
    counts = case_counts(log, "W", ("topic",))
    assert sorted(counts["period"].unique()) == list(pd.date_range("2025-01-06", periods=3, freq="W-MON"))
    lights = counts[counts["topic"] == "路灯"]["count"].tolist()
    assert lights == [3, 0, 2]  # the week after, with its single case, is not complete
    assert counts[counts["topic"] == "噪音"]["count"].tolist() == [0, 1, 0]


def test_a_log_cut_mid_day_has_no_last_day():
    log = log_from_counts({("路灯", "A"): daily_counts(10, 5, seed=1)})
    periods = complete_periods(log, "D")
    assert periods[-1] == pd.Timestamp("2024-01-09")  # the tenth day's cases do not end at midnight


def test_overdue_counts_open_past_due_at_each_period_end():
    log = log_from_counts({("路灯", "A"): _weeks([2, 0, 0, 0])}, due_days=3)
    log.loc[0, "closed"] = pd.NaT  # one case never closed: overdue from its due time (Thursday of week 1) on
    log.loc[1, "closed"] = log.loc[1, "opened"] + pd.Timedelta(days=10)  # closed late, in week 2
    overdue = overdue_counts(log, "W", ("topic",))
    assert overdue["overdue"].tolist() == [2, 1, 1, 1]


# --- surges --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weekly", [0.0, 0.6])
def test_an_injected_daily_surge_is_flagged_and_explained(seed, weekly):
    series = daily_counts(120, 20, seed=seed, weekly=weekly, surge_at=116, surge_factor=3.0)
    found = {s.period: s for s in series_surges(series.iloc[:119], "D", "路灯", holidays=None)}
    assert series.index[116] in found
    surge = found[series.index[116]]
    assert surge.count == series.iloc[116] and surge.count > surge.bound > surge.expected
    assert surge.history_end == series.index[115] and surge.history_periods == 116  # fitted before the day only
    assert "95%" in surge_message(surge).render("zh") and f"{surge.count}" in surge_message(surge).render("en")


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weekly", [0.0, 0.6])
def test_a_calm_daily_series_raises_nothing(seed, weekly):
    series = daily_counts(120, 20, seed=seed, weekly=weekly)
    assert series_surges(series, "D", "路灯", recent=30, holidays=None) == []


def test_calm_series_rarely_flag_a_period():
    # 40 calm Poisson series × 30 tested days: the 95% band alone flags about 2.5% of them by chance (measured: 30 of
    # 1,200); with the noise floor and the 1.5× minimum well under 1%.
    tested = flagged = 0
    for seed in range(40):
        series = daily_counts(90, 20, seed=100 + seed, weekly=0.3 * (seed % 2))
        flagged += len(series_surges(series, "D", "x", recent=30, holidays=None))
        tested += 30
    assert flagged / tested < 0.01


@pytest.mark.parametrize("seed", range(4))
def test_weekly_surges_with_a_yearly_season(seed):
    calm = log_from_counts({("路灯", "A"): weekly_counts(120, 80, seed=seed, season=0.4)})
    assert surges(calm, "W") == []
    hot = weekly_counts(120, 80, seed=seed, season=0.4, surge_at=118, surge_factor=2)
    quiet = weekly_counts(120, 20, seed=seed + 50, season=0.4)
    # in area A alone: said once, for the topic
    assert [(s.topic, s.area, s.period) for s in surges(log_from_counts({("路灯", "A"): hot}), "W")] == [
        ("路灯", None, pd.Timestamp("2024-04-08"))
    ]
    # in A, with a calm B beside it: the topic and the area
    found = surges(log_from_counts({("路灯", "A"): hot, ("路灯", "B"): quiet}), "W")
    assert {(s.topic, s.area, s.period) for s in found} == {
        ("路灯", None, pd.Timestamp("2024-04-08")),
        ("路灯", "A", pd.Timestamp("2024-04-08")),
    }


def test_a_weekday_pattern_is_not_a_surge():
    # Mondays three times a Sunday: a Monday is high against the week, not against other Mondays.
    index = pd.date_range("2024-01-01", periods=84, freq="D")
    series = pd.Series(np.where(index.dayofweek == 0, 60, 20), index=index)
    assert series_surges(series, "D", "路灯", recent=28, holidays=None) == []


def test_thin_series_and_holidays_are_not_tested():
    series = daily_counts(90, 1, seed=3, surge_at=85, surge_factor=7)
    assert series_surges(series, "D", "路灯", holidays=None) == []  # below min_count
    assert series_surges(series, "D", "路灯", min_count=1, holidays=None) != []
    index = pd.date_range("2024-08-03", periods=60, freq="D")  # 1 October 2024 is 国庆节, day 59
    values = np.full(60, 20)
    values[-1] = 80
    assert series_surges(pd.Series(values, index=index), "D", "x", holidays=None) != []
    assert series_surges(pd.Series(values, index=index), "D", "x", holidays="CN") == []


def test_no_surge_tested_without_enough_history():
    series = daily_counts(20, 20, seed=1, surge_at=19, surge_factor=4)
    assert series_surges(series, "D", "路灯", holidays=None) == []


def test_overdue_buildup_rising_above_its_usual_level():
    index = pd.date_range("2025-01-06", periods=12, freq="W-MON")
    rising = pd.Series([10, 11, 9, 10, 10, 11, 10, 9, 10, 14, 18, 25], index=index)
    hit = series_buildup(rising, "W", "路灯")
    assert hit == Buildup("路灯", None, index[-1], "W", 25, 10.0, 3, 8)
    assert "25" in buildup_message(hit).render("zh") and "3 weeks running" in buildup_message(hit).render("en")
    flat = rising.copy()
    flat.iloc[-2] = 26  # fell in the last week: not rising three weeks running
    assert series_buildup(flat, "W", "路灯") is None


def test_overdue_buildup_from_a_log():
    weeks = [5] * 12
    log = log_from_counts({("路灯", "A"): _weeks(weeks)}, due_days=2)
    late = log["opened"] >= pd.Timestamp("2025-03-10")  # the last three weeks' cases are never closed
    log.loc[late, "closed"] = pd.NaT
    found = buildups(log, "W", min_count=5)
    assert [(b.topic, b.count, b.rising) for b in found] == [("路灯", 15, 3)]


def test_a_surge_over_a_forecast_under_one_case_has_no_ratio():
    index = pd.date_range("2025-01-06", periods=20, freq="W-MON")
    series = pd.Series([3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40], index=index)
    (surge,) = series_surges(series, "W", "井盖")
    assert surge.expected < 1
    assert (
        surge_message(surge).render("zh").startswith("井盖：2025年5月19日当周受理 40 件，预测不足 1 件，95% 区间上限")
    )
    assert "less than one" in surge_message(surge).render("en") and "inf" not in surge_message(surge).render("en")


def test_a_topic_without_history_is_not_a_surge():
    index = pd.date_range("2025-01-06", periods=20, freq="W-MON")
    assert series_surges(pd.Series([0] * 19 + [40], index=index), "W", "井盖") == []


def test_the_count_matrix_agrees_with_the_long_counts():
    log = log_from_counts({("a", "A"): _weeks([5, 0, 2]), ("a", "B"): _weeks([1, 1, 0]), ("b", "A"): _weeks([0, 0, 4])})
    keys, periods, matrix = count_matrix(log, "W", ("topic", "area"))
    long = case_counts(log, "W", ("topic", "area"))
    for key, row in zip(keys, matrix, strict=True):
        expected = long[(long["topic"] == key[0]) & (long["area"] == key[1])]["count"].tolist()
        assert row.tolist() == expected
    assert sorted(keys) == [("a", "A"), ("a", "B"), ("b", "A")] and len(periods) == 3


def test_overview_alerts_carry_the_facts():
    series = daily_counts(120, 20, seed=0, surge_at=116, surge_factor=4.0)
    found = series_surges(series.iloc[:119], "D", "路灯", "朝阳区", holidays=None)
    alerts = overview_alerts(found, [], {"朝阳区": "110105"})
    assert [(a.kind, a.severity, a.region_code, a.value) for a in alerts] == [
        ("surge", "critical", "110105", float(found[0].count))
    ]
    assert alerts[0].message.render("zh").startswith("路灯（朝阳区）：2024年4月26日受理")


def test_the_overview_sorts_service_alerts_with_the_others():
    surge = series_surges(daily_counts(120, 20, seed=0, surge_at=116, surge_factor=2.0).iloc[:119], "D", "路灯",
                          holidays=None)  # fmt: skip
    index = pd.date_range("2025-01-06", periods=12, freq="W-MON")
    buildup = series_buildup(pd.Series([10] * 9 + [14, 18, 25], index=index), "W", "路灯")
    gap = Alert("gap", "warning", "gdp", "110000", None, None, "gap", Message("warning.gap_none"))
    alerts = sort_alerts([gap, *overview_alerts(surge, [buildup])])
    assert [a.kind for a in alerts] == ["surge", "overdue", "gap"]
    assert all(Message(f"overview.kind_{a.kind}") for a in alerts)


# --- hot topics ----------------------------------------------------------------------------------------------------


def test_hot_topic_wording_hand_checked():
    log = log_from_counts(
        {
            ("路灯", "A"): _weeks([10, 10, 10, 10, 10, 10, 10, 10, 24]),  # mean 10, then 24: 2.4 times
            ("噪音", "A"): _weeks([30, 30, 30, 30, 30, 30, 30, 30, 33]),  # 1.1 times: not hot
            ("井盖", "A"): _weeks([0, 0, 0, 0, 0, 0, 0, 0, 21]),  # new
        }
    )
    found = hot_topics(log)
    assert [h.topic for h in found] == ["井盖", "路灯"]
    assert found[1].message().render("zh") == "路灯 诉求本周 24 件，为近 8 周均值的 2.4 倍"
    assert found[1].message().render("en") == "路灯: 24 requests this week, 2.4 times the mean of the previous 8 weeks"
    assert found[0].message().render("zh") == "井盖 诉求本周 21 件，前 8 周没有"
    assert found[1].week == pd.Timestamp("2025-03-03")


def test_no_hot_topic_without_enough_weeks_or_cases():
    log = log_from_counts({("路灯", "A"): _weeks([1, 1, 1, 1, 1, 1, 1, 1, 10])})
    assert hot_topics(log) == []  # 10 times the mean, but only 10 cases
    assert hot_topics(log, weeks=9) == []


def test_topic_mix_keeps_the_top_topics_and_groups_the_rest():
    log = log_from_counts(
        {("a", "A"): _weeks([5, 5]), ("b", "A"): _weeks([3, 1]), ("c", "A"): _weeks([0, 2]), ("d", "A"): _weeks([1, 0])}
    )
    mix = topic_mix(log, top=2)
    first = mix[mix["period"] == pd.Timestamp("2025-01-06")]
    assert first[["topic", "count"]].values.tolist() == [["a", 5], ["b", 3], [OTHER, 1]]
    assert first["share"].sum() == pytest.approx(1.0)


# --- volume forecast -----------------------------------------------------------------------------------------------


def test_weekly_volume_forecast_by_topic_with_bands_and_accuracy():
    log = log_from_counts(
        {
            ("路灯", "A"): weekly_counts(30, 60, seed=1),
            ("噪音", "B"): weekly_counts(30, 6, seed=2),
            ("井盖", "A"): _weeks([1]),
        }
    )
    history = weekly_frame(log, top=2)
    assert list(pd.unique(history["unique_id"])) == [ALL, "路灯", "噪音"]  # the total, then the largest topics
    total = history[history["unique_id"] == ALL]["y"].to_numpy()
    parts = history[history["unique_id"] != ALL].groupby("ds")["y"].sum().to_numpy()
    assert (total >= parts).all() and total.sum() == parts.sum() + 1  # 井盖's one case is in the total only
    run = volume_forecast(log, h=6, top=2)
    fc = run.forecast
    assert fc.groupby("unique_id").size().to_dict() == {ALL: 6, "路灯": 6, "噪音": 6}
    assert (fc["combination-lo-95"] >= 0).all() and (fc["combination-lo-95"] <= fc["combination-lo-80"]).all()
    assert fc["mase"].notna().all() and (fc["backtest_points"] > 0).all()
    assert fc["ds"].min() == history["ds"].max() + pd.Timedelta(weeks=1)


def test_the_volume_forecast_backtests_only_what_it_shows():
    # The page reads the forecast and the delivered model's accuracy, never a leaderboard: the comparison models
    # (naive, drift…) are not backtested, and the forecast, bands and accuracy are those of the run with them.
    log = log_from_counts({("路灯", "A"): weekly_counts(30, 60, seed=1), ("噪音", "B"): weekly_counts(30, 6, seed=2)})
    run = volume_forecast(log, h=4, top=2)
    recipe, _ = default_recipe(season_length("W-MON"))
    shown = set(run.leaderboard["model"])  # seasonal naive cannot fit 30 weeks with a 52-week season: not shown
    assert "combination" in shown and shown <= {"combination", *recipe}
    compared = forecasting.run(weekly_frame(log, top=2), 4, freq=FREQ, counts=True, breaks=False)
    assert {"naive", "drift"} <= set(compared.leaderboard["model"])
    pd.testing.assert_frame_equal(run.forecast, compared.forecast)


def test_no_volume_forecast_for_a_short_log():
    assert volume_forecast(log_from_counts({("路灯", "A"): _weeks([5] * 5)})) is None
