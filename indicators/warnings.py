"""Early warnings, each with a `Message` saying why: threshold rules from YAML, statistical anomalies, data gaps.

* Threshold rules (warning_rules.yaml): a reported value strictly below / above a fixed line or the year's target.
  A run of consecutive breaches can raise the severity one level.
* Anomalies (indicators/anomaly.py): the latest value outside the range its own history predicts.
* Gaps: a series whose last reported period is older than the newest period of its dataset ("no data since …").

No rule fires on a missing value. Alerts sort most severe first (critical, warning, notice), then thresholds before
anomalies before gaps, then the most recent first. The words are ``warning.*`` in common/strings/warning.yaml; an
alert's message holds the facts (values, periods, the line crossed) and renders in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from common.periods import Period
from common.text import Message
from data import FLAG, PRELIMINARY
from indicators.anomaly import check_latest
from indicators.kpi import STEP
from indicators.metadata import Catalogue, Indicator, catalogue
from indicators.targets import TargetBook
from indicators.yamlfile import ConfigFileError, line_of, load_schema, load_with_lines, validate

HERE = Path(__file__).resolve().parent
RULES_FILE = HERE / "warning_rules.yaml"
SCHEMA_FILE = HERE / "warning_rules_schema.yaml"
SEVERITY_RANK = {"critical": 3, "warning": 2, "notice": 1}
ESCALATE = {"notice": "warning", "warning": "critical", "critical": "critical"}
KIND_ORDER = {"threshold": 0, "anomaly": 1, "surge": 2, "overdue": 3, "gap": 4}  # surge, overdue: services.signals


class RuleFileError(ConfigFileError):
    """warning_rules.yaml is wrong; names the line and field."""


@dataclass(frozen=True)
class ThresholdRule:
    """A line a reported value must not cross (fixed, or the year's target of `threshold_target`)."""

    id: str
    indicator_id: str
    when: str  # "below" or "above"
    severity: str
    label: dict[str, str]
    why: dict[str, str]
    threshold: float | None = None
    threshold_target: str | None = None
    escalate_after: int | None = None
    regions: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RuleSet:
    """Threshold rules and the anomaly settings (k, critical_k, window and min_history per frequency)."""

    thresholds: tuple[ThresholdRule, ...]
    anomaly: dict


@dataclass(frozen=True)
class Alert:
    """One warning: what fired, where, when, and why (``message.render(lang)`` or ``message[lang]``)."""

    kind: str  # "threshold", "anomaly" or "gap"
    severity: str
    indicator_id: str
    region_code: str
    period: pd.Timestamp | None
    value: float | None
    rule_id: str
    message: Message
    direction: str | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    score: float | None = None
    streak: int | None = None


def load_rules(path: Path | None = None, cat: Catalogue | None = None) -> RuleSet:
    """Read and check the warning rules.

    Raises:
        RuleFileError: the file breaks its schema or names an unknown indicator; the message gives line and field.
    """
    path = Path(path or RULES_FILE)
    cat = cat or catalogue()
    raw, lines = load_with_lines(path, RuleFileError)
    validate(raw, lines, load_schema(SCHEMA_FILE), path, RuleFileError)
    rules = []
    for i, entry in enumerate(raw["thresholds"]):
        if entry["indicator"] not in cat:
            where = ("thresholds", i, "indicator")
            problem = f"{entry['indicator']!r} is not in the indicator catalogue"
            raise RuleFileError(path, line_of(lines, where), f"thresholds[{i}].indicator", problem)
        fields = {k: v for k, v in entry.items() if k not in ("indicator", "regions")}
        regions = tuple(entry["regions"]) if "regions" in entry else None
        rules.append(ThresholdRule(indicator_id=entry["indicator"], regions=regions, **fields))
    return RuleSet(tuple(rules), raw["anomaly"])


def _number(value: float, ind: Indicator) -> str | Message:
    """A value in the indicator's decimals and unit (a percentage or an index reads the same in both languages)."""
    text = f"{value:,.{ind.decimals}f}"
    if ind.short_unit == "%":
        return f"{text}%"
    if ind.kind == "index":
        return text
    return Message("warning.amount", value=text, unit=ind.unit)


def threshold_breaches(rows: pd.DataFrame, rule: ThresholdRule, targets: TargetBook | None = None) -> pd.DataFrame:
    """Every reported period where `rule` fires, with the line crossed and the run of consecutive breaches.

    Args:
        rows: observations (only the rule's indicator, in the rule's regions if it names any, is used).
        rule: the rule.
        targets: needed for rules whose line is a target; a period whose year has no target never fires.

    Returns:
        ``region_code, period, value, threshold, streak`` (streak = consecutive periods in breach up to this one).
    """
    mine = rows[(rows["indicator_id"] == rule.indicator_id) & rows["value"].notna()]
    if rule.regions is not None:
        mine = mine[mine["region_code"].isin(rule.regions)]
    mine = mine.sort_values(["region_code", "period"]).copy()
    if rule.threshold_target is not None:
        book = targets or TargetBook([])
        mine["threshold"] = [
            book.value_of(rule.threshold_target, r, p.year)
            for r, p in zip(mine["region_code"], mine["period"], strict=True)
        ]
        mine["threshold"] = pd.to_numeric(mine["threshold"], errors="coerce")
    else:
        mine["threshold"] = float(rule.threshold)
    fired = mine["value"] < mine["threshold"] if rule.when == "below" else mine["value"] > mine["threshold"]
    hits = mine.loc[fired.fillna(False), ["region_code", "period", "value", "threshold", "freq"]]
    streaks = []
    for _, group in hits.groupby("region_code", sort=False):
        run, before = 0, None
        for period, freq in zip(group["period"], group["freq"], strict=True):
            # A run continues only into the very next period: a gap or a period without breach ends it.
            run = run + 1 if before is not None and before + STEP[freq] == period else 1
            before = period
            streaks.append(run)
    hits = hits.drop(columns="freq").reset_index(drop=True)
    hits["streak"] = streaks
    return hits


def _threshold_alert(rule: ThresholdRule, hit: pd.Series, ind: Indicator) -> Alert:
    severity, streak = rule.severity, int(hit["streak"])
    if rule.escalate_after and streak >= rule.escalate_after:
        severity = ESCALATE[severity]
    line = _number(hit["threshold"], ind)
    if rule.threshold_target:
        line = Message("warning.target_line", line=line, year=hit["period"].year)
    message = Message(
        "warning.threshold",
        label=rule.label,
        when=Period(hit["period"], ind.freq),
        value=_number(hit["value"], ind),
        cross=Message(f"warning.{rule.when}"),
        line=line,
        run=Message(f"warning.run.{ind.freq}", n=streak) if streak > 1 else "",
        why=rule.why,
    )
    return Alert(
        "threshold",
        severity,
        ind.id,
        hit["region_code"],
        hit["period"],
        float(hit["value"]),
        rule.id,
        message,
        direction=rule.when,
        streak=streak,
    )


def anomaly_alert(series: pd.Series, ind: Indicator, region_code: str, settings: dict) -> Alert | None:
    """An alert when the latest value of `series` (indexed by period) is outside its expected range, else None."""
    check = check_latest(
        series,
        ind.freq,
        ind.kind == "level",
        settings["k"],
        settings["window"][ind.freq],
        settings["min_history"][ind.freq],
        ind.decimals,
    )
    if check is None or not check.flagged:
        return None
    severity = "critical" if abs(check.score) > settings["critical_k"] else "warning"
    message = Message(
        "warning.anomaly",
        when=Period(check.period, ind.freq),
        value=_number(check.value, ind),
        direction=Message(f"warning.{check.direction}"),
        low=_number(check.low, ind),
        high=_number(check.high, ind),
        model=Message(f"warning.model.{check.model}"),
        z=f"{abs(check.score):.1f}",
    )
    return Alert(
        "anomaly",
        severity,
        ind.id,
        region_code,
        check.period,
        check.value,
        "anomaly",
        message,
        direction=check.direction,
        expected_low=check.low,
        expected_high=check.high,
        score=check.score,
    )


def dataset_latest(obs: pd.DataFrame, cat: Catalogue) -> dict[tuple[str, str], pd.Timestamp]:
    """The newest reported period of each (dataset, frequency): what an up-to-date series should reach.

    Preliminary figures do not count: a release that gives one early figure (GDP per capita 2025) does not leave
    its other series behind.
    """
    reported = obs[obs["value"].notna()]
    if FLAG in reported.columns:
        reported = reported[reported[FLAG] != PRELIMINARY]
    last = reported.groupby(["indicator_id", "freq"])["period"].max().reset_index()
    last["source"] = [cat.get(i).source if i in cat else None for i in last["indicator_id"]]
    return {(s, f): p for (s, f), p in last.groupby(["source", "freq"])["period"].max().items()}


def gap_alert(series: pd.Series, ind: Indicator, region_code: str, expected: pd.Timestamp | None) -> Alert | None:
    """An alert when the series stops before `expected` (the dataset's newest period) or has no value at all."""
    reported = series.dropna()
    if reported.empty:
        return Alert("gap", "notice", ind.id, region_code, None, None, "gap", Message("warning.gap_none"))
    last = reported.index.max()
    if expected is None or last >= expected:
        return None
    message = Message("warning.gap", since=Period(last, ind.freq), upto=Period(expected, ind.freq))
    return Alert("gap", "notice", ind.id, region_code, last, float(reported[last]), "gap", message)


def sort_alerts(alerts: list[Alert]) -> list[Alert]:
    """Most severe first; then thresholds, anomalies, gaps; then the most recent."""

    def key(a: Alert):
        recent = -a.period.value if a.period is not None else 0
        return (-SEVERITY_RANK[a.severity], KIND_ORDER[a.kind], recent, a.indicator_id)

    return sorted(alerts, key=key)


def current_alerts(
    obs: pd.DataFrame,
    region_code: str,
    indicator_ids: list[str],
    rules: RuleSet,
    targets: TargetBook | None = None,
    cat: Catalogue | None = None,
) -> list[Alert]:
    """What needs attention now in one region: every threshold rule on its series' latest value, and anomaly and
    gap checks on `indicator_ids` (plus the rules' indicators), most severe first."""
    cat = cat or catalogue()
    here = obs[obs["region_code"] == region_code]
    alerts = []
    for rule in rules.thresholds:
        rows = here[here["indicator_id"] == rule.indicator_id]
        reported = rows.loc[rows["value"].notna(), "period"]
        if reported.empty:
            continue
        hits = threshold_breaches(rows, rule, targets)
        latest = hits[hits["period"] == reported.max()]
        if len(latest):
            alerts.append(_threshold_alert(rule, latest.iloc[0], cat.get(rule.indicator_id)))
    expected = dataset_latest(obs, cat)
    checked = list(dict.fromkeys([*indicator_ids, *(r.indicator_id for r in rules.thresholds)]))
    for ind_id in checked:
        ind = cat.get(ind_id)
        series = here.loc[here["indicator_id"] == ind_id].set_index("period")["value"]
        if series.empty and ind_id not in indicator_ids:
            continue  # a rule's indicator the region does not report at all is not this region's gap
        for alert in (
            anomaly_alert(series, ind, region_code, rules.anomaly) if len(series) else None,
            gap_alert(series, ind, region_code, expected.get((ind.source, ind.freq))),
        ):
            if alert is not None:
                alerts.append(alert)
    return sort_alerts(alerts)
