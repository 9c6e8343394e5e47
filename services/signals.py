"""The service signals in words and as Overview warnings: a surge or an overdue build-up as a `Message` (keys
``signals.*`` of common/strings/services_signals.yaml), and both as `indicators.warnings.Alert`s.

Topic and area names come from an office's file: the messages carry them as plain fields, and whoever shows a
message shows it as text (``st.text``, a dataframe cell, ``ui.inert``), never as Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from common.text import Message, Text
from indicators.warnings import Alert
from services.surge import Buildup, Surge, buildups, surges
from services.topics import HotTopic, hot_topics, topic_mix

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
UNIT_KEYS = {"D": "signals.unit.D", "W": "signals.unit.W"}
#: the catalogue indicators the alerts are filed under (the case-log indicators of issue 18)
VOLUME_INDICATOR = "svc_volume"
OVERDUE_INDICATOR = "svc_overdue"
SURGE_CRITICAL_RATIO = 3.0  # a surge of three times its forecast or more is critical, else a warning


@dataclass(frozen=True)
class Signals:
    """Every signal of one case log at one grain (what the page's signal section shows)."""

    freq: str
    hot: list[HotTopic]
    mix: pd.DataFrame  # services.topics.topic_mix, weekly
    surges: list[Surge]
    buildups: list[Buildup]


def compute(cases: pd.DataFrame, freq: str = "W", holidays: str | None = "CN") -> Signals:
    """Hot topics and the weekly topic mix, surges at ``freq`` (topic and topic × area) and weekly overdue build-ups
    of a canonical case table; ``holidays``: the country whose public holidays are not tested for daily surges."""
    return Signals(
        freq=freq,
        hot=hot_topics(cases),
        mix=topic_mix(cases, "W"),
        surges=surges(cases, freq, holidays=holidays),
        buildups=buildups(cases, "W"),
    )


def day(moment: pd.Timestamp) -> Text:
    """A day: 2015年12月21日 / 21 Dec 2015 (as ``common.periods`` writes months: one display per language)."""
    y, m, d = moment.year, moment.month, moment.day
    return Text(f"{y}年{m}月{d}日", f"{d} {_MONTHS_EN[m - 1]} {y}")


def period(moment: pd.Timestamp, freq: str) -> Text | Message:
    """A day, or the week starting on it (2015年12月21日当周 / the week of 21 Dec 2015)."""
    return day(moment) if freq == "D" else Message("signals.week_of", date=day(moment))


def series_name(topic: str, area: str | None) -> str | Message:
    """The topic, or the topic in its area: 路灯（朝阳区） / Street lights (Chaoyang)."""
    return topic if area is None else Message("signals.series_area", topic=topic, area=area)


def surge_message(surge: Surge) -> Message:
    """A surge in words: the figure, the forecast, the bound and the history it was measured against (a forecast
    under one case reads "less than one", with no ratio)."""
    fields = {
        "series": series_name(surge.topic, surge.area),
        "when": period(surge.period, surge.freq),
        "count": f"{surge.count:,}",
        "bound": f"{surge.bound:,.0f}",
        "start": period(surge.history_start, surge.freq),
        "end": period(surge.history_end, surge.freq),
        "n": str(surge.history_periods),
        "unit": Message(UNIT_KEYS[surge.freq]),
    }
    if surge.expected < 1:
        return Message("signals.surge_low", **fields)
    return Message("signals.surge", expected=f"{surge.expected:,.0f}", ratio=f"{surge.ratio:.1f}", **fields)


def buildup_message(buildup: Buildup) -> Message:
    """An overdue build-up in words: the count, how long it has been rising, and the usual level."""
    ratio = buildup.count / buildup.usual if buildup.usual > 0 else float("inf")
    return Message(
        "signals.buildup",
        series=series_name(buildup.topic, buildup.area),
        when=period(buildup.period, buildup.freq),
        count=f"{buildup.count:,}",
        n=str(buildup.rising),
        unit=Message(UNIT_KEYS[buildup.freq]),
        usual=f"{buildup.usual:,.0f}",
        ratio=f"{ratio:.1f}" if ratio != float("inf") else "∞",
    )


def overview_alerts(
    surges: list[Surge], buildups: list[Buildup], area_codes: dict[str, str] | None = None
) -> list[Alert]:
    """The signals as Overview warnings (``indicators.warnings.Alert``), most severe first.

    A surge is ``critical`` at :data:`SURGE_CRITICAL_RATIO` times its forecast or more, else a ``warning``; a
    build-up is a ``warning``. ``region_code`` is the area's code where ``area_codes`` maps its name (else the
    area's name, or "" for a topic across all areas); kinds are ``"surge"`` and ``"overdue"``.
    """
    codes = area_codes or {}
    out = []
    for s in surges:
        out.append(
            Alert(
                kind="surge",
                severity="critical" if s.ratio >= SURGE_CRITICAL_RATIO else "warning",
                indicator_id=VOLUME_INDICATOR,
                region_code=codes.get(s.area, s.area) if s.area is not None else "",
                period=s.period,
                value=float(s.count),
                rule_id=f"{s.code}:{s.freq}",
                message=surge_message(s),
                direction="above",
                expected_high=s.bound,
                score=s.ratio,
            )
        )
    for b in buildups:
        out.append(
            Alert(
                kind="overdue",
                severity="warning",
                indicator_id=OVERDUE_INDICATOR,
                region_code=codes.get(b.area, b.area) if b.area is not None else "",
                period=b.period,
                value=float(b.count),
                rule_id=f"{b.code}:{b.freq}",
                message=buildup_message(b),
                direction="above",
                streak=b.rising,
            )
        )
    rank = {"critical": 0, "warning": 1}
    return sorted(out, key=lambda a: (rank[a.severity], -(a.score or 0.0)))


def log_warnings(cases: pd.DataFrame, holidays: str | None) -> list[Alert]:
    """A log's weekly surges and overdue build-ups as Overview warnings, most severe first (what the Overview shows,
    and what the precompute job stores for it)."""
    found = compute(cases, "W", holidays)
    return overview_alerts(found.surges, found.buildups)
