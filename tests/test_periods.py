"""The one period module: canonical labels, the liberal parser of uploaded cells, and one display per language."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from common import periods
from common.periods import Period, PeriodError, Range, display, display_range, label, parse, parse_label
from common.text import Message


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- every spelling an upload accepts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2023", (ts("2023-01-01"), "A")),
        ("2023年", (ts("2023-01-01"), "A")),
        ("2023年度", (ts("2023-01-01"), "A")),
        (2023, (ts("2023-01-01"), "A")),
        (2023.0, (ts("2023-01-01"), "A")),
        ("2023Q1", (ts("2023-01-01"), "Q")),
        ("2023-q3", (ts("2023-07-01"), "Q")),
        ("2023年第一季度", (ts("2023-01-01"), "Q")),
        ("2023年四季度", (ts("2023-10-01"), "Q")),
        ("2023年2季度", (ts("2023-04-01"), "Q")),
        ("1Q 2026", (ts("2026-01-01"), "Q")),
        ("2023年3月", (ts("2023-03-01"), "M")),
        ("2023年12月份", (ts("2023-12-01"), "M")),
        ("2023-03", (ts("2023-03-01"), "M")),
        ("2023/3", (ts("2023-03-01"), "M")),
        ("2023M03", (ts("2023-03-01"), "M")),
        ("202303", (ts("2023-03-01"), "M")),
        ("２０２３年３月", (ts("2023-03-01"), "M")),
        ("2023-03-01", (ts("2023-03-01"), "M")),
        ("2023-03-31 00:00:00", (ts("2023-03-01"), "M")),
        ("2023年3月15日", (ts("2023-03-01"), "M")),
        (pd.Timestamp("2023-05-09").to_pydatetime(), (ts("2023-05-01"), "M")),
        ("2023年13月", None),
        ("去年", None),
        ("110000", None),
        ("", None),
        (None, None),
        ("2023-Q1", (ts("2023-01-01"), "Q")),
        ("2023.Q2", (ts("2023-04-01"), "Q")),
        ("2023年Q2", (ts("2023-04-01"), "Q")),
        ("2023第三季度", (ts("2023-07-01"), "Q")),
        ("Q4 2023", (ts("2023-10-01"), "Q")),
        ("4Q-2023", (ts("2023-10-01"), "Q")),
        ("２０２３年第１季度", (ts("2023-01-01"), "Q")),
        ("2023.3", (ts("2023-03-01"), "M")),
        ("2023m12", (ts("2023-12-01"), "M")),
        ("2023/3/1", (ts("2023-03-01"), "M")),
        (" 2023 年 3 月 ", (ts("2023-03-01"), "M")),
        (dt.date(2023, 11, 30), (ts("2023-11-01"), "M")),
        (True, None),
        ("2023年第五季度", None),
        ("1799", None),
        ("2023-02-30", None),
    ],
)
def test_parse_reads_every_spelling(cell, expected):
    assert parse(cell) == expected


def test_a_date_names_the_period_of_the_hinted_frequency():
    assert parse("2023-12-31", "A") == (ts("2023-01-01"), "A")
    assert parse("2023-08-15", "Q") == (ts("2023-07-01"), "Q")
    assert parse(dt.datetime(2023, 8, 15, 9, 30), "Q") == (ts("2023-07-01"), "Q")
    assert parse("2023Q3", "A") == (ts("2023-07-01"), "Q")  # a stated quarter stays a quarter


# --- canonical labels -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "freq", "expected"),
    [
        (ts("2023-07-01"), "A", "2023"),
        (ts("2023-07-01"), "Q", "2023Q3"),
        (ts("2023-09-30"), "Q", "2023Q3"),
        (ts("2023-03-31"), "M", "2023-03"),
        (pd.Period("2024Q4", freq="Q"), "Q", "2024Q4"),
        (dt.date(2024, 1, 5), "M", "2024-01"),
    ],
)
def test_label_and_its_strict_parse_round_trip(moment, freq, expected):
    assert label(moment, freq) == expected
    assert str(parse_label(expected, freq)) == expected
    assert parse(expected) == (periods.start(moment, freq), freq)


@pytest.mark.parametrize(
    ("text", "freq", "hint"),
    [("2026-1", "M", "did you mean '2026-01'"), ("2026-01", "A", "such as '2026'"), (2026, "A", "got 2026")],
)
def test_parse_label_is_strict(text, freq, hint):
    with pytest.raises(PeriodError, match=hint):
        parse_label(text, freq)


def test_an_unknown_frequency_is_refused():
    with pytest.raises(PeriodError, match="freq must be one of"):
        label(ts("2023-01-01"), "W")


def test_period_start():
    assert periods.start(ts("2023-11-17 13:00"), "Q") == ts("2023-10-01")
    assert periods.start(ts("2023-11-17"), "A") == ts("2023-01-01")
    assert periods.start(ts("2023-11-17"), "M") == ts("2023-11-01")


# --- one display form per language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "freq", "zh", "en"),
    [
        (ts("2025-01-01"), "A", "2025年", "2025"),
        (ts("2025-10-01"), "Q", "2025年第4季度", "2025 Q4"),
        (ts("2025-03-01"), "M", "2025年3月", "Mar 2025"),
        (ts("2025-12-31"), "M", "2025年12月", "Dec 2025"),
        ("2026Q1", "Q", "2026年第1季度", "2026 Q1"),
        ("2026-07", "M", "2026年7月", "Jul 2026"),
        (pd.Period("2027", freq="Y"), "A", "2027年", "2027"),
    ],
)
def test_display(period, freq, zh, en):
    assert (display(period, freq, "zh"), display(period, freq, "en")) == (zh, en)
    assert " " not in display(period, freq, "zh")  # no space between digits and characters


@pytest.mark.parametrize(
    ("first", "last", "freq", "zh", "en"),
    [
        ("2026", "2028", "A", "2026–2028年", "2026–2028"),
        ("2026Q1", "2027Q2", "Q", "2026年第1季度至2027年第2季度", "2026 Q1–2027 Q2"),
        ("2026-11", "2027-02", "M", "2026年11月至2027年2月", "Nov 2026–Feb 2027"),
        ("2026Q3", "2026Q3", "Q", "2026年第3季度", "2026 Q3"),
        (ts("2026-01-01"), ts("2026-12-31"), "A", "2026年", "2026"),
    ],
)
def test_display_range(first, last, freq, zh, en):
    assert display_range(first, last, freq, "zh") == zh
    assert display_range(first, last, freq, "en") == en
    assert Range(first, last, freq).render("en") == en


def test_a_period_is_a_fact_a_message_puts_into_words():
    period = Period(ts("2025-11-20"), "Q")
    assert period.first == ts("2025-10-01") and period.label == "2025Q4"
    message = Message("warning.gap", since=period, upto=Period("2026Q1", "Q"))
    assert message.render("zh") == "数据缺口：自2025年第4季度以来无数据（同一数据集已更新至2026年第1季度）。"
    assert message.render("en") == "Data gap: no data since 2025 Q4 (the dataset runs to 2026 Q1)."
