"""Kinds of rule a user writes, as a registry: each kind judges one region's series at its latest period.

``RULE_KINDS[kind](series, rule, context)`` returns a `Finding` or None. A new kind is one decorated function
(``@rule_kind("name", needs_value=True)``) and its words ``alerts.kind.<name>`` in common/strings/alerts.yaml.

* above / below: the latest value strictly above / below `value`.
* change_points / change_pct: the change from the previous reported period beyond `value` points / percent (either way).
* outside_band: the latest value outside the 95% band of the product's forecast from the history before it.
* target_red: the year's target for the indicator and region is off track (red on the Overview).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from alerts.findings import SEVERITIES, Finding, finite
from forecasting.registry import DEFAULT_CANDIDATES, DEFAULT_MODEL, models_needed
from forecasting.run import run
from indicators.metadata import Catalogue
from indicators.targets import TargetBook, target_status


@dataclass(frozen=True)
class UserRule:
    """A rule a user wrote (stored in alert_rules, one row per version)."""

    rule_id: str
    indicator_id: str
    regions: tuple[str, ...]
    kind: str
    value: float | None
    severity: str
    note: str = ""
    version: int = 1
    created_by: str = ""
    active: bool = True


@dataclass
class Context:
    """What a check reads: the observations, the catalogue and the targets (for target_red)."""

    obs: pd.DataFrame
    cat: Catalogue
    targets: TargetBook | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RuleKind:
    name: str
    judge: Callable[[pd.Series, UserRule, Context, str], Finding | None]
    needs_value: bool


RULE_KINDS: dict[str, RuleKind] = {}


def rule_kind(name: str, *, needs_value: bool) -> Callable:
    """Register a rule kind under `name` (the decorated function judges one region's reported series)."""

    def register(judge: Callable) -> Callable:
        RULE_KINDS[name] = RuleKind(name, judge, needs_value)
        return judge

    return register


class BadRule(ValueError):
    """A user rule that cannot be judged (unknown kind or severity, a missing value); a programming error."""


def check_rule(rule: UserRule, cat: Catalogue) -> None:
    """Raise BadRule unless the rule names a known indicator, kind and severity, and a value when its kind needs one."""
    if rule.kind not in RULE_KINDS:
        raise BadRule(f"unknown rule kind {rule.kind!r}; known: {', '.join(RULE_KINDS)}")
    if rule.severity not in SEVERITIES:
        raise BadRule(f"unknown severity {rule.severity!r}; known: {', '.join(SEVERITIES)}")
    if rule.indicator_id not in cat:
        raise BadRule(f"{rule.indicator_id!r} is not in the indicator catalogue")
    if RULE_KINDS[rule.kind].needs_value and finite(rule.value) is None:
        raise BadRule(f"a {rule.kind} rule needs a finite value; got {rule.value!r}")
    if not rule.regions:
        raise BadRule("a rule needs at least one region")


def _finding(rule: UserRule, region: str, period: pd.Timestamp, freq: str, value: float, **facts) -> Finding:
    return Finding(
        key=f"user:{rule.rule_id}:{region}",
        source="user",
        rule_id=rule.rule_id,
        condition=rule.kind,
        severity=rule.severity,
        indicator_id=rule.indicator_id,
        region_code=region,
        period=period.date().isoformat(),
        freq=freq,
        value=float(value),
        label={"zh": rule.note, "en": rule.note} if rule.note else {},
        **facts,
    )


@rule_kind("above", needs_value=True)
def _above(series: pd.Series, rule: UserRule, ctx: Context, region: str) -> Finding | None:
    latest = series.index.max()
    if series[latest] > rule.value:
        return _finding(rule, region, latest, ctx.cat.get(rule.indicator_id).freq, series[latest], line=rule.value)
    return None


@rule_kind("below", needs_value=True)
def _below(series: pd.Series, rule: UserRule, ctx: Context, region: str) -> Finding | None:
    latest = series.index.max()
    if series[latest] < rule.value:
        return _finding(rule, region, latest, ctx.cat.get(rule.indicator_id).freq, series[latest], line=rule.value)
    return None


def _change(series: pd.Series, rule: UserRule, ctx: Context, region: str, percent: bool) -> Finding | None:
    if len(series) < 2:
        return None
    latest, before = series.index[-1], series.index[-2]
    now, then = float(series[latest]), float(series[before])
    if percent and then == 0:
        return None  # a change from zero has no percentage
    change = (now / then - 1) * 100 if percent else now - then
    if abs(change) > rule.value:
        freq = ctx.cat.get(rule.indicator_id).freq
        return _finding(rule, region, latest, freq, now, line=rule.value, previous=then)
    return None


@rule_kind("change_points", needs_value=True)
def _change_points(series: pd.Series, rule: UserRule, ctx: Context, region: str) -> Finding | None:
    return _change(series, rule, ctx, region, percent=False)


@rule_kind("change_pct", needs_value=True)
def _change_pct(series: pd.Series, rule: UserRule, ctx: Context, region: str) -> Finding | None:
    return _change(series, rule, ctx, region, percent=True)


@rule_kind("outside_band", needs_value=False)
def _outside_band(series: pd.Series, rule: UserRule, ctx: Context, region: str) -> Finding | None:
    band = ctx.extra.get("bands", {}).get((rule.rule_id, region))
    latest = series.index.max()
    if band is None or band[0] != latest:
        return None  # no forecast (too short a history), or its step is not the latest period (a gap before it)
    value, (_, low, high) = float(series[latest]), band
    if low <= value <= high:
        return None
    return _finding(rule, region, latest, ctx.cat.get(rule.indicator_id).freq, value, low=low, high=high)


def forecast_bands(rule: UserRule, rows: pd.DataFrame, ctx: Context) -> dict:
    """The 95% band of the one-step forecast of each region's latest period from the history before it: one run of
    the product's forecast (the Forecast page's default model, or ``ctx.extra["band_model"]``) over all the rule's
    regions; a series that cannot be forecast has no band. Only the models the band needs are backtested (the
    candidates of ``auto``; none for the default): nobody reads a leaderboard here."""
    histories = []
    for region, group in rows.groupby("region_code"):
        group = group.sort_values("period").iloc[:-1]
        histories.append(pd.DataFrame({"unique_id": region, "ds": group["period"], "y": group["value"]}))
    if not histories:
        return {}
    model = ctx.extra.get("band_model", DEFAULT_MODEL)
    freq, models = ctx.cat.get(rule.indicator_id).freq, models_needed(model, DEFAULT_CANDIDATES)
    ahead = run(pd.concat(histories), 1, freq, (95,), model, models).forecast
    lo, hi = f"{model}-lo-95", f"{model}-hi-95"
    bands = {}
    for region, ds, low, high in zip(ahead["unique_id"], ahead["ds"], ahead[lo], ahead[hi], strict=True):
        if pd.notna(low) and pd.notna(high):
            bands[(rule.rule_id, region)] = (pd.Timestamp(ds), float(low), float(high))
    return bands


@rule_kind("target_red", needs_value=False)
def _target_red(series: pd.Series, rule: UserRule, ctx: Context, region: str) -> Finding | None:
    latest = series.index.max()
    book = ctx.targets or TargetBook([])
    for target in book.for_region(region, latest.year):
        if target.indicator_id != rule.indicator_id:
            continue
        status = target_status(target, ctx.obs, ctx.cat)
        if status.status == "off_track" and status.outturn.value is not None:
            period = status.outturn.period or latest
            freq = ctx.cat.get(rule.indicator_id).freq
            return _finding(rule, region, period, freq, status.outturn.value, line=target.value)
    return None


def judge(rule: UserRule, ctx: Context) -> list[Finding]:
    """Every region of the rule where it fires now (a region without a reported value never fires)."""
    rows = ctx.obs[(ctx.obs["indicator_id"] == rule.indicator_id) & ctx.obs["value"].notna()]
    rows = rows[rows["region_code"].isin(rule.regions)]
    if rule.kind == "outside_band":
        ctx.extra.setdefault("bands", {}).update(forecast_bands(rule, rows, ctx))
    found = []
    for region in rule.regions:
        series = rows.loc[rows["region_code"] == region].set_index("period")["value"].sort_index()
        if series.empty:
            continue
        finding = RULE_KINDS[rule.kind].judge(series, rule, ctx, region)
        if finding is not None:
            found.append(finding)
    return found
