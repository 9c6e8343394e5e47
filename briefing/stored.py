"""A pack item as JSON text, for keeping it in the store (the briefing basket), and back.

Only JSON is ever read back: a figure goes through Plotly's own ``to_json`` / ``from_json`` (which validates every
property), a frame is written column by column with its dtype (values exact: Python's float repr round-trips), and
metadata and narrative facts are plain fields. Values JSON has no word for are tagged: ``{"$": "nan"}``,
``{"$t": "2024-01-01T00:00:00"}`` (a timestamp), ``{"$d": "2024-01-01"}`` (a date), ``{"$tuple": […]}``,
``{"$map": [[key, value], …]}``, ``{"$facts": {…}}``. Nothing is unpickled or evaluated, and a dtype is rebuilt
only from the short list pandas frames of this app use. The caption is not part of the text: the store keeps it
beside the item, so editing it never rewrites a chart.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from briefing.charts import ChartMeta
from briefing.errors import BadItem, BriefingError
from briefing.narrative import Facts
from briefing.pack_content import KINDS, PackItem
from briefing.tables import TableMeta
from common.text import LANGS

FORMAT = 1
# Dtypes a stored column may name: numbers, flags, text, categories and (time-zone aware) timestamps.
DTYPE = re.compile(
    r"u?int(8|16|32|64)|U?Int(8|16|32|64)|[Ff]loat(32|64)|bool|boolean|object|string|category"
    r"|datetime64\[(ns|us|ms|s)(, [A-Za-z][A-Za-z0-9_/+\-]*)?\]"
)
SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "nat": pd.NaT, "na": pd.NA}


def _value(value: Any) -> Any:
    """One value in JSON (tagged where JSON has no word for it)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return {"$": "nan"}
        return value if math.isfinite(value) else {"$": "inf" if value > 0 else "-inf"}
    if value is pd.NaT:
        return {"$": "nat"}
    if value is pd.NA:
        return {"$": "na"}
    if isinstance(value, dt.datetime | np.datetime64):
        return {"$t": pd.Timestamp(value).isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_value(v) for v in value]}
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, Facts):
        return {"$facts": {f.name: _value(getattr(value, f.name)) for f in fields(Facts)}}
    if isinstance(value, Mapping):
        return {"$map": [[_value(k), _value(v)] for k, v in value.items()]}
    raise BadItem(f"a {type(value).__name__} cannot be kept in the briefing basket")


