"""Derived views of an indicator (growth, per capita, share, index) with metadata saying how each was derived."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data.regions import region_registry
from indicators import derived
from indicators.errors import DerivationError
from indicators.metadata import Catalogue, Indicator
from indicators.query import select

VIEW_IDS = ("level", "yoy", "per_capita", "share", "index")
VIEW_NAMES = {
    "level": {"zh": "原值", "en": "Level"},
    "yoy": {"zh": "同比增长", "en": "Year-on-year growth"},
    "per_capita": {"zh": "人均", "en": "Per capita"},
    "share": {"zh": "占全国比重", "en": "Share of national total"},
    "index": {"zh": "指数（基期=100）", "en": "Index (base = 100)"},
}
PERCENT = {"zh": "%", "en": "%"}


@dataclass(frozen=True)
class ViewInfo:
    """What a derived series is: its label, unit and a sentence on how it was computed from which inputs."""

    view: str
    name: dict[str, str]
    unit: dict[str, str]
    short_unit: str
    decimals: int
    polarity: str
    derived: dict[str, str] | None
    inputs: tuple[str, ...]


def available_views(ind: Indicator) -> list[str]:
    """Views that make sense for this indicator (growth and index only for amounts; per capita and share when
    the catalogue says how)."""
    views = ["level"]
    if ind.kind == "level":
        views += ["yoy"]
        if ind.per_capita:
            views.append("per_capita")
        if ind.total:
            views.append("share")
        views.append("index")
    return views


def _level_info(ind: Indicator) -> ViewInfo:
    return ViewInfo("level", ind.name, ind.unit, ind.short_unit, ind.decimals, ind.polarity, None, (ind.id,))


def _named(ind: Indicator, view: str) -> dict[str, str]:
    return {lang: f"{ind.name[lang]} · {VIEW_NAMES[view][lang]}" for lang in ("zh", "en")}


def apply_view(
    view: str,
    ind: Indicator,
    obs: pd.DataFrame,
    catalogue: Catalogue,
    base_period: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, ViewInfo]:
    """Compute a view of `ind` from all observations `obs`.

    Args:
        view: one of VIEW_IDS and of `available_views(ind)`.
        ind: the indicator.
        obs: the full observation frame (per capita needs the population indicator, share needs all regions).
        catalogue: the indicator catalogue (for the population indicator's metadata).
        base_period: the base of the index view (default: the first period with data).

    Returns:
        The derived observations (all regions) and their metadata.

    Raises:
        DerivationError: the view does not apply to this indicator.
    """
    if view not in available_views(ind):
        raise DerivationError(f"view {view!r} does not apply to {ind.id!r}; available: {available_views(ind)}")
    rows = select(obs, ind.id)
    if view == "level":
        return rows, _level_info(ind)
    if view == "yoy":
        how = {
            "zh": f"由「{ind.name['zh']}」计算：(本期 ÷ 上年同期 − 1) × 100。",
            "en": f"From “{ind.name['en']}”: (this period ÷ same period a year earlier − 1) × 100.",
        }
        info = ViewInfo("yoy", _named(ind, view), PERCENT, "%", 1, ind.polarity, how, (ind.id,))
        return derived.yoy_growth(rows), info
    if view == "per_capita":
        pc = ind.per_capita
        pop = catalogue.get(pc.denominator)
        how = {
            "zh": f"「{ind.name['zh']}」（{ind.unit['zh']}）÷「{pop.name['zh']}」（{pop.unit['zh']}）× {pc.factor:g}。",
            "en": f"“{ind.name['en']}” ({ind.unit['en']}) ÷ “{pop.name['en']}” ({pop.unit['en']}) × {pc.factor:g}.",
        }
        info = ViewInfo("per_capita", _named(ind, view), pc.unit, pc.short_unit, 0, ind.polarity, how, (ind.id, pop.id))
        return derived.per_capita(rows, select(obs, pop.id), pc.factor), info
    if view == "share":
        if ind.total == "sum_of_regions":
            members = [c for c in rows["region_code"].unique() if region_registry().get(c).kind == "province"]
            how = {
                "zh": f"各地区「{ind.name['zh']}」占 {len(members)} 个省级地区合计的百分比；"
                "仅在全部地区均有数据的年份计算。",
                "en": f"Each region's “{ind.name['en']}” as % of the sum over {len(members)} provincial units; "
                "computed only in years where every unit reports.",
            }
            shares = derived.share_of_total(rows, "sum_of_regions", members)
        else:
            total_name = region_registry().get(ind.total)
            how = {
                "zh": f"各地区「{ind.name['zh']}」占{total_name.zh}（公布值）的百分比。",
                "en": f"Each region's “{ind.name['en']}” as % of the published {total_name.en} total.",
            }
            shares = derived.share_of_total(rows, ind.total)
        info = ViewInfo("share", _named(ind, view), PERCENT, "%", 2, "neutral", how, (ind.id,))
        return shares, info
    # index
    reported = rows.loc[rows["value"].notna(), "period"]
    if reported.empty:
        raise DerivationError(f"{ind.id!r} has no reported value to use as a base period")
    base = pd.Timestamp(base_period) if base_period is not None else reported.min()
    how = {
        "zh": f"「{ind.name['zh']}」÷ 同一地区基期（{base.year}）值 × 100。",
        "en": f"“{ind.name['en']}” ÷ the same region's value in the base period ({base.year}) × 100.",
    }
    name = {lang: f"{ind.name[lang]} · {VIEW_NAMES['index'][lang]}" for lang in ("zh", "en")}
    info = ViewInfo(
        "index", name, {"zh": f"{base.year}=100", "en": f"{base.year} = 100"}, "指数", 1, ind.polarity, how, (ind.id,)
    )
    return derived.index_to_base(rows, base), info
