"""Target status: every comparator, polarity and the 左右 band; published targets on real outturns; the targets file."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.targets import (
    TARGETS_FILE,
    TargetBook,
    TargetFileError,
    assess,
    load_target_config,
    load_targets,
    target_status,
)

NAT = "100000"
UP, DOWN, NEUTRAL = "higher_is_better", "lower_is_better", "neutral"


@pytest.fixture(scope="module")
def book():
    """The shipped targets: published ones read through indicators/targets.yaml (no office targets shipped)."""
    return load_targets()


def published(book: TargetBook, target_id: str, year: int):
    return next(t for t in book if t.id == target_id and t.year == year)


@pytest.mark.parametrize(
    ("comparator", "polarity", "target", "tolerance", "margin", "outturn", "final", "status", "side"),
    [
        # about (左右), higher is better: only falling short of the band is a miss
        ("about", UP, 5.0, 0.5, 0.5, 5.6, True, "on_track", None),
        ("about", UP, 5.0, 0.5, 0.5, 5.0, True, "on_track", None),
        ("about", UP, 5.0, 0.5, 0.5, 4.5, True, "on_track", None),
        ("about", UP, 5.0, 0.5, 0.5, 4.4, True, "off_track", "below"),
        ("about", UP, 5.0, 0.5, 0.5, 4.4, False, "at_risk", "below"),
        ("about", UP, 5.0, 0.5, 0.5, 4.0, False, "at_risk", "below"),
        ("about", UP, 5.0, 0.5, 0.5, 3.9, False, "off_track", "below"),
        # about, neutral (CPI): both sides of the band count
        ("about", NEUTRAL, 3.0, 1.0, 0.5, 0.2, True, "off_track", "below"),
        ("about", NEUTRAL, 3.0, 1.0, 0.5, 2.0, True, "on_track", None),
        ("about", NEUTRAL, 3.0, 1.0, 0.5, 4.0, True, "on_track", None),
        ("about", NEUTRAL, 3.0, 1.0, 0.5, 4.4, False, "at_risk", "above"),
        ("about", NEUTRAL, 3.0, 1.0, 0.5, 4.4, True, "off_track", "above"),
        ("about", NEUTRAL, 3.0, 0.0, 0.0, 3.0, True, "on_track", None),
        # about, lower is better (unemployment): only overshooting is a miss
        ("about", DOWN, 5.5, 0.2, 0.2, 4.0, True, "on_track", None),
        ("about", DOWN, 5.5, 0.2, 0.2, 5.7, True, "on_track", None),
        ("about", DOWN, 5.5, 0.2, 0.2, 5.8, False, "at_risk", "above"),
        ("about", DOWN, 5.5, 0.2, 0.2, 5.8, True, "off_track", "above"),
        # at_least (以上): the tolerance does not widen a hard floor; polarity does not matter
        ("at_least", UP, 6.0, 0.5, 0.5, 6.0, True, "on_track", None),
        ("at_least", UP, 6.0, 0.5, 0.5, 8.6, True, "on_track", None),
        ("at_least", UP, 6.0, 0.5, 0.5, 5.9, True, "off_track", "below"),
        ("at_least", UP, 6.0, 0.5, 0.5, 5.9, False, "at_risk", "below"),
        ("at_least", DOWN, 6.0, 0.0, 0.0, 7.0, True, "on_track", None),
        # at_most (以内)
        ("at_most", DOWN, 5.5, 0.0, 0.2, 5.5, True, "on_track", None),
        ("at_most", DOWN, 5.5, 0.0, 0.2, 5.6, False, "at_risk", "above"),
        ("at_most", DOWN, 5.5, 0.0, 0.2, 6.0, False, "off_track", "above"),
        ("at_most", UP, 3.0, 0.0, 0.0, 2.0, True, "on_track", None),
        # a missing outturn is no data, whatever the comparator
        ("about", UP, 5.0, 0.5, 0.5, None, True, "no_data", None),
        ("about", NEUTRAL, 3.0, 1.0, 0.5, math.nan, False, "no_data", None),
        ("at_least", UP, 1100.0, 0.0, 50.0, None, False, "no_data", None),
        ("at_most", DOWN, 5.5, 0.0, 0.2, math.nan, True, "no_data", None),
    ],
)
def test_assess(comparator, polarity, target, tolerance, margin, outturn, final, status, side):
    result = assess(outturn, target, comparator, polarity, tolerance, margin, final)
    assert result.status == status
    assert result.side == side
    if status == "no_data":
        assert result.shortfall is None
    elif status == "on_track":
        assert result.shortfall == 0.0
    else:
        assert result.shortfall > 0


def test_unknown_comparator_is_refused():
    with pytest.raises(ValueError, match="comparator"):
        assess(1.0, 1.0, "roughly", NEUTRAL)


def test_2022_gdp_missed_its_target(obs, book):
    status = target_status(published(book, "gdp_growth", 2022), obs)
    # The shipped NBS series carries the revised 2022 figure, 3.1% (first published as 3.0%).
    assert status.outturn.value == pytest.approx(3.1)
    assert status.outturn.period == pd.Timestamp("2022-10-01") and status.outturn.final
    assert status.target.wording["zh"] == "5.5%左右"
    assert status.status == "off_track" and status.side == "below"
    assert status.gap == pytest.approx(-2.4)


@pytest.mark.parametrize(
    ("target_id", "year", "outturn", "status"),
    [
        ("gdp_growth", 2021, 8.6, "on_track"),  # 6%以上
        ("gdp_growth", 2023, 5.4, "on_track"),  # 5%左右: above is not a miss
        ("gdp_growth", 2025, 5.0, "on_track"),
        ("cpi_yoy", 2023, 0.2, "off_track"),  # 3%左右 with 0.2%: off track, below
        ("cpi_yoy", 2022, 2.0, "on_track"),  # inside the 1-point band
        ("cpi_yoy", 2025, 0.0, "off_track"),
    ],
)
def test_published_targets_on_real_outturns(obs, book, target_id, year, outturn, status):
    result = target_status(published(book, target_id, year), obs)
    assert result.outturn.value == pytest.approx(outturn)
    assert result.outturn.final
    assert result.status == status


@pytest.mark.parametrize("target_id", ["surveyed_urban_unemployment", "new_urban_jobs"])
def test_targets_without_a_series_show_no_data(obs, book, target_id):
    years = [t.year for t in book if t.id == target_id]
    assert years == [2020, 2021, 2022, 2023, 2024, 2025]
    for year in years:
        result = target_status(published(book, target_id, year), obs)
        assert (result.status, result.outturn.value, result.gap, result.outturn.reason) == (
            "no_data",
            None,
            None,
            "no_series",
        )


def test_a_year_in_progress_is_judged_on_its_year_to_date_figure(obs, book):
    cut = obs[~((obs["indicator_id"] == "gdp_real_growth_ytd") & (obs["period"] >= "2022-10-01"))]
    status = target_status(published(book, "gdp_growth", 2022), cut)
    assert status.outturn.period == pd.Timestamp("2022-07-01") and not status.outturn.final
    assert status.outturn.value == pytest.approx(3.2)
    assert status.status == "off_track"  # 1.8 points short: more than the 0.5-point at-risk margin

    cut = obs[~((obs["indicator_id"] == "gdp_real_growth_ytd") & (obs["period"] >= "2024-10-01"))]
    stricter = dataclasses.replace(published(book, "gdp_growth", 2024), comparator="at_least", value=5.2)
    status = target_status(stricter, cut)
    assert status.outturn.value == pytest.approx(4.8)  # January–September 2024
    assert status.status == "at_risk" and status.shortfall == pytest.approx(0.4)


def test_a_part_year_amount_is_not_compared_with_a_year_target(obs, book):
    target = dataclasses.replace(
        published(book, "gdp_growth", 2025), indicator_id="retail_sales_ytd", year=2026, comparator="at_least"
    )
    status = target_status(target, obs)
    assert status.status == "no_data" and status.outturn.reason == "year_incomplete"


def test_card_lookup_uses_the_latest_target_on_file(book):
    assert book.for_card("gdp_real_growth_ytd", NAT, 2026).year == 2025
    assert book.for_card("cpi_yoy", NAT, 2023).id == "cpi_yoy"  # shown on the monthly CPI card …
    assert book.for_card("cpi_yoy", NAT, 2023).indicator_id == "cpi_ytd"  # … judged on the year-to-date CPI
    assert book.for_card("pmi_manufacturing", NAT, 2026) is None
    assert book.for_card("gdp_real_growth_ytd", NAT, 2019) is None
    assert book.value_of("cpi_yoy", NAT, 2025) == 2.0 and book.value_of("cpi_yoy", NAT, 2026) is None


# Line numbers of OFFICE_OK: office[0] is lines 4–10 (region 6, period 7, comparator 8); office[1] lines 11–18
# (indicator 12, region 13, comparator 15).
OFFICE_OK = """\
published:
  gdp_growth: {indicator: gdp_real_growth_ytd, tolerance: 0.5, at_risk_margin: 0.5}
