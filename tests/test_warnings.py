"""Warnings on the shipped series: threshold rules fire exactly where they should, anomalies and gaps are reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.kpi import load_headlines
from indicators.targets import load_targets
from indicators.warnings import (
    RULES_FILE,
    Alert,
    RuleFileError,
    anomaly_alert,
    current_alerts,
    dataset_latest,
    gap_alert,
    load_rules,
    sort_alerts,
    threshold_breaches,
)

NAT = "100000"


@pytest.fixture(scope="module")
def rules():
    """The shipped warning rules."""
    return load_rules()


@pytest.fixture(scope="module")
def book():
    """The shipped targets."""
    return load_targets()


def rule(rules, rule_id):
    return next(r for r in rules.thresholds if r.id == rule_id)


def series(obs, indicator_id, region=NAT) -> pd.DataFrame:
    return obs[(obs["indicator_id"] == indicator_id) & (obs["region_code"] == region)].reset_index(drop=True)


def test_exactly_the_months_with_pmi_below_50_are_flagged(obs, rules):
    pmi = series(obs, "pmi_manufacturing")
    hits = threshold_breaches(pmi, rule(rules, "pmi_manufacturing_contraction"))
    below = set(pmi.loc[pmi["value"] < 50, "period"])
    assert set(hits["period"]) == below
    assert len(below) == 67  # of 223 months in the shipped data
    at_fifty = set(pmi.loc[pmi["value"] == 50, "period"])
    assert at_fifty and not at_fifty & set(hits["period"])  # 50.0 is the line, not a contraction


def test_a_run_of_breaches_is_counted_and_escalates(obs, rules):
    hits = threshold_breaches(series(obs, "pmi_manufacturing"), rule(rules, "pmi_manufacturing_contraction"))
    run = hits.set_index("period").loc["2025-04-01":"2025-11-01", "streak"].tolist()
    assert run == [1, 2, 3, 4, 5, 6, 7, 8]  # April–November 2025, every month below 50
    upto = obs[obs["period"] <= "2025-11-01"]
    alert = next(a for a in current_alerts(upto, NAT, [], rules) if a.rule_id == "pmi_manufacturing_contraction")
    assert alert.streak == 8 and alert.severity == "critical"  # warning, escalated after 3 months
    assert "已连续8个月" in alert.message["zh"] and "8 months running" in alert.message["en"]


def test_cpi_above_the_year_target_fires_only_in_years_with_a_target(obs, rules, book):
    cpi = series(obs, "cpi_yoy")
    hits = threshold_breaches(cpi, rule(rules, "cpi_above_target"), book)
    expected = [
        p
        for p, v in zip(cpi["period"], cpi["value"], strict=True)
        if (t := book.value_of("cpi_yoy", NAT, p.year)) and v > t
    ]
    assert list(hits["period"]) == expected
    assert [str(p.date()) for p in expected] == ["2020-01-01", "2020-02-01", "2020-03-01"]  # 5.4, 5.2, 4.3 > 3.5
    assert threshold_breaches(cpi, rule(rules, "cpi_above_target")).empty  # no targets given: never fires


def test_no_rule_fires_on_a_missing_value(obs, rules):
    pmi = series(obs, "pmi_manufacturing")
    holed = pmi.copy()
    below = holed["value"] < 50
    holed.loc[below, "value"] = np.nan  # every contraction month is now a gap
    assert threshold_breaches(holed, rule(rules, "pmi_manufacturing_contraction")).empty
    # A missing latest month: the rule is judged on the last reported month, and the gap is reported.
    last = pmi["period"].max()
    holed = obs.copy()
    holed.loc[(holed["indicator_id"] == "pmi_manufacturing") & (holed["period"] == last), "value"] = np.nan
    alerts = current_alerts(holed, NAT, ["pmi_manufacturing"], rules)
    mine = [a for a in alerts if a.indicator_id == "pmi_manufacturing"]
    # June 2026 (50.3) is not a contraction, July is missing: the only thing to say is the gap.
    assert [a.kind for a in mine] == ["gap"]
    gap = mine[0]
    assert gap.period == pd.Timestamp("2026-06-01") and gap.indicator_id == "pmi_manufacturing"
    assert gap.message["zh"] == "数据缺口：自2026年6月以来无数据（同一数据集已更新至2026年7月）。"


def test_gaps_are_reported_as_gaps(obs, cat):
    latest = dataset_latest(obs, cat)
    assert latest[("cn_prov_panel", "A")] == pd.Timestamp("2022-01-01")
    fai = series(obs, "fixed_asset_investment", "440000").set_index("period")["value"]
    alert = gap_alert(fai, cat.get("fixed_asset_investment"), "440000", latest[("cn_prov_panel", "A")])
    assert (alert.kind, alert.period) == ("gap", pd.Timestamp("2021-01-01"))
    assert alert.message["en"] == "Data gap: no data since 2021 (the dataset runs to 2022)."
    gdp = series(obs, "gdp", "440000").set_index("period")["value"]
    assert gap_alert(gdp, cat.get("gdp"), "440000", latest[("cn_prov_panel", "A")]) is None
    empty = gap_alert(gdp.iloc[:0], cat.get("gdp"), "440000", latest[("cn_prov_panel", "A")])
    assert empty.period is None and "no data for this region" in empty.message["en"]


@pytest.mark.parametrize(("shift", "direction"), [(8.0, "above"), (-8.0, "below")])
def test_an_injected_anomaly_is_flagged_with_its_direction(obs, cat, rules, shift, direction):
    pmi = series(obs, "pmi_manufacturing").set_index("period")["value"].copy()
    clean_last = pmi.iloc[-1]
    pmi.iloc[-1] = clean_last + shift
    alert = anomaly_alert(pmi, cat.get("pmi_manufacturing"), NAT, rules.anomaly)
    assert alert is not None and alert.kind == "anomaly" and alert.direction == direction
    assert alert.expected_low < clean_last < alert.expected_high  # the real value lies in the expected range
    assert not alert.expected_low <= alert.value <= alert.expected_high
    word = {"above": "高于", "below": "低于"}[direction]
    assert f"{word}依据自身历史预期的区间" in alert.message["zh"] and direction in alert.message["en"]


def test_an_injected_jump_in_an_amount_is_flagged(obs, cat, rules):
    sales = series(obs, "retail_sales").set_index("period")["value"].copy()
    sales.iloc[-1] *= 1.5
    alert = anomaly_alert(sales, cat.get("retail_sales"), NAT, rules.anomaly)
    assert alert is not None and alert.direction == "above" and alert.severity == "critical"


def test_the_clean_national_headlines_are_not_anomalies(obs, cat, rules):
    for ind_id in load_headlines().national:
        values = series(obs, ind_id).set_index("period")["value"]
        assert anomaly_alert(values, cat.get(ind_id), NAT, rules.anomaly) is None, ind_id


def test_no_anomaly_verdict_on_a_missing_value(obs, cat, rules):
    pmi = series(obs, "pmi_manufacturing").set_index("period")["value"].copy()
    pmi.iloc[-1] = 80.0
    pmi.iloc[-2] = np.nan  # the naive model's input is missing …
    pmi.iloc[-13] = np.nan  # … and so is the seasonal-naive one's
    assert anomaly_alert(pmi, cat.get("pmi_manufacturing"), NAT, rules.anomaly) is None


def test_current_national_warnings(obs, rules, book):
    alerts = current_alerts(obs, NAT, list(load_headlines().national), rules, book)
    fired = [(a.kind, a.rule_id, str(a.period.date())) for a in alerts]
    # July 2026: both PMIs below 50 (49.2 and 49.0), nothing else crosses a line, no anomaly, no gap.
    assert fired == [
        ("threshold", "pmi_manufacturing_contraction", "2026-07-01"),
        ("threshold", "pmi_non_manufacturing_contraction", "2026-07-01"),
    ]
    assert alerts[0].message["zh"].startswith("制造业PMI低于荣枯线：2026年7月为49.2，低于50.0。")


def test_alerts_sort_most_severe_first():
    def alert(kind, severity, period):
        return Alert(kind, severity, "x", NAT, pd.Timestamp(period) if period else None, None, kind, {})

    mixed = [
        alert("gap", "notice", "2026-01-01"),
        alert("anomaly", "warning", "2026-07-01"),
        alert("threshold", "warning", "2026-06-01"),
        alert("threshold", "warning", "2026-07-01"),
        alert("anomaly", "critical", "2020-01-01"),
        alert("gap", "notice", None),
    ]
    order = [(a.severity, a.kind, a.period) for a in sort_alerts(mixed)]
    assert order == [
        ("critical", "anomaly", pd.Timestamp("2020-01-01")),
        ("warning", "threshold", pd.Timestamp("2026-07-01")),
        ("warning", "threshold", pd.Timestamp("2026-06-01")),
        ("warning", "anomaly", pd.Timestamp("2026-07-01")),
        ("notice", "gap", pd.Timestamp("2026-01-01")),
        ("notice", "gap", None),
    ]


def test_a_bad_rule_names_its_line_and_field(tmp_path):
    text = RULES_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "rules.yaml"
    bad.write_text(text.replace("indicator: ppi_yoy", "indicator: ppi_yoyy", 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(bad)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "indicator: ppi_yoy" in row)
    assert (caught.value.line, caught.value.field) == (line, "thresholds[4].indicator")
    bad.write_text(text.replace("when: below", "when: under", 1), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"line \d+, field thresholds\[0\]\.when: 'under' is not one of"):
        load_rules(bad)