def _read(value: Any) -> Any:
    """A value written by `_value`."""
    if isinstance(value, list):
        return [_read(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        raise BadItem(f"unknown stored value {sorted(value)[:3]}")
    ((tag, inner),) = value.items()
    if tag == "$":
        if inner not in SPECIAL:
            raise BadItem(f"unknown stored value {str(inner)[:20]!r}")
        return SPECIAL[inner]
    readers = {
        "$t": lambda v: pd.Timestamp(str(v)),
        "$d": lambda v: dt.date.fromisoformat(str(v)),
        "$tuple": lambda v: tuple(_read(x) for x in v),
        "$map": lambda v: {_read(k): _read(x) for k, x in v},
        "$facts": lambda v: Facts.from_dict({str(k): _read(x) for k, x in v.items()}),
    }
    if tag not in readers:
        raise BadItem(f"unknown stored value tag {tag[:20]!r}")
    return readers[tag](inner)


def _column(series: pd.Series) -> dict:
    dtype = series.dtype
    if not DTYPE.fullmatch(str(dtype)):
        raise BadItem(f"a column of type {dtype} cannot be kept in the briefing basket")
    column = {"dtype": str(dtype), "values": [_value(v) for v in series.astype(object).tolist()]}
    if isinstance(dtype, pd.CategoricalDtype):
        column |= {"categories": [_value(v) for v in dtype.categories.tolist()], "ordered": bool(dtype.ordered)}
    return column


def _series(column: Mapping[str, Any]) -> pd.Series:
    name = str(column["dtype"])
    if not DTYPE.fullmatch(name):
        raise BadItem(f"unknown stored column type {name[:40]!r}")
    values = [_read(v) for v in column["values"]]
    if name == "category":
        dtype = pd.CategoricalDtype([_read(v) for v in column["categories"]], ordered=bool(column["ordered"]))
        return pd.Series(values, dtype=dtype)
    return pd.Series(values, dtype=object if name == "object" else name)


def _index(index: pd.Index) -> dict | None:
    """Row or column labels: their names and each level as a column (None for the default 0, 1, 2, …)."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None:
        return None  # the default: rebuilt from the length
    levels = [index.get_level_values(n) for n in range(index.nlevels)]
    return {"names": [_value(n) for n in index.names], "levels": [_column(pd.Series(lv)) for lv in levels]}


def _rebuild_index(stored: Mapping[str, Any] | None, length: int) -> pd.Index:
    if stored is None:
        return pd.RangeIndex(length)
    names = [_read(n) for n in stored["names"]]
    levels = [pd.Index(_series(c)) for c in stored["levels"]]
    return levels[0].rename(names[0]) if len(levels) == 1 else pd.MultiIndex.from_arrays(levels, names=names)


def frame_to_json(frame: pd.DataFrame) -> dict:
    """A frame as JSON-ready data: its columns with their dtypes, its column labels and its index."""
    return {
        "labels": _index(frame.columns),
        "columns": [_column(frame.iloc[:, n]) for n in range(frame.shape[1])],
        "index": _index(frame.index),
        "rows": len(frame),
    }


def frame_from_json(stored: Mapping[str, Any]) -> pd.DataFrame:
    """The frame `frame_to_json` wrote."""
    rows = int(stored["rows"])
    columns = [_series(c) for c in stored["columns"]]
    if any(len(c) != rows for c in columns):
        raise BadItem("a stored table's columns differ in length")
    frame = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(rows))
    frame.columns = _rebuild_index(stored["labels"], len(columns))
    frame.index = _rebuild_index(stored["index"], rows)
    return frame


def _meta(meta: ChartMeta | TableMeta | None) -> dict | None:
    return None if meta is None else {f.name: _value(getattr(meta, f.name)) for f in fields(meta)}


def _rebuild_meta(cls: type, stored: Mapping[str, Any] | None):
    if stored is None:
        return None
    known = {f.name for f in fields(cls)}
    if set(stored) - known:
        raise BadItem(f"unknown {cls.__name__} fields {sorted(set(stored) - known)}")
    return cls(**{k: _read(v) for k, v in stored.items()})


def _lang(value: Any) -> str:
    """The language an item was collected in: one the product speaks, or "" (not known)."""
    if value not in ("", *LANGS):
        raise BadItem(f"unknown language {str(value)[:20]!r}")
    return value


def item_to_json(item: PackItem) -> str:
    """The item as JSON text (without its caption: the store keeps that beside it).

    Raises:
        BadItem: the item holds something JSON cannot carry faithfully (a column of an unusual type, an object).
    """
    figure = item.figure if item.figure is None or isinstance(item.figure, go.Figure) else go.Figure(item.figure)
    payload = {
        "format": FORMAT,
        "kind": item.kind,
        "title": item.title,
        "source": item.source,
        "figure": None if figure is None else figure.to_json(),
        "frame": None if item.frame is None else frame_to_json(item.frame),
        "chart_meta": _meta(item.chart_meta),
        "table_meta": _meta(item.table_meta),
        "facts": _value(item.facts),
        "lang": item.lang,
    }
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError as exc:  # a non-finite float that was not tagged, e.g. inside figure metadata
        raise BadItem(f"the item cannot be written as JSON: {exc}") from None


def item_from_json(text: str, caption: str = "") -> PackItem:
    """The item `item_to_json` wrote, with `caption`.

    Raises:
        BadItem: the text is not an item this release can read (damaged, or written by an unknown format).
    """
    try:
        payload = json.loads(text)
        if payload.get("format") != FORMAT or payload.get("kind") not in KINDS:
            raise BadItem(f"not a stored pack item of format {FORMAT}")
        figure = payload["figure"]
        return PackItem(
            kind=payload["kind"],
            title=str(payload["title"]),
            caption=caption,
            source=str(payload["source"]),
            figure=None if figure is None else pio.from_json(figure, skip_invalid=False),
            frame=None if payload["frame"] is None else frame_from_json(payload["frame"]),
            chart_meta=_rebuild_meta(ChartMeta, payload["chart_meta"]),
            table_meta=_rebuild_meta(TableMeta, payload["table_meta"]),
            facts=_read(payload["facts"]),
            lang=_lang(payload.get("lang", "")),
        )
    except BadItem:
        raise
    except (BriefingError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadItem(f"a stored pack item cannot be read: {type(exc).__name__}: {str(exc)[:200]}") from None