office:
  - id: pmi_june
    indicator: pmi_manufacturing
    region: "100000"
    period: 2025-06
    comparator: at_least
    value: 50
    source: test
  - id: gd_revenue
    indicator: fiscal_revenue
    region: "440000"
    period: 2021
    comparator: about
    value: 14000
    tolerance: 200
    source: test
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_office_targets_are_read_and_judged(tmp_path, obs):
    config = load_target_config(write(tmp_path, OFFICE_OK))
    june, revenue = config.office
    assert june.period == pd.Timestamp("2025-06-01") and june.wording == {"zh": "50以上", "en": "at least 50"}
    status = target_status(june, obs)
    pmi = obs[(obs["indicator_id"] == "pmi_manufacturing") & (obs["period"] == "2025-06-01")]["value"].iloc[0]
    assert status.outturn.value == pmi and status.status == ("on_track" if pmi >= 50 else "off_track")
    status = target_status(revenue, obs)
    assert status.outturn.value == pytest.approx(14105.04) and status.status == "on_track"  # 14000 ± 200


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "problem"),
    [
        ('region: "440000"', "region: 440000", 13, "office[1].region", "is not of type 'string'"),
        ("indicator: fiscal_revenue", "indicator: fiscal_revenu", 12, "office[1].indicator", "not in the indicator"),
        ("    tolerance: 200\n", "", 15, "office[1].comparator", "needs a tolerance"),
        ("period: 2025-06", "period: 2025-6", 7, "office[0].period", "does not match"),
        ("period: 2025-06", "period: 2025Q2", 7, "office[0].period", "is a quarter but pmi_manufacturing is monthly"),
        ("comparator: at_least", "comparator: over", 8, "office[0].comparator", "is not one of"),
        ("id: gd_revenue", "id: pmi_june", 11, "office[1].id", "duplicate id"),
        ('region: "100000"', 'region: "999999"', 6, "office[0].region", "not a known region"),
    ],
)
def test_a_bad_office_entry_names_its_line_and_field(tmp_path, old, new, line, field, problem):
    assert old in OFFICE_OK
    with pytest.raises(TargetFileError) as caught:
        load_target_config(write(tmp_path, OFFICE_OK.replace(old, new, 1)))
    err = caught.value
    assert (err.line, err.field) == (line, field)
    assert problem in err.problem
    assert f"line {line}" in str(err) and field in str(err)


