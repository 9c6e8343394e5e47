"""Helpers for the Scenarios page: which series and drivers fit, targets that fit a series, errors and the tables
shown, in the user's language. No widgets here; every number shown comes from :mod:`forecasting.scenarios`, and the
working set (a :class:`~forecasting.scenarios.ScenarioFile`) is edited, checked and linked by
:mod:`forecasting.scenarios.sets`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from common.periods import display
from data.regions import RegionRegistry
from forecasting.scenarios import (
    MAX_SCENARIOS,
    Comparison,
    DriverChange,
    Scenario,
    ScenarioError,
    ScenarioFile,
    ScenarioSetError,
    Target,
    describe,
    describe_target,
    period_label,
)
from indicators.metadata import Catalogue, Indicator
from indicators.targets import TargetBook
from ui.i18n import t

SET_KIND = "scenario_set"  # app objects of this kind hold {"file": <scenario file JSON>}
# Scenario kinds by catalogue kind: an index (PMI, EGDI) moves like a level; a rank has no scenario arithmetic.
SERIES_KINDS = {"level": "level", "index": "level", "rate": "rate"}


def scenario_kind(ind: Indicator) -> str:
    """``level`` or ``rate``: how the library adjusts this indicator."""
    return SERIES_KINDS[ind.kind]


def series_ids(cat: Catalogue) -> list[str]:
    """Indicators a scenario can be built on (ranks are left out)."""
    return list(buildable(cat))


def driver_ids(cat: Catalogue, freq: str) -> list[str]:
    """Possible drivers: level series of the target's frequency (growth rates need positive levels)."""
    return [ind.id for ind in cat if ind.freq == freq and ind.kind in ("level", "index")]


def positive_regions(rows: pd.DataFrame, registry: RegionRegistry, order: Sequence[str]) -> list[str]:
    """Regions (in ``order``) whose reported values of one indicator are all positive."""
    reported = rows.dropna(subset=["value"])
    positive = reported.groupby("region_code")["value"].min() > 0
    return [code for code in order if positive.get(code, False)]


def labels_of(dates: pd.Series, freq: str) -> list[str]:
    """Canonical period labels of a column of dates."""
    return [period_label(d, freq) for d in dates]


def describe_unit(ind: Indicator, lang: str) -> str | None:
    """The unit the library writes after amounts in units (a rate's are percentage points, which it says itself)."""
    return None if scenario_kind(ind) == "rate" else ind.unit[lang]


# --- sets and their errors ----------------------------------------------------------------------------------------


def buildable(cat: Catalogue) -> dict[str, tuple[str, str]]:
    """Indicators a scenario can be built on, each with its scenario kind and frequency (what a set is checked
    against by :func:`forecasting.scenarios.sets.check_set`)."""
    return {ind.id: (scenario_kind(ind), ind.freq) for ind in cat if ind.kind in SERIES_KINDS}


def copy_name(names: Sequence[str], name: str, lang: str) -> str:
    """A free name for a copy of scenario ``name``: "A（副本）", then "A（副本） 2"…"""
    base = t("scenarios.copy_name", lang, name=name)
    return next(n for n in [base, *(f"{base} {k}" for k in range(2, MAX_SCENARIOS + 2))] if n not in names)


def error_text(err: ScenarioError, lang: str) -> str:
    """A scenario error in the user's language: a broken rule of sets by its code, other errors of the library as
    it wrote them."""
    if isinstance(err, ScenarioSetError):
        return t(f"scenarios.err_{err.code}", lang, **err.fields)
    return str(err)


# --- targets --------------------------------------------------------------------------------------------------------


def _year_end(year: int, freq: str) -> str:
    return {"A": f"{year}", "Q": f"{year}Q4", "M": f"{year}-12"}[freq]


def fitting_targets(book: TargetBook, ind: Indicator, region: str, periods: Sequence[str], lang: str) -> list[Target]:
    """Published and office targets set on this very series for a period in the horizon, as scenario targets.

    A whole-year target is judged on the year's last period (the year-to-date series' December or Q4 value, as on the
    Overview page); targets read on another series (a card's ``shown_on``) are left out.
    """
    found = []
    for target in book:
        if target.indicator_id != ind.id or target.region_code != region:
            continue
        label = _year_end(target.year, ind.freq) if target.period is None else period_label(target.period, ind.freq)
        if label in periods:
            tolerance = target.tolerance if target.comparator == "about" else 0.0
            name = f"{target.wording[lang]} · {target.source[lang]}"
            found.append(Target(target.value, label, target.comparator, tolerance, "level", name[:200]))
    return found


def target_text(target: Target, ind: Indicator, lang: str) -> str:
    """The target in words, with where it comes from."""
    unit = ind.short_unit if scenario_kind(ind) == "rate" else ind.unit[lang]
    text = describe_target(target, ind.freq, lang, unit)
    if not target.label:
        return text
    return f"{text}（{target.label}）" if lang == "zh" else f"{text} ({target.label})"


# --- what the page shows --------------------------------------------------------------------------------------------


