"""Hot topics and the topic mix: which topics grow fastest against their own baseline, as facts with their words.

A topic is *hot* when the newest complete week has at least ``min_count`` cases and more than ``min_ratio`` times
the mean of the ``weeks`` weeks before it ("路灯 诉求本周 312 件，为近 8 周均值的 2.4 倍"). A topic with no case at all
in those weeks is hot as *new* (no ratio can be given). Hot topics sort by ratio, the new ones first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from common.text import Message
from services.counts import case_counts, count_matrix

WEEKS, MIN_COUNT, MIN_RATIO = 8, 20, 1.5  # the baseline weeks, and what a hot topic needs
OTHER = "__other__"  # the topic-mix row of every topic outside the top ones; shown as signals.other


@dataclass(frozen=True)
class HotTopic:
    """A topic whose newest week is far above its own recent mean.

    Attributes:
        topic: the topic as the log names it.
        week: first day (Monday) of the newest complete week.
        count: cases opened that week; ``mean`` the mean of the ``weeks`` weeks before; ``ratio`` count / mean
            (inf for a new topic, whose mean is 0).
    """

    topic: str
    week: pd.Timestamp
    count: int
    mean: float
    weeks: int
    ratio: float
    code: str = "hot_topic"

    @property
    def new(self) -> bool:
        return self.mean == 0

    def message(self) -> Message:
        """The sentence: 路灯 诉求本周 312 件，为近 8 周均值的 2.4 倍 / Street lights: 312 requests this week, …"""
        if self.new:
            return Message("signals.hot_new", topic=self.topic, count=str(self.count), weeks=str(self.weeks))
        return Message(
            "signals.hot", topic=self.topic, count=f"{self.count:,}", weeks=str(self.weeks), ratio=f"{self.ratio:.1f}"
        )


def hot_topics(
    cases: pd.DataFrame,
    *,
    weeks: int = WEEKS,
    min_count: int = MIN_COUNT,
    min_ratio: float = MIN_RATIO,
    top: int | None = 10,
) -> list[HotTopic]:
    """The topics growing fastest in the newest complete week against the mean of the ``weeks`` weeks before.

    Args:
        cases: a canonical case table.
        weeks: baseline weeks (the log needs ``weeks + 1`` complete weeks, else nothing is hot).
        min_count: cases the newest week needs.
        min_ratio: how many times the baseline mean it needs.
        top: at most this many (None: all).
    """
    keys, periods, matrix = count_matrix(cases, "W", ("topic",))
    if len(periods) < weeks + 1 or not len(keys):
        return []
    newest = matrix[:, -1]
    mean = matrix[:, -weeks - 1 : -1].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mean > 0, newest / np.where(mean > 0, mean, 1.0), np.inf)
    hot = np.flatnonzero((newest >= min_count) & (ratio >= min_ratio))
    found = [
        HotTopic(str(keys[i][0]), periods[-1], int(newest[i]), float(mean[i]), weeks, float(ratio[i])) for i in hot
    ]
    found.sort(key=lambda h: (-h.ratio, -h.count, h.topic))
    return found if top is None else found[:top]


def topic_mix(cases: pd.DataFrame, freq: str = "W", top: int = 8) -> pd.DataFrame:
    """Each period's cases by topic: the ``top`` topics of the whole log by volume, the rest as :data:`OTHER`.

    Returns:
        ``period, topic, count, share`` (share of the period's cases, 0–1; 0 in a period without cases).
    """
    counts = case_counts(cases, freq, ("topic",))
    if counts.empty:
        return pd.DataFrame({"period": [], "topic": [], "count": [], "share": []})
    totals = counts.groupby("topic", dropna=False)["count"].sum().sort_values(ascending=False, kind="stable")
    keep = set(totals.index[:top])
    topic = counts["topic"].where(counts["topic"].isin(keep), OTHER).astype(object)
    mix = counts.assign(topic=topic).groupby(["period", "topic"], sort=False)["count"].sum().reset_index()
    period_total = mix.groupby("period")["count"].transform("sum")
    mix["share"] = (mix["count"] / period_total.where(period_total > 0)).fillna(0.0)
    order = {name: i for i, name in enumerate([*totals.index[:top], OTHER])}
    mix["_order"] = mix["topic"].map(order)
    return mix.sort_values(["period", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
