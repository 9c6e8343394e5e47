"""Derived views of an indicator (growth, per capita, share, index) with metadata saying how each was derived."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from common.text import Message, Text
from data.regions import region_registry
from indicators import derived
from indicators.errors import DerivationError
from indicators.metadata import Catalogue, Indicator
from indicators.query import select

VIEW_IDS = ("level", "yoy", "per_capita", "share", "index")
PERCENT = Message("views.percent")


@dataclass(frozen=True)
class ViewInfo:
    """What a derived series is: its label, unit and a sentence on how it was computed from which inputs.

    `name`, `unit` and `derived` read ``[lang]``: the level view keeps the catalogue's ``{zh, en}`` entries, the
    derived views carry `Message` facts (``views.*`` in common/strings/views.yaml).
    """

    view: str
    name: Mapping[str, str] | Message
    unit: Mapping[str, str] | Message
    short_unit: str
    decimals: int
    polarity: str
    derived: Message | None
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


def _named(ind: Indicator, view: str) -> Message:
    return Message("views.named", name=ind.name, view=Message(f"views.name.{view}"))


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
        how = Message("views.how.yoy", name=ind.name)
        info = ViewInfo("yoy", _named(ind, view), PERCENT, "%", 1, ind.polarity, how, (ind.id,))
        return derived.yoy_growth(rows), info
    if view == "per_capita":
        pc = ind.per_capita
        pop = catalogue.get(pc.denominator)
        how = Message(
            "views.how.per_capita",
            name=ind.name,
            unit=ind.unit,
            pop=pop.name,
            pop_unit=pop.unit,
            factor=f"{pc.factor:g}",
        )
        info = ViewInfo("per_capita", _named(ind, view), pc.unit, pc.short_unit, 0, ind.polarity, how, (ind.id, pop.id))
        return derived.per_capita(rows, select(obs, pop.id), pc.factor), info
    if view == "share":
        if ind.total == "sum_of_regions":
            members = [c for c in rows["region_code"].unique() if region_registry().get(c).kind == "province"]
            how = Message("views.how.share_of_sum", name=ind.name, count=len(members))
            shares = derived.share_of_total(rows, "sum_of_regions", members)
        else:
            total_name = region_registry().get(ind.total)
            how = Message("views.how.share_of_total", name=ind.name, total=Text(total_name.zh, total_name.en))
            shares = derived.share_of_total(rows, ind.total)
        info = ViewInfo("share", _named(ind, view), PERCENT, "%", 2, "neutral", how, (ind.id,))
        return shares, info
    # index
    reported = rows.loc[rows["value"].notna(), "period"]
    if reported.empty:
        raise DerivationError(f"{ind.id!r} has no reported value to use as a base period")
    base = pd.Timestamp(base_period) if base_period is not None else reported.min()
    how = Message("views.how.index", name=ind.name, year=base.year)
    unit = Message("views.index_unit", year=base.year)
    # "指数" is the catalogue's short unit of every index series (indicators/catalogue.yaml), not display text.
    info = ViewInfo("index", _named(ind, "index"), unit, "指数", 1, ind.polarity, how, (ind.id,))
    return derived.index_to_base(rows, base), info