def display_names(file: ScenarioFile, cat: Catalogue, registry: RegionRegistry, lang: str) -> dict[str, str]:
    """Names of the drivers and regions a set mentions, for the assumptions in words."""
    names = {}
    for scenario in file.scenarios:
        for adj in scenario.adjustments:
            if isinstance(adj, DriverChange):
                names[adj.driver_id] = cat.get(adj.driver_id).name[lang] if adj.driver_id in cat else adj.driver_id
                names[adj.driver_region] = registry.name(adj.driver_region, lang)
    return names


def adjustment_lines(scenario: Scenario, ind: Indicator, names: dict[str, str], lang: str) -> list[str]:
    """Each adjustment of a scenario in words (the library's description)."""
    unit = describe_unit(ind, lang)
    return [describe(a, scenario.freq, scenario.kind, lang, unit, names) for a in scenario.adjustments]


def _shown_name(name: str, is_baseline: bool, lang: str) -> str:
    return t("scenarios.baseline", lang) if is_baseline else name


def comparison_table(comp: Comparison, ind: Indicator, lang: str) -> pd.DataFrame:
    """The delta table: P(meeting the target) and P(better than the baseline) first, where a narrow screen still
    shows them, then the end-of-horizon value with its 80% interval, difference and cumulative difference from the
    baseline (with the 80% interval of the paired draws)."""
    table, d = comp.table, ind.decimals
    rate = comp.baseline.kind == "rate"
    diff_unit = t("scenarios.pp", lang) if rate else ind.unit[lang]
    end = display(table["end_period"].iloc[0], comp.baseline.freq, lang)
    names = [_shown_name(n, b, lang) for n, b in zip(table["scenario"], table["is_baseline"], strict=True)]
    out = pd.DataFrame({t("scenarios.col_scenario", lang): names})
    if comp.target is not None:
        out[t("scenarios.col_target", lang)] = (100 * table["p_target"]).round(1)
    out[t("scenarios.col_beats", lang)] = (100 * table["p_beats_baseline"]).round(1)
    out[t("scenarios.col_end", lang, period=end, unit=ind.unit[lang])] = table["end_mean"].round(d)
    out[t("scenarios.col_lo80", lang)] = table["end_lo_80"].round(d)
    out[t("scenarios.col_hi80", lang)] = table["end_hi_80"].round(d)
    out[t("scenarios.col_diff", lang, unit=diff_unit)] = table["end_diff"].round(d)
    if not rate:
        out[t("scenarios.col_diff_pct", lang)] = table["end_diff_pct"].round(2)
    out[t("scenarios.col_cum", lang, unit=diff_unit)] = table["cum_diff"].round(d)
    out[t("scenarios.col_cum_lo80", lang)] = table["cum_diff_lo_80"].round(d)
    out[t("scenarios.col_cum_hi80", lang)] = table["cum_diff_hi_80"].round(d)
    return out


def estimates_table(comp: Comparison, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Every driver estimate: the elasticity (or the VAR's cumulative effect), its standard error, n and sample."""
    rows = []
    for outcome in comp.outcomes:
        for est in outcome.estimates:
            rows.append(
                {
                    t("scenarios.col_scenario", lang): outcome.name,
                    t("scenarios.col_driver", lang): f"{names.get(est.driver_id, est.driver_id)} · "
                    f"{names.get(est.driver_region, est.driver_region)}",
                    t("scenarios.col_method", lang): t(f"scenarios.method_{est.method}", lang),
                    t("scenarios.col_coef", lang): round(est.coef, 3),
                    t("scenarios.col_se", lang): round(est.se, 3),
                    "n": est.n,
                    t("scenarios.col_sample", lang): f"{est.sample_start}–{est.sample_end}",
                    "R²": None if est.r2 is None else round(est.r2, 3),
                    t("scenarios.col_lags", lang): est.lags,
                }
            )
    return pd.DataFrame(rows)


def deltas_table(comp: Comparison, ind: Indicator, lang: str) -> pd.DataFrame:
    """Per scenario and period: value, difference from the baseline and its 80% interval."""
    deltas, d = comp.deltas, ind.decimals
    rate = comp.baseline.kind == "rate"
    diff_unit = t("scenarios.pp", lang) if rate else ind.unit[lang]
    out = pd.DataFrame(
        {
            t("scenarios.col_scenario", lang): deltas["scenario"],
            t("table.period", lang): [display(p, ind.freq, lang) for p in deltas["period"]],
            t("table.value", lang, unit=ind.unit[lang]): deltas["mean"].round(d),
            t("scenarios.col_diff", lang, unit=diff_unit): deltas["diff"].round(d),
            t("scenarios.col_lo80", lang): deltas["diff_lo_80"].round(d),
            t("scenarios.col_hi80", lang): deltas["diff_hi_80"].round(d),
        }
    )
    if not rate:
        out[t("scenarios.col_diff_pct", lang)] = deltas["diff_pct"].round(2)
    return out


def beats_table(comp: Comparison, lang: str) -> pd.DataFrame:
    """P(row better than column) in % at the end of the horizon, the baseline included."""
    matrix = (100 * comp.beats_matrix()).round(1)
    shown = [_shown_name(n, n == comp.baseline.name, lang) for n in matrix.index]
    matrix.index, matrix.columns = shown, shown
    return matrix
