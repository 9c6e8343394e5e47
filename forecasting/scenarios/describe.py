"""Adjustments, estimates and targets described in words, in Chinese (``"zh"``) and English (``"en"``).

Each sentence states the assumption with its numbers, so the assumption log can be read without the scenario
editor: "2026–2028年增速每年提高 1 个百分点（临时…）". The functions are given the language and return display text,
so they render through `common.text` (strings ``scenario.*`` in common/strings/scenario.yaml) rather than return
`Message` facts: the facts themselves are the adjustment, the estimate and the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from common.periods import display, display_range
from common.text import render
from forecasting.scenarios.adjustments import Adjustment, DriverChange, GrowthShock, LevelShift, TargetPath
from forecasting.scenarios.drivers import DriverEstimate
from forecasting.scenarios.errors import ScenarioError
from forecasting.scenarios.periods import fmt
from forecasting.scenarios.scenario import Target

LANGS = ("zh", "en")


@dataclass(frozen=True)
class TargetPathFact:
    """What a target path implies: growth (level series, % per period) or change (rate series, pp per period).

    ``implied`` is needed to reach ``value`` in ``steps`` periods from ``anchor_value`` (the last observation, in
    ``anchor_period``); ``baseline`` is the same measure on the path before this adjustment.
    """

    anchor_period: str
    anchor_value: float
    steps: int
    implied: float
    baseline: float


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ScenarioError(f"lang: expected 'zh' or 'en'; got {lang!r}")
    return lang


def _span(start: str, end: str | None, freq: str, lang: str) -> tuple[str, str]:
    """Where the assumption holds and what happens after ("" when it ends), for a window or "from start on"."""
    if end is None:
        return render("scenario.span_from", lang, start=display(start, freq, lang)), render(
            "scenario.span_persistent", lang
        )
    return render("scenario.span_window", lang, range=display_range(start, end, freq, lang)), ""


def _amount(x: float, unit: str, kind: str, lang: str, given_unit: str | None) -> str:
    if unit == "percent":
        return f"{fmt(abs(x))}%"
    if kind == "rate":
        return render("scenario.amount_pp", lang, x=fmt(abs(x)))
    return f"{fmt(abs(x))} {given_unit}" if given_unit else render("scenario.amount_units", lang, x=fmt(abs(x)))


def _up(x: float) -> str:
    return "up" if x >= 0 else "down"


def describe(
    adjustment: Adjustment,
    freq: str,
    kind: str,
    lang: str = "zh",
    unit: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """One sentence stating ``adjustment`` numerically.

    Args:
        freq, kind: of the scenario.
        unit: the indicator's unit for shifts and targets in units (e.g. "亿元"); "units" when omitted.
        names: display names of driver ids and region codes (ids shown as they are when missing).
    """
    lang, names = _lang(lang), names or {}
    if isinstance(adjustment, GrowthShock):
        return _growth_shock(adjustment, freq, lang)
    if isinstance(adjustment, LevelShift):
        where, after = _span(adjustment.start, adjustment.end, freq, lang)
        size = _amount(adjustment.amount, adjustment.unit, kind, lang, unit)
        after = after or render("scenario.back_to_baseline", lang)
        return render(f"scenario.level_shift_{_up(adjustment.amount)}", lang, where=where, size=size, after=after)
    if isinstance(adjustment, TargetPath):
        value = fmt(adjustment.value) + ((" " + unit) if unit else ("%" if kind == "rate" else ""))
        period = display(adjustment.period, freq, lang)
        return render(f"scenario.target_path_{kind}", lang, value=value, period=period)
    return _driver_change(adjustment, freq, lang, names)


def _growth_shock(shock: GrowthShock, freq: str, lang: str) -> str:
    where, after = _span(shock.start, shock.end, freq, lang)
    return render(
        f"scenario.growth_shock_{_up(shock.pp)}",
        lang,
        where=where,
        growth=render(f"scenario.growth.{freq}", lang),
        per=render(f"scenario.per.{freq}", lang),
        x=fmt(abs(shock.pp)),
        after=after or render("scenario.growth_shock_after", lang),
    )


def _driver_change(change: DriverChange, freq: str, lang: str, names: Mapping[str, str]) -> str:
    driver = render(
        "scenario.driver",
        lang,
        driver=names.get(change.driver_id, change.driver_id),
        region=names.get(change.driver_region, change.driver_region),
    )
    where, after = _span(change.start, change.end, freq, lang)
    fields = {"driver": driver, "where": where, "size": fmt(abs(change.amount))}
    if change.mode == "percent":
        after = after or render("scenario.driver_back", lang)
        what = render(f"scenario.driver_percent_{_up(change.amount)}", lang, after=after, **fields)
    else:
        after = after or render("scenario.driver_growth_after", lang)
        per = render(f"scenario.per.{freq}", lang)
        what = render(f"scenario.driver_growth_{_up(change.amount)}", lang, per=per, after=after, **fields)
    since = change.estimation_start
    sample = render("scenario.driver_sample", lang, since=display(since, freq, lang)) if since else ""
    return render(f"scenario.driver_via_{change.method}", lang, what=what, sample=sample)


def describe_fact(fact: TargetPathFact | DriverEstimate, freq: str, kind: str, last: str, lang: str = "zh") -> str:
    """The computed side of an assumption: a target path's implied growth or a driver's estimate.

    Args:
        last: the last period of the horizon (where a VAR's cumulative effect is read).
    """
    lang = _lang(lang)
    if isinstance(fact, TargetPathFact):
        return _path_fact(fact, freq, kind, lang)
    if fact.r2 is not None:
        stats = render("scenario.stats_r2", lang, n=fact.n, r2=fmt(fact.r2, 2))
    else:
        stats = render("scenario.stats", lang, n=fact.n)
    sample = display_range(fact.sample_start, fact.sample_end, freq, lang)
    coef, se = fmt(fact.coef, 3), fmt(fact.se, 3)
    if fact.method == "elasticity":
        name = render("scenario.name_elasticity" if kind == "level" else "scenario.name_coefficient", lang)
        return render("scenario.estimate", lang, name=name, coef=coef, se=se, stats=stats, sample=sample)
    effect = f"{coef}%" if kind == "level" else render("scenario.amount_pp", lang, x=coef)
    return render(
        "scenario.var",
        lang,
        lags=fact.lags,
        ic=fact.ic.upper(),
        stats=stats,
        sample=sample,
        effect=effect,
        last=display(last, freq, lang),
        se=se,
    )


def _path_fact(fact: TargetPathFact, freq: str, kind: str, lang: str) -> str:
    fields = {
        "per": render(f"scenario.per.{freq}", lang),
        "start": display(fact.anchor_period, freq, lang),
        "anchor": fmt(fact.anchor_value),
    }
    if kind == "level":
        implied, base = f"{fmt(fact.implied, 2)}%", f"{fmt(fact.baseline, 2)}%"
    else:
        implied, base = f"{fact.implied:+.2f}", f"{fact.baseline:+.2f}"
    return render(f"scenario.path_fact_{kind}", lang, implied=implied, base=base, **fields)


def describe_target(target: Target, freq: str, lang: str = "zh", unit: str | None = None) -> str:
    """The target in words: "2027年增速约为 5%（±0.5）" / "Growth about 5% (±0.5) in 2027"."""
    lang = _lang(lang)
    growth = target.measure == "growth"
    value = fmt(target.value) + ("%" if growth else ((" " + unit) if unit else ""))
    tol = fmt(target.tolerance) + ("%" if growth else "")
    extra = render("scenario.target_tolerance", lang, tol=tol) if target.comparator == "about" else ""
    return render(
        "scenario.target",
        lang,
        period=display(target.period, freq, lang),
        what=render("scenario.target_growth" if growth else "scenario.target_level", lang),
        how=render(f"scenario.target_{target.comparator}", lang),
        value=value,
        extra=extra,
    )
