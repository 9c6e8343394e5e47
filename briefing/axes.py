"""Axes of any Plotly figure labelled the way the reader's language writes them: the one place every chart, on a
page or exported, gets its tick labels from.

* Value axes (`number_axes`): large numbers as the language writes them (2万 / 4万 / 1.5亿, 20k / 40k / 1.5M / 2bn).
  Plotly's own formats know only SI prefixes (20k, 1.5G), so the ticks are chosen here (round steps over the data's
  range, :func:`common.numbers.axis_ticks`) and written as ``tickvals`` / ``ticktext``. Date, category and log axes,
  hidden axes and axes that already carry tick labels of their own are left alone.
* Date axes (`date_axes`): plotly.js knows English month names only ("Jan 2015"), so a Chinese chart gets Chinese
  date formats (2015年1月, 2015年), chosen by plotly.js per tick spacing (``tickformatstops``); and in both languages
  the date a hover names is written at the data's own step — a year's figure as 2024, not "Jan 1, 2024"; a
  quarter's as 2024年第1季度 / 2024 Q1 (``hoverformat``). Axes with a format of their own are left alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from numbers import Number

import numpy as np
import plotly.graph_objects as go

from common.numbers import axis_ticks

VALUE_TRACES = ("scatter", "scattergl", "bar")
SKIPPED_TYPES = ("date", "category", "multicategory", "log")


def _numbers(coords: Iterable) -> list[float] | None:
    """The finite numbers of a trace's coordinates, or None when any coordinate is not a number (dates, names)."""
    array = np.asarray(coords).ravel()
    if array.dtype.kind in "iuf":
        return [float(v) for v in array[np.isfinite(array)]]
    if array.dtype.kind != "O":  # datetime64, strings, booleans
        return None
    out = []
    for value in array:
        if value is None:
            continue
        if isinstance(value, bool | np.bool_ | str | dt.date | dt.datetime | np.datetime64):
            return None
        if not isinstance(value, Number):
            return None
        number = float(value)
        if math.isfinite(number):
            out.append(number)
    return out


def _axis_name(ref: str | None, letter: str) -> str:
    """Layout name of a trace's axis reference: ``x`` → ``xaxis``, ``y3`` → ``yaxis3``."""
    ref = ref or letter
    return f"{letter}axis{ref[1:]}"


def value_ranges(fig: go.Figure) -> dict[str, tuple[float, float]]:
    """Each numeric axis of `fig` (layout name) with the smallest and largest value drawn on it; axes that share
    their range (``matches``) pooled under each of their names."""
    values: dict[str, list[float]] = {}
    refused: set[str] = set()
    for trace in fig.data:
        if trace.type not in VALUE_TRACES:
            continue
        for letter in "xy":
            name = _axis_name(getattr(trace, f"{letter}axis", None), letter)
            coords = getattr(trace, letter, None)
            numbers = _numbers(coords) if coords is not None else []
            if numbers is None:
                refused.add(name)
            else:
                values.setdefault(name, []).extend(numbers)
    groups: dict[str, list[str]] = {}
    for name in values:
        matches = fig.layout[name].matches if name in fig.layout else None
        groups.setdefault(_axis_name(matches, name[0]) if matches else name, []).append(name)
    ranges = {}
    for members in groups.values():
        if refused.intersection(members):
            continue
        pooled = [v for name in members for v in values[name]]
        if pooled:
            for name in members:
                ranges[name] = (min(pooled), max(pooled))
    return ranges


def _own_labels(axis) -> bool:
    return axis.type in SKIPPED_TYPES or axis.visible is False or axis.ticktext is not None


def unlabelled(fig: go.Figure) -> list[str]:
    """The numeric axes of `fig` that have no tick labels from here (or of their own) yet."""
    return [name for name in value_ranges(fig) if not _own_labels(fig.layout[name])]


#: Chinese tick labels by the spacing plotly.js picks: days and weeks, months, years.
ZH_TICKS = (
    {"dtickrange": [None, "M1"], "value": "%-m月%-d日"},
    {"dtickrange": ["M1", "M12"], "value": "%Y年%-m月"},
    {"dtickrange": ["M12", None], "value": "%Y年"},
)
#: The hover's date by the data's step (the smallest gap between two of its dates), longest step first.
HOVER_FORMATS = (
    (360, {"zh": "%Y年", "en": "%Y"}),
    (85, {"zh": "%Y年第%q季度", "en": "%Y Q%q"}),
    (27, {"zh": "%Y年%-m月", "en": "%b %Y"}),
    (0, {"zh": "%Y年%-m月%-d日", "en": "%b %-d, %Y"}),
)


def _dates(coords: Iterable) -> np.ndarray | None:
    """A trace's coordinates as sorted distinct datetime64 values, or None when they are not dates."""
    array = np.asarray(coords).ravel()
    if array.dtype.kind != "M":
        present = [v for v in array if v is not None]
        if not present or not all(isinstance(v, dt.date | np.datetime64) for v in present):
            return None
        array = np.asarray(present, dtype="datetime64[ns]")
    return np.unique(array[~np.isnat(array)])


def date_steps(fig: go.Figure) -> dict[str, float | None]:
    """Each date axis of `fig` (layout name) with the data's step in days (None: fewer than two dates on it)."""
    dates: dict[str, list[np.ndarray]] = {}
    for trace in fig.data:
        coords = getattr(trace, "x", None)
        found = _dates(coords) if coords is not None and len(coords) else None
        if found is not None:
            dates.setdefault(_axis_name(getattr(trace, "xaxis", None), "x"), []).append(found)
    steps: dict[str, float | None] = {}
    for name, parts in dates.items():
        gaps = [np.diff(part).min() for part in parts if len(part) > 1]  # within a trace: a band's edges repeat dates
        steps[name] = min(gaps) / np.timedelta64(1, "D") if gaps else None
    return steps


def date_axes(fig: go.Figure, lang: str) -> go.Figure:
    """Write every date axis of `fig` in `lang`: tick labels (Chinese only; plotly.js's own are English) and the
    hover's date at the data's step, in place; returns `fig`. An axis with a format of its own is left alone."""
    for name, step in date_steps(fig).items():
        axis = fig.layout[name]
        if axis.type not in (None, "-", "date"):
            continue
        if lang == "zh" and axis.tickformat is None and not axis.tickformatstops:
            axis.update(tickformatstops=list(ZH_TICKS))
        if axis.hoverformat is None:
            formats = next(f for days, f in HOVER_FORMATS if (step or 0) >= days)  # one date: written in full
            axis.update(hoverformat=formats[lang])
    return fig


def number_axes(fig: go.Figure, lang: str) -> go.Figure:
    """Label every numeric value axis of `fig` in `lang`'s convention, in place; returns `fig`."""
    ranges = value_ranges(fig)
    target = 5 if len(ranges) <= 2 else 4  # small panels get fewer ticks
    for name, (lo, hi) in ranges.items():
        axis = fig.layout[name]
        if axis.type in SKIPPED_TYPES or axis.visible is False:
            continue
        values, labels = axis_ticks(lo, hi, lang, target)
        axis.update(tickmode="array", tickvals=values, ticktext=labels)
    return fig
