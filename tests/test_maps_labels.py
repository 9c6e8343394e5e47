"""Map wording and number formats in both languages."""

from __future__ import annotations

import pytest

from common.text import UnsupportedLanguage, render
from indicators.metadata import catalogue
from maps.labels import cell_width, footer, interval, legend_intervals, number, with_unit, wrap


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "lang", "shown"),
    [
        (129118.6, 1, "亿元", "zh", "129,118.6亿元"),
        (129118.6, 1, "100 million yuan", "en", "129,118.6 100 million yuan"),
        (3.14159, 2, "%", "en", "3.14%"),
        (0.98466, 4, "index (0–1)", "en", "0.9847 index (0–1)"),
        (float("nan"), 1, "亿元", "zh", "无数据"),
        (None, 1, "yuan", "en", "no data"),
    ],
)
def test_value_with_unit(value, decimals, unit, lang, shown):
    assert with_unit(value, decimals, unit, lang) == shown


def test_interval_collapses_when_both_ends_round_alike():
    assert interval(2132.6, 15901.04, 1) == "2,132.6 – 15,901.0"
    assert interval(4.0, 4.0, 0) == "4"


def test_legend_intervals_use_the_languages_scale_words_once_the_bounds_reach_them():
    bounds = [(52_000.0, 73_000.0), (73_000.0, 120_000.0)]
    assert legend_intervals(bounds, 1, "zh") == ["5.2万 – 7.3万", "7.3万 – 12万"]
    assert legend_intervals(bounds, 1, "en") == ["52k – 73k", "73k – 120k"]
    # small numbers (rates) and bounds a scale word would round too far keep the indicator's decimals
    assert legend_intervals([(0.5, 3.2), (3.2, 7.7)], 1, "zh") == ["0.5 – 3.2", "3.2 – 7.7"]
    assert legend_intervals([(2132.6, 15901.04), (15901.04, 29000.0)], 1, "zh") == [
        "2,132.6 – 15,901.0",
        "15,901.0 – 29,000.0",
    ]


def test_a_gap_reads_no_data_and_an_unknown_language_is_refused():
    assert number(float("nan"), 2, "en") == "no data" and number(None, 2, "zh") == "无数据"
    with pytest.raises(UnsupportedLanguage):
        number(float("nan"), 2, "fr")
    assert render("choropleth.title", "zh", name="地区生产总值", year=2024) == "地区生产总值（2024年）"


def test_footer_cites_the_data_with_its_date_and_the_boundaries_plainly():
    lines = footer(catalogue().get("egdi"), "boundaries_echarts", "en", year=2024)
    assert lines[0] == "Source: UN DESA, United Nations E-Government Survey · Data to 2024"
    assert lines[1] == (
        "Boundaries: ECharts maps of China's provinces and the world's countries"
        " (drawn to China's boundary conventions)"
    )
    assert not any(word in " ".join(lines) for word in ("pyecharts", "MIT", "licence", "commit"))


@pytest.mark.parametrize(
    "line, width, pieces",
    [
        ("Data: a b c", 40, ["Data: a b c"]),
        ("Data: National Bureau of Statistics", 16, ["Data: National", "Bureau of", "Statistics"]),
        ("数据：国家统计局（国家数据）", 12, ["数据：国家统", "计局（国家数", "据）"]),  # a CJK character: 2 cells
        ("边界：pyecharts-assets · MIT", 20, ["边界：pyecharts-asse", "ts · MIT"]),
        ("", 10, []),
    ],
)
def test_wrap_breaks_at_spaces_else_anywhere_within_the_width(line, width, pieces):
    assert wrap(line, width) == pieces
    assert all(cell_width(piece) <= width for piece in pieces)
