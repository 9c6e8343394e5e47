"""Where warnings come from, as a registry: each source turns the observations into findings.

``SOURCES[name](context, indicator_ids)`` returns the findings of that source among `indicator_ids` (None: all).
Registered here: the Overview's threshold rules (indicators/warning_rules.yaml), statistical anomalies, and the
rules users write (alerts/kinds.py, read from the store by the caller and passed in ``context.extra["user_rules"]``).
Another package plugs in its own (service-delivery surges, say) with ``@warning_source("surge")`` at import time;
a source that raises is reported by the check and skipped, so one broken source never hides the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from alerts.findings import Finding, finite
from alerts.kinds import Context, judge
from indicators.warnings import RuleSet, anomaly_alert, threshold_breaches

SourceFn = Callable[[Context, "frozenset[str] | None"], list[Finding]]
SOURCES: dict[str, SourceFn] = {}


def warning_source(name: str) -> Callable[[SourceFn], SourceFn]:
    """Register a source of warnings under `name`."""

    def register(fn: SourceFn) -> SourceFn:
        SOURCES[name] = fn
        return fn

    return register


def _wanted(indicator_id: str, indicator_ids: Iterable[str] | None) -> bool:
    return indicator_ids is None or indicator_id in indicator_ids


def _latest_only(rows: pd.DataFrame) -> pd.DataFrame:
    """Each region's rows at its latest reported period."""
    latest = rows.groupby("region_code")["period"].transform("max")
    return rows[rows["period"] == latest]


@warning_source("threshold")
def threshold_findings(ctx: Context, indicator_ids: frozenset[str] | None) -> list[Finding]:
    """A YAML threshold rule breached at a region's latest reported period (the Overview's rule, every region)."""
    rules: RuleSet | None = ctx.extra.get("ruleset")
    found = []
    for rule in rules.thresholds if rules else ():
        if not _wanted(rule.indicator_id, indicator_ids) or rule.indicator_id not in ctx.cat:
            continue
        rows = ctx.obs[(ctx.obs["indicator_id"] == rule.indicator_id) & ctx.obs["value"].notna()]
        if rule.regions is not None:
            rows = rows[rows["region_code"].isin(rule.regions)]
        if rows.empty:
            continue
        latest = _latest_only(rows)[["region_code", "period"]]
        hits = threshold_breaches(rows, rule, ctx.targets).merge(latest, on=["region_code", "period"])
        ind = ctx.cat.get(rule.indicator_id)
        for hit in hits.itertuples(index=False):
            severity = rule.severity
            if rule.escalate_after and hit.streak >= rule.escalate_after:
                severity = {"notice": "warning", "warning": "critical"}.get(severity, severity)
            found.append(
                Finding(
                    key=f"threshold:{rule.id}:{hit.region_code}",
                    source="threshold",
                    rule_id=rule.id,
                    condition=rule.when,
                    severity=severity,
                    indicator_id=rule.indicator_id,
                    region_code=hit.region_code,
                    period=hit.period.date().isoformat(),
                    freq=ind.freq,
                    value=float(hit.value),
                    line=finite(hit.threshold),
                    label=dict(rule.label),
                )
            )
    return found


@warning_source("anomaly")
def anomaly_findings(ctx: Context, indicator_ids: frozenset[str] | None) -> list[Finding]:
    """The latest value of a series outside what its own history predicts (indicators/anomaly.py)."""
    rules: RuleSet | None = ctx.extra.get("ruleset")
    if rules is None or not rules.anomaly:
        return []
    wanted = ctx.obs[[_wanted(i, indicator_ids) and i in ctx.cat for i in ctx.obs["indicator_id"]]]
    found = []
    for (indicator_id, region), rows in wanted.groupby(["indicator_id", "region_code"], sort=True):
        ind = ctx.cat.get(indicator_id)
        alert = anomaly_alert(rows.set_index("period")["value"].sort_index(), ind, region, rules.anomaly)
        if alert is None:
            continue
        period = alert.period.date().isoformat()
        found.append(
            Finding(
                key=f"anomaly:{indicator_id}:{region}:{period}",
                source="anomaly",
                rule_id="anomaly",
                condition="anomaly",
                severity=alert.severity,
                indicator_id=indicator_id,
                region_code=region,
                period=period,
                freq=ind.freq,
                value=float(alert.value),
                low=finite(alert.expected_low),
                high=finite(alert.expected_high),
            )
        )
    return found


@warning_source("user")
def user_findings(ctx: Context, indicator_ids: frozenset[str] | None) -> list[Finding]:
    """The rules users wrote, each judged in its regions."""
    found = []
    for rule in ctx.extra.get("user_rules", ()):
        if rule.active and _wanted(rule.indicator_id, indicator_ids):
            found += judge(rule, ctx)
    return found
