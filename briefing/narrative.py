"""A few templated sentences about one series, in Chinese or English, from numbers the caller computed.

Nothing is inferred beyond the facts given: a fact that is absent (None or NaN) drops its sentence, a target
without a clear direction ("about") gets a distance rather than a verdict, and no adjective judges a number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from briefing.errors import BriefingError, UnsupportedLanguage
from common import periods
from common.text import check_lang, render

COMPARATORS = ("at_least", "at_most", "about")


@dataclass(frozen=True)
class Facts:
    """What is known about one series at its latest period. Texts are {zh, en} so a pack can pick its language."""

    name: Mapping[str, str]
    unit: Mapping[str, str]
    decimals: int
    freq: str  # A, Q or M (data-layer codes)
    latest: float | None = None
    period: pd.Timestamp | None = None
    region: Mapping[str, str] | None = None
    previous: float | None = None
    previous_period: pd.Timestamp | None = None
    year_ago: float | None = None
    year_ago_period: pd.Timestamp | None = None
    rank: int | None = None
    rank_of: int | None = None
    rank_scope: Mapping[str, str] | None = None  # e.g. {zh: 省份, en: provinces}; default 地区 / regions
    polarity: str = "neutral"
    target: float | None = None
    target_comparator: str | None = None  # at_least, at_most or about
    target_year: int | None = None
    forecast: float | None = None
    forecast_period: pd.Timestamp | None = None
    forecast_lo: float | None = None
    forecast_hi: float | None = None
    forecast_level: int | None = None
    forecast_model: str | Mapping[str, str] | None = None  # {zh, en} (a plain name is used in both languages)
    forecast_mase: float | None = None
    forecast_error: float | None = None  # mean absolute backtest error: percent of the outcome, or points for a rate
    forecast_error_kind: str | None = None  # "percent" or "points"
    forecast_backtests: int | None = None  # backtest windows behind forecast_error

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Facts:
        """Facts from a plain mapping with the same field names.

        Raises:
            BriefingError: an unknown field name.
        """
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise BriefingError(f"unknown narrative facts {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)


def present(value: Any) -> bool:
    """True when a fact is given: not None and not NaN."""
    if value is None:
        return False
    try:
        return not pd.isna(value)
    except (TypeError, ValueError):
        return True


def number(value: float, decimals: int) -> str:
    """A number with thousands separators and the indicator's decimals (-0.0 reads 0.0)."""
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


# English prose counts in billions and millions, not in the Chinese 亿 (10⁸) and 万 (10⁴): "RMB 14,148.89 billion"
# for 141,488.9 "RMB 100 million", "11.00 million persons" for 1,100 "10,000 persons" (decimals grow with the
# shift, so no digit is lost).
ENGLISH_SCALES = (
    (re.compile(r"^(RMB|US\$) 100 million$"), 0.1, 1, "{prefix} {number} billion"),
    (re.compile(r"^10,000 (?P<what>.+)$"), 0.01, 2, "{number} million {what}"),
)


def with_unit(value: float, facts: Facts, lang: str) -> str:
    unit = facts.unit[lang]
    if lang == "en":
        for pattern, factor, extra, template in ENGLISH_SCALES:
            if match := pattern.match(unit.strip()):
                shifted = number(value * factor, facts.decimals + extra)
                return template.format(number=shifted, prefix=match.group(1), what=match.groupdict().get("what"))
    text = number(value, facts.decimals)
    return f"{text}{unit}" if lang == "zh" or unit.startswith("%") else f"{text} {unit}"


def is_rate(facts: Facts) -> bool:
    """Values in percent: their changes are told in percentage points, never as a percent of a percent."""
    return facts.unit.get("en", "").strip() == "%" or facts.unit.get("zh", "").strip() == "%"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def latest_sentence(facts: Facts, lang: str) -> str | None:
    if not (present(facts.latest) and present(facts.period)):
        return None
    region = render("narrative.region_en", lang, region=facts.region[lang]) if facts.region else ""
    return render(
        "narrative.latest",
        lang,
        region=region,
        name=facts.name[lang],
        period=periods.display(facts.period, facts.freq, lang),
        value=with_unit(facts.latest, facts, lang),
    )


def change_sentence(facts: Facts, base: float | None, base_period: pd.Timestamp | None, which: str, lang: str):
    """Change of the latest value against `base` (the previous period or a year earlier)."""
    if not (present(facts.latest) and present(base) and present(base_period)):
        return None
    change = facts.latest - base
    values = {"label": render(f"narrative.{which}", lang), "period": periods.display(base_period, facts.freq, lang)}
    if number(change, facts.decimals).lstrip("-") == number(0.0, facts.decimals):
        return render("narrative.flat", lang, **values)
    direction = "up" if change > 0 else "down"
    if is_rate(facts):
        return render(f"narrative.{direction}_points", lang, change=number(abs(change), facts.decimals), **values)
    # A percent change of a zero or negative base is meaningless; the absolute change is still true.
    pct = render("narrative.pct", lang, pct=f"{abs(change) / base * 100:,.1f}") if base > 0 else ""
    return render(f"narrative.{direction}", lang, change=with_unit(abs(change), facts, lang), pct=pct, **values)


