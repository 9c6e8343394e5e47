"""A warning in its recipient's words: subject and plain-text body with the figure, the threshold, the source and a
link back to the view; a digest gathers several. Words are ``alerts.*`` keys (common/strings/alerts.yaml)."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd

from alerts.channels import Outgoing
from alerts.findings import Finding
from common.periods import Period
from common.text import Message, render
from data.citation import Citation, Upload, source_line
from data.regions import RegionRegistry
from indicators.metadata import Catalogue


def amount(value: float, indicator_id: str, cat: Catalogue, lang: str) -> str:
    """A figure in the indicator's decimals and unit (a percentage or index reads the same in both languages)."""
    if indicator_id not in cat:
        return f"{value:,.2f}"
    ind = cat.get(indicator_id)
    text = f"{value:,.{ind.decimals}f}"
    if ind.short_unit == "%":
        return f"{text}%"
    return text if ind.kind == "index" else render("alerts.amount", lang, value=text, unit=ind.unit)


def link(finding: Finding, base_url: str, lang: str) -> str:
    """The Indicators view of the warning's indicator and region."""
    query = {"indicator": finding.indicator_id, "regions": finding.region_code, "lang": lang}
    return f"{base_url.rstrip('/')}/indicators?{urlencode(query)}"


def _names(finding: Finding, cat: Catalogue, regions: RegionRegistry, lang: str) -> tuple[str, str]:
    name = cat.get(finding.indicator_id).name[lang] if finding.indicator_id in cat else finding.indicator_id
    return name, regions.name(finding.region_code, lang)


def threshold_text(finding: Finding, cat: Catalogue, lang: str) -> str:
    """The line crossed, in words for the rule's kind."""
    fig = lambda v: amount(v, finding.indicator_id, cat, lang)  # noqa: E731
    if finding.condition in ("anomaly", "outside_band"):
        return render(f"alerts.threshold_{finding.condition}", lang, low=fig(finding.low), high=fig(finding.high))
    if finding.condition in ("change_points", "change_pct"):
        before = fig(finding.previous) if finding.previous is not None else "–"
        return render(f"alerts.threshold_{finding.condition}", lang, n=f"{finding.line:g}", previous=before)
    if finding.line is None:
        return "–"
    return render(f"alerts.threshold_{finding.condition}", lang, line=fig(finding.line))


def lines(
    finding: Finding,
    event: str,
    lang: str,
    cat: Catalogue,
    regions: RegionRegistry,
    base_url: str,
    uploads: dict[str, Upload] | None = None,
) -> list[str]:
    """The body's lines for one warning: what, where, the figure, the threshold, the rule, the source, the link."""
    name, region = _names(finding, cat, regions, lang)
    when = Period(pd.Timestamp(finding.period), finding.freq)
    out = [
        render(f"alerts.event_{event}", lang, severity=Message(f"alerts.severity_{finding.severity}"),
               indicator=name, region=region),
        render("alerts.line_figure", lang, value=amount(finding.value, finding.indicator_id, cat, lang), when=when),
        render("alerts.line_threshold", lang, threshold=threshold_text(finding, cat, lang)),
    ]  # fmt: skip
    if finding.label:
        out.append(render("alerts.line_rule", lang, label=finding.label))
    if finding.indicator_id in cat:
        dataset = cat.get(finding.indicator_id).source
        cite = Citation(dataset, upload=(uploads or {}).get(dataset))
        out.append(source_line([cite], lang, pd.Timestamp(finding.period), finding.freq))
    out.append(render("alerts.line_link", lang, url=link(finding, base_url, lang)))
    return out


def facts(finding: Finding, event: str, cat: Catalogue, regions: RegionRegistry, base_url: str, lang: str) -> dict:
    """The webhook's JSON facts of one warning."""
    name, region = _names(finding, cat, regions, lang)
    return {
        "event": event, "severity": finding.severity, "source": finding.source, "rule": finding.rule_id,
        "condition": finding.condition, "indicator": {"id": finding.indicator_id, "name": name},
        "region": {"code": finding.region_code, "name": region}, "period": finding.period, "value": finding.value,
        "threshold": finding.line, "expected_low": finding.low, "expected_high": finding.high,
        "url": link(finding, base_url, lang),
    }  # fmt: skip


def single(
    finding: Finding, event: str, lang: str, cat: Catalogue, regions: RegionRegistry, base_url: str, uploads=None
) -> Outgoing:
    """An immediate message about one warning raised or cleared."""
    name, region = _names(finding, cat, regions, lang)
    subject = render(
        f"alerts.subject_{event}", lang, severity=Message(f"alerts.severity_{finding.severity}"), indicator=name,
        region=region,
    )  # fmt: skip
    body = "\n".join([*lines(finding, event, lang, cat, regions, base_url, uploads), "", render("alerts.footer", lang)])
    return Outgoing(subject, body, lang, facts(finding, event, cat, regions, base_url, lang))


def digest(
    items: list[tuple[Finding, str]], mode: str, lang: str, cat: Catalogue, regions: RegionRegistry, base_url: str,
    uploads=None,
) -> Outgoing:  # fmt: skip
    """A daily or weekly digest of several warnings raised or cleared since the last one."""
    subject = render(f"alerts.subject_digest_{mode}", lang, n=len(items))
    blocks = ["\n".join(lines(f, event, lang, cat, regions, base_url, uploads)) for f, event in items]
    body = "\n\n".join([render("alerts.digest_intro", lang, n=len(items)), *blocks, render("alerts.footer", lang)])
    payload = {"event": "digest", "mode": mode, "items": [facts(f, e, cat, regions, base_url, lang) for f, e in items]}
    return Outgoing(subject, body, lang, payload)
