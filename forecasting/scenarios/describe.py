"""Adjustments, estimates and targets described in words, in Chinese (``"zh"``) and English (``"en"``).

Each sentence states the assumption with its numbers, so the assumption log can be read without the scenario
editor: "2026–2028 年增速每年提高 1 个百分点（临时…）".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from forecasting.scenarios.adjustments import Adjustment, DriverChange, GrowthShock, LevelShift, TargetPath
from forecasting.scenarios.drivers import DriverEstimate
from forecasting.scenarios.errors import ScenarioError
from forecasting.scenarios.periods import PER_PERIOD, en_period, en_range, fmt, zh_period, zh_range
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


def _lang(lang: str) -> bool:
    if lang not in LANGS:
        raise ScenarioError(f"lang: expected 'zh' or 'en'; got {lang!r}")
    return lang == "zh"


def _span(start: str, end: str | None, freq: str, zh: bool) -> tuple[str, str]:
    """Where the assumption holds and what happens after, for a window or "from start on"."""
    if end is None:
        if zh:
            return f"自 {zh_period(start, freq)}起", "持续至预测期末"
        return f"from {en_period(start, freq)} to the end of the horizon", "persistent"
    return (zh_range(start, end, freq), "") if zh else (f"in {en_range(start, end, freq)}", "")


def _amount(x: float, unit: str, kind: str, zh: bool, given_unit: str | None) -> str:
    if unit == "percent":
        return f"{fmt(abs(x))}%"
    if kind == "rate":
        return f"{fmt(abs(x))} 个百分点" if zh else f"{fmt(abs(x))} pp"
    return (
        f"{fmt(abs(x))} {given_unit}"
        if given_unit
        else (f"{fmt(abs(x))}（指标单位）" if zh else f"{fmt(abs(x))} units")
    )


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
    zh, names = _lang(lang), names or {}
    if isinstance(adjustment, GrowthShock):
        return _growth_shock(adjustment, freq, zh)
    if isinstance(adjustment, LevelShift):
        where, after = _span(adjustment.start, adjustment.end, freq, zh)
        size = _amount(adjustment.amount, adjustment.unit, kind, zh, unit)
        if zh:
            return f"{where}水平比基准{'高' if adjustment.amount >= 0 else '低'} {size}（{after or '之后回到基准'}）"
        side = "above" if adjustment.amount >= 0 else "below"
        return f"Level {size} {side} the baseline {where} ({after or 'then back to the baseline'})"
    if isinstance(adjustment, TargetPath):
        return _target_path(adjustment, freq, kind, zh, unit)
    return _driver_change(adjustment, freq, zh, names)


def _growth_shock(shock: GrowthShock, freq: str, zh: bool) -> str:
    per = PER_PERIOD[freq][0 if zh else 1]
    where, after = _span(shock.start, shock.end, freq, zh)
    if zh:
        growth = "增速" if freq == "A" else "环比增速"
        verb = "提高" if shock.pp >= 0 else "降低"
        after = after or "临时：之后回到基准增速，已形成的水平变化保留"
        return f"{where}{growth}{per}{verb} {fmt(abs(shock.pp))} 个百分点（{after}）"
    growth = {"A": "Growth", "Q": "Quarter-on-quarter growth", "M": "Month-on-month growth"}[freq]
    side = "higher" if shock.pp >= 0 else "lower"
    after = after or "temporary: then back to the baseline's growth, the level change stays"
    return f"{growth} {fmt(abs(shock.pp))} pp {per} {side} {where} ({after})"


def _target_path(path: TargetPath, freq: str, kind: str, zh: bool, unit: str | None) -> str:
    value = fmt(path.value) + ((" " + unit) if unit else ("%" if kind == "rate" else ""))
    if zh:
        how = "按恒定增速到达，之后按基准增速" if kind == "level" else "按每期等量变化到达，之后与基准同步变化"
        return f"到 {zh_period(path.period, freq)}达到 {value}（自最近观测值{how}）"
    how = "constant-growth path" if kind == "level" else "straight-line path"
    after = "baseline growth afterwards" if kind == "level" else "moving with the baseline afterwards"
    return f"Reach {value} by {en_period(path.period, freq)} on a {how} from the last observation ({after})"


def _driver_change(change: DriverChange, freq: str, zh: bool, names: Mapping[str, str]) -> str:
    driver = (
        f"{names.get(change.driver_id, change.driver_id)}（{names.get(change.driver_region, change.driver_region)}）"
    )
    where, after = _span(change.start, change.end, freq, zh)
    size = f"{fmt(abs(change.amount))}"
    since = change.estimation_start
    if zh:
        side = "高" if change.amount >= 0 else "低"
        if change.mode == "percent":
            what = f"{driver}{where}比其基准{side} {size}%（{after or '之后回到基准'}）"
        else:
            per = PER_PERIOD[freq][0]
            tail = after or "之后已形成的水平变化保留"
            what = f"{driver}{where}增速比其基准{per}{side} {size} 个百分点（按相对基准计算；{tail}）"
        how = "经历史增速回归估计的弹性" if change.method == "elasticity" else "经 VAR 脉冲响应"
        sample = f"（估计样本自 {zh_period(since, freq)}起）" if since else ""
        return f"{what}，{how}传导至目标{sample}"
    driver = (
        f"{names.get(change.driver_id, change.driver_id)} ({names.get(change.driver_region, change.driver_region)})"
    )
    side = "above" if change.amount >= 0 else "below"
    if change.mode == "percent":
        what = f"{driver} {size}% {side} its baseline {where} ({after or 'then back to its baseline'})"
    else:
        per = PER_PERIOD[freq][1]
        tail = after or "the level change stays afterwards"
        what = (
            f"{driver} growth {size} pp {per} {'higher' if change.amount >= 0 else 'lower'} than its baseline {where}"
        )
        what += f" (relative to the baseline; {tail})"
    how = "an elasticity estimated on historical growth rates" if change.method == "elasticity" else "VAR responses"
    sample = f" (estimated from {en_period(since, freq)} on)" if since else ""
    return f"{what}, passed to the target through {how}{sample}"


def describe_fact(fact: TargetPathFact | DriverEstimate, freq: str, kind: str, last: str, lang: str = "zh") -> str:
    """The computed side of an assumption: a target path's implied growth or a driver's estimate.

    Args:
        last: the last period of the horizon (where a VAR's cumulative effect is read).
    """
    zh = _lang(lang)
    if isinstance(fact, TargetPathFact):
        return _path_fact(fact, freq, kind, zh)
    sep = "，" if zh else ", "
    stats = f"n = {fact.n}" + (f"{sep}R² = {fmt(fact.r2, 2)}" if fact.r2 is not None else "")
    sample = en_range(fact.sample_start, fact.sample_end, freq)
    target_unit = ("%", "%") if kind == "level" else (" 个百分点", " pp")
    if fact.method == "elasticity":
        name = ("弹性" if kind == "level" else "系数") if zh else ("elasticity" if kind == "level" else "coefficient")
        if zh:
            return f"{name} {fmt(fact.coef, 3)}（标准误 {fmt(fact.se, 3)}，{stats}，样本 {sample}）"
        return f"{name} {fmt(fact.coef, 3)} (s.e. {fmt(fact.se, 3)}, {stats}, sample {sample})"
    effect = f"{fmt(fact.coef, 3)}{target_unit[0 if zh else 1]}"
    if zh:
        return (
            f"VAR({fact.lags})（{fact.ic.upper()} 选阶，{stats}，样本 {sample}）：驱动变量持续高 1%，"
            f"到 {zh_period(last, freq)}目标累计变化 {effect}（标准误 {fmt(fact.se, 3)}）"
        )
    return (
        f"VAR({fact.lags}) ({fact.ic.upper()} lag order, {stats}, sample {sample}): a sustained 1% higher driver "
        f"moves the target by {effect} by {en_period(last, freq)} (s.e. {fmt(fact.se, 3)})"
    )


def _path_fact(fact: TargetPathFact, freq: str, kind: str, zh: bool) -> str:
    per = PER_PERIOD[freq][0 if zh else 1]
    start = zh_period(fact.anchor_period, freq) if zh else en_period(fact.anchor_period, freq)
    if kind == "level":
        implied, base = f"{fmt(fact.implied, 2)}%", f"{fmt(fact.baseline, 2)}%"
        if zh:
            return f"需自 {start}（{fmt(fact.anchor_value)}）起增速{per} {implied}，基准路径为{per} {base}"
        return f"needs {implied} growth {per} from {start} ({fmt(fact.anchor_value)}), against {base} on the baseline"
    implied, base = f"{fact.implied:+.2f}", f"{fact.baseline:+.2f}"
    if zh:
        return (
            f"需自 {start}（{fmt(fact.anchor_value)}）起{per}变化 {implied} 个百分点，基准路径为{per} {base} 个百分点"
        )
    anchor = fmt(fact.anchor_value)
    return f"needs a change of {implied} pp {per} from {start} ({anchor}), against {base} pp on the baseline"


def describe_target(target: Target, freq: str, lang: str = "zh", unit: str | None = None) -> str:
    """The target in words: "2027 年增速约 5%（±0.5）" / "Growth about 5% (±0.5) in 2027"."""
    zh = _lang(lang)
    growth = target.measure == "growth"
    value = fmt(target.value) + ("%" if growth else ((" " + unit) if unit else ""))
    tol = fmt(target.tolerance) + ("%" if growth else "")
    if zh:
        what = "增速" if growth else "水平"
        how = {"at_least": "不低于", "at_most": "不高于", "about": "约为"}[target.comparator]
        extra = f"（±{tol}）" if target.comparator == "about" else ""
        return f"{zh_period(target.period, freq)}{what}{how} {value}{extra}"
    what = "Growth" if growth else "Level"
    how = {"at_least": "at least", "at_most": "at most", "about": "about"}[target.comparator]
    extra = f" (±{tol})" if target.comparator == "about" else ""
    return f"{what} {how} {value}{extra} in {en_period(target.period, freq)}"