def rank_sentence(facts: Facts, lang: str) -> str | None:
    if not (present(facts.rank) and present(facts.rank_of)):
        return None
    rank = int(facts.rank)
    scope = facts.rank_scope[lang] if facts.rank_scope else render("narrative.scope", lang)
    polarity = facts.polarity if facts.polarity in ("higher_is_better", "lower_is_better") else "neutral"
    return render(
        "narrative.rank",
        lang,
        rank=rank if lang == "zh" else ordinal(rank),
        count=int(facts.rank_of),
        scope=scope,
        polarity=render(f"narrative.{polarity}", lang),
    )


def target_sentence(facts: Facts, lang: str) -> str | None:
    if not (present(facts.latest) and present(facts.target) and present(facts.target_year)):
        return None
    if facts.target_comparator not in COMPARATORS:
        raise BriefingError(f"unknown target comparator {facts.target_comparator!r}; expected one of {COMPARATORS}")
    gap = facts.latest - facts.target
    values = {"year": int(facts.target_year), "target": with_unit(facts.target, facts, lang)}
    # A gap between two rates is in percentage points, not a percent of anything.
    gap_number = number(abs(gap), facts.decimals)
    gap_text = (
        render("narrative.points", lang, value=gap_number) if is_rate(facts) else with_unit(abs(gap), facts, lang)
    )
    if facts.target_comparator == "about":
        if number(gap, facts.decimals).lstrip("-") == number(0.0, facts.decimals):
            return render("narrative.target_about_equal", lang, **values)
        return render("narrative.target_about", lang, gap=gap_text, **values)
    if facts.target_comparator == "at_least":
        key = "target_at_least_met" if gap >= 0 else "target_at_least_short"
    else:
        key = "target_at_most_met" if gap <= 0 else "target_at_most_over"
    return render(f"narrative.{key}", lang, gap=gap_text, **values)


def forecast_sentences(facts: Facts, lang: str) -> list[str]:
    if not (present(facts.forecast) and present(facts.forecast_period) and facts.forecast_model):
        return []
    values = {
        "model": facts.forecast_model if isinstance(facts.forecast_model, str) else facts.forecast_model[lang],
        "period": periods.display(facts.forecast_period, facts.freq, lang),
        "value": with_unit(facts.forecast, facts, lang),
    }
    has_interval = present(facts.forecast_lo) and present(facts.forecast_hi) and present(facts.forecast_level)
    if has_interval:
        lo, hi = with_unit(facts.forecast_lo, facts, lang), with_unit(facts.forecast_hi, facts, lang)
        out = [render("narrative.forecast", lang, level=int(facts.forecast_level), lo=lo, hi=hi, **values)]
    else:
        out = [render("narrative.forecast_point", lang, **values)]
    error = facts.forecast_error
    if present(error) and math.isfinite(error) and facts.forecast_error_kind in ("percent", "points"):
        windows = int(facts.forecast_backtests or 0)
        key = f"narrative.backtest_{facts.forecast_error_kind}"
        out.append(render(key, lang, windows=windows, error=f"{error:.1f}"))
    elif present(facts.forecast_mase) and math.isfinite(facts.forecast_mase):
        out.append(render("narrative.backtest", lang, mase=f"{facts.forecast_mase:.2f}"))
    return out


def sentences(facts: Facts | Mapping[str, Any], lang: str = "zh") -> list[str]:
    """The narrative as a list of sentences, in the order latest, changes, rank, target, forecast."""
    lang = check_lang(lang, UnsupportedLanguage)
    facts = facts if isinstance(facts, Facts) else Facts.from_dict(facts)
    year_ago_is_previous = present(facts.previous_period) and facts.previous_period == facts.year_ago_period
    # For annual series the previous period is a year earlier: say it once.
    year_ago = (
        None
        if year_ago_is_previous
        else change_sentence(facts, facts.year_ago, facts.year_ago_period, "year_ago", lang)
    )
    out = [
        latest_sentence(facts, lang),
        change_sentence(facts, facts.previous, facts.previous_period, "previous", lang),
        year_ago,
        rank_sentence(facts, lang),
        target_sentence(facts, lang),
        *forecast_sentences(facts, lang),
    ]
    return [s for s in out if s]


def narrative(facts: Facts | Mapping[str, Any] | None, lang: str = "zh") -> str:
    """The sentences joined into one paragraph ("" when there are no facts)."""
    if facts is None:
        return ""
    joiner = "" if lang == "zh" else " "
    return joiner.join(sentences(facts, lang))
