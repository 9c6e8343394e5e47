"""common/numbers.py: short numbers on axes and legends, 万 / 亿 in Chinese and k / M / bn in English."""

from __future__ import annotations

import pytest

from common.numbers import axis_ticks, nice_ticks, scales, short_labels


@pytest.mark.parametrize(
    ("values", "zh", "en"),
    [
        ([0, 20_000, 40_000, 60_000], ["0", "2万", "4万", "6万"], ["0", "20k", "40k", "60k"]),
        ([50_000, 100_000, 150_000], ["5万", "10万", "15万"], ["50k", "100k", "150k"]),
        ([0, 5e7, 1e8, 1.5e8], ["0", "0.5亿", "1亿", "1.5亿"], ["0", "50M", "100M", "150M"]),
        ([1e9, 2e9, 3e9], ["10亿", "20亿", "30亿"], ["1bn", "2bn", "3bn"]),
        ([2e12, 4e12], ["2万亿", "4万亿"], ["2trn", "4trn"]),
        ([1_000, 2_000, 3_000], ["1,000", "2,000", "3,000"], ["1k", "2k", "3k"]),
        # 0.25万 reads worse than 2,500: a scale that needs more than one decimal gives way to the next smaller one
        (
            [0, 2_500, 5_000, 7_500, 10_000],
            ["0", "2,500", "5,000", "7,500", "10,000"],
            ["0", "2.5k", "5k", "7.5k", "10k"],
        ),
        ([-20_000, 0, 20_000], ["-2万", "0", "2万"], ["-20k", "0", "20k"]),
        ([0, 2, 4, 6], ["0", "2", "4", "6"], ["0", "2", "4", "6"]),
        ([-0.05, 0, 0.05, 0.1], ["-0.05", "0", "0.05", "0.10"], ["-0.05", "0", "0.05", "0.10"]),
    ],
)
def test_short_labels_in_both_languages(values, zh, en):
    assert short_labels(values, "zh") == zh
    assert short_labels(values, "en") == en


def test_one_scale_for_the_whole_axis():
    # 5,000 would be 5k alone; beside 15k it is on the same scale, as is 0.5万 beside 1.5万
    assert short_labels([5_000, 10_000, 15_000], "zh") == ["0.5万", "1万", "1.5万"]
    assert short_labels([5_000, 10_000, 15_000], "en") == ["5k", "10k", "15k"]


def test_legend_bounds_round_by_at_most_the_tolerance():
    assert short_labels([51_234.5, 123_456.7], "zh", tolerance=0.005, max_decimals=2) == ["5.1万", "12.3万"]
    assert short_labels([51_734.5, 123_456.7], "zh", tolerance=0.005, max_decimals=2) == ["5.17万", "12.35万"]
    assert short_labels([1_234.5, 23_456.7], "en", tolerance=0.005, max_decimals=2) == ["1.23k", "23.46k"]


@pytest.mark.parametrize(
    ("lo", "hi", "ticks"),
    [
        (0, 45_000, [0, 10_000, 20_000, 30_000, 40_000, 50_000]),
        (18_000, 290_000, [0, 50_000, 100_000, 150_000, 200_000, 250_000, 300_000]),  # 100k steps: 2 ticks inside
        (12_000, 160_000, [0, 50_000, 100_000, 150_000, 200_000]),
        (5.2, 5.3, [5.2, 5.225, 5.25, 5.275, 5.3]),
        (-3, 12, [-5, 0, 5, 10, 15]),
        (7, 7, [6, 8]),  # a flat line still gets ticks around it
    ],
)
def test_nice_ticks_cover_the_range_in_round_steps(lo, hi, ticks):
    assert nice_ticks(lo, hi) == ticks
    assert nice_ticks(lo, hi)[0] <= lo and nice_ticks(lo, hi)[-1] >= hi


def test_axis_ticks_pair_values_and_labels_and_the_scale_words_come_from_the_strings():
    assert axis_ticks(0, 1.6e8, "zh") == ([0, 5e7, 1e8, 1.5e8, 2e8], ["0", "0.5亿", "1亿", "1.5亿", "2亿"])
    assert [word for _, word in scales("zh")] == ["万亿", "亿", "万"]
    assert [word for _, word in scales("en")] == ["trn", "bn", "M", "k"]
    assert nice_ticks(float("nan"), 1) == [] and short_labels([], "zh") == []