def test_broken_yaml_names_its_line(tmp_path):
    with pytest.raises(TargetFileError) as caught:
        load_target_config(write(tmp_path, OFFICE_OK.replace("    value: 50\n", "    value: [50\n")))
    assert caught.value.line is not None and "not valid YAML" in caught.value.problem


def test_the_shipped_targets_file_is_valid():
    config = load_target_config(TARGETS_FILE)
    assert set(config.published) == {"gdp_growth", "cpi_yoy", "surveyed_urban_unemployment", "new_urban_jobs"}
    assert config.office == []


def test_an_error_found_after_reading_names_the_file_that_was_read(tmp_path):
    # A copy of the shipped file without the reading of one published target: the published targets need it.
    text = TARGETS_FILE.read_text(encoding="utf-8")
    start, end = text.index("  new_urban_jobs:\n"), text.index("\n# office:")
    copy = write(tmp_path, text[:start] + text[end:])
    with pytest.raises(TargetFileError) as caught:
        load_targets(copy)
    err = caught.value
    assert err.field == "published.new_urban_jobs" and "no reading" in err.problem
    assert err.path == str(copy) and str(err).startswith(f"{copy}, field published.new_urban_jobs: ")
    assert str(TARGETS_FILE) not in str(err)


def test_jobs_target_reads_naturally_in_english(book):
    # 万人 after an English number: "10,000 persons", not "10 thousand persons".
    wording = published(book, "new_urban_jobs", 2024).wording
    assert "万人" in wording["zh"]
    assert wording["en"].endswith(" (10,000 persons)"), wording["en"]


def test_published_targets_cite_the_work_report_in_each_language(book):
    target = published(book, "gdp_growth", 2025)
    assert target.source == {"zh": "国务院《政府工作报告》2025", "en": "State Council, Government Work Report 2025"}
