"""Helpers of the Alerts page and the Admin page's delivery section: tables in the reader's language and the choices
the forms offer. Text from the store (notes, addresses) goes into dataframe cells, never into Markdown."""

from __future__ import annotations

import pandas as pd

from alerts.book import Subscription
from alerts.channels import masked
from alerts.config import Settings
from alerts.deliver import Failure
from alerts.kinds import UserRule
from alerts.ledger import WarningRow
from alerts.messages import amount, threshold_text
from common.periods import Period
from data.regions import RegionRegistry
from indicators.metadata import Catalogue
from indicators.warnings import RuleSet
from ui.i18n import t

STAMP = "%Y-%m-%d %H:%M"


def rule_names(ruleset: RuleSet, user_rules: list[UserRule], cat: Catalogue, lang: str) -> dict[str, str]:
    """Every rule one can subscribe to, by id: the built-in thresholds, the anomaly check, the users' rules."""
    names = {r.id: t("alerts.rule_builtin", lang, rule=r.label[lang]) for r in ruleset.thresholds}
    names["anomaly"] = t("alerts.rule_anomaly", lang)
    for rule in user_rules:
        what = t(f"alerts.kind_{rule.kind}", lang)
        names[rule.rule_id] = f"{cat.get(rule.indicator_id).name[lang]} · {what} · {rule.note or rule.rule_id}"
    return names


def history_table(rows: list[WarningRow], cat: Catalogue, regions: RegionRegistry, rules: dict[str, str],
                  lang: str) -> pd.DataFrame:  # fmt: skip
    """One row per warning: what, where, the figure and threshold, when raised, messages sent and owed, who
    acknowledged it and when, when it cleared."""
    records = []
    for row in rows:
        f = row.finding
        indicator = cat.get(f.indicator_id).name[lang] if f.indicator_id in cat else f.indicator_id
        ack = t("alerts.ack_by", lang, user=row.acknowledged_by, at=row.acknowledged_at.strftime(STAMP)) if (
            row.acknowledged_at) else ""  # fmt: skip
        records.append({
            t("alerts.col_id", lang): row.id,
            t("alerts.col_severity", lang): t(f"alerts.severity_{f.severity}", lang),
            t("alerts.col_indicator", lang): indicator,
            t("alerts.col_region", lang): regions.name(f.region_code, lang),
            t("alerts.col_period", lang): Period(f.when, f.freq).render(lang),
            t("alerts.col_value", lang): amount(f.value, f.indicator_id, cat, lang),
            t("alerts.col_threshold", lang): threshold_text(f, cat, lang),
            t("alerts.col_rule", lang): (f.label or {}).get(lang) or rules.get(f.rule_id, f.rule_id),
            t("alerts.col_raised", lang): row.raised_at.strftime(STAMP),
            t("alerts.col_sent", lang): row.sent,
            t("alerts.col_owed", lang): row.owed,
            t("alerts.col_acknowledged", lang): ack,
            t("alerts.col_cleared", lang): row.cleared_at.strftime(STAMP) if row.cleared_at else "",
        })  # fmt: skip
    return pd.DataFrame(records)


def target_label(sub: Subscription, cat: Catalogue, regions: RegionRegistry, rules: dict[str, str], lang: str) -> str:
    """What a subscription is to, in words."""
    kind = t(f"alerts.target_kind_{sub.target_kind}", lang)
    if sub.target_kind == "indicator":
        return f"{kind}: {cat.get(sub.target).name[lang] if sub.target in cat else sub.target}"
    if sub.target_kind == "region":
        return f"{kind}: {regions.name(sub.target, lang)}"
    if sub.target_kind == "rule":
        return f"{kind}: {rules.get(sub.target, sub.target)}"
    return kind


def subscriptions_table(subs: list[Subscription], cat: Catalogue, regions: RegionRegistry, rules: dict[str, str],
                        lang: str) -> pd.DataFrame:  # fmt: skip
    """The user's subscriptions; robot and webhook URLs shown only to their host (they carry tokens)."""
    return pd.DataFrame({
        t("alerts.col_id", lang): [s.id for s in subs],
        t("alerts.col_target", lang): [target_label(s, cat, regions, rules, lang) for s in subs],
        t("alerts.col_mode", lang): [t(f"alerts.mode_{s.mode}", lang) for s in subs],
        t("alerts.col_channel", lang): [t(f"alerts.channel_{s.channel}", lang) for s in subs],
        t("alerts.col_address", lang): [masked(s.address) for s in subs],
        t("alerts.col_lang", lang): [s.lang for s in subs],
    })  # fmt: skip


def rules_table(rules: list[UserRule], cat: Catalogue, regions: RegionRegistry, lang: str) -> pd.DataFrame:
    """The office's own rules, newest version of each."""
    return pd.DataFrame({
        t("alerts.col_rule", lang): [r.rule_id for r in rules],
        t("alerts.col_version", lang): [r.version for r in rules],
        t("alerts.col_indicator", lang): [cat.get(r.indicator_id).name[lang] for r in rules],
        t("alerts.col_region", lang): ["、".join(regions.name(c, lang) for c in r.regions) for r in rules],
        t("alerts.col_kind", lang): [t(f"alerts.kind_{r.kind}", lang) for r in rules],
        t("alerts.col_line", lang): ["" if r.value is None else f"{r.value:g}" for r in rules],
        t("alerts.col_severity", lang): [t(f"alerts.severity_{r.severity}", lang) for r in rules],
        t("alerts.col_note", lang): [r.note for r in rules],
        t("alerts.col_by", lang): [r.created_by for r in rules],
    })  # fmt: skip


def settings_table(settings: Settings, lang: str) -> pd.DataFrame:
    """The delivery settings an admin may see (the password only as set or not)."""
    public = settings.public()
    return pd.DataFrame({t("admin.alerts_col_setting", lang): list(public),
                         t("admin.alerts_col_value", lang): [str(v) for v in public.values()]})  # fmt: skip


def failures_table(rows: list[Failure], lang: str) -> pd.DataFrame:
    """Messages failing and being retried: to whom, by which channel, how often tried, when next, the error."""
    return pd.DataFrame({
        t("admin.col_user", lang): [f.user for f in rows],
        t("admin.alerts_col_channel", lang): [t(f"alerts.channel_{f.channel}", lang) for f in rows],
        t("alerts.col_address", lang): [f.address for f in rows],
        t("admin.alerts_col_event", lang): [f.event for f in rows],
        t("admin.alerts_col_attempts", lang): [f.attempts for f in rows],
        t("admin.alerts_col_next", lang): [f.next_at.strftime(STAMP) for f in rows],
        t("admin.alerts_col_error", lang): [f.error for f in rows],
    })  # fmt: skip
