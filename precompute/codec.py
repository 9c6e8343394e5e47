"""Results as bytes and back: a zip of one Parquet file per frame and one JSON file for everything else.

Parquet keeps every frame's dtypes and index, so a result read back equals the one computed (the tests compare
them exactly); no pickle, so a row in the store is data, never code. The JSON side knows the few value types the
results hold: timestamps, tuples, numpy arrays, dicts with number keys, `Message`, `Text` and `Period` facts (warnings'
wording), dataclasses listed in `TYPES` and the fitted objects listed in `OBJECTS` (a forecast run's calibration).
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import zipfile

import numpy as np
import pandas as pd

import forecasting
from common.periods import Period
from common.text import Message, Text
from forecasting.conformal import StepQuantiles
from forecasting.intervals import Calibrated
from indicators.standings import Standings
from indicators.warnings import Alert

#: The dataclasses a result may be or hold, by the name written into the JSON.
TYPES = {cls.__name__: cls for cls in (forecasting.ForecastRun, forecasting.Pooled, Calibrated, Standings, Alert)}
#: Plain classes a result may hold, stored as their attributes (fitted state, no code).
OBJECTS = {cls.__name__: cls for cls in (StepQuantiles,)}


class CodecError(ValueError):
    """Stored bytes that are not a result this version of the code can read."""


def dumps(value: object) -> bytes:
    """`value` (a dataclass of `TYPES`, a list of them, frames and plain values inside) as bytes."""
    frames: list[pd.DataFrame] = []
    tree = _encode(value, frames)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:  # Parquet is compressed already
        zf.writestr("value.json", json.dumps(tree, ensure_ascii=False, allow_nan=True))
        for i, frame in enumerate(frames):
            data = io.BytesIO()
            frame.to_parquet(data, engine="pyarrow", compression="zstd")
            zf.writestr(f"{i}.parquet", data.getvalue())
    return buffer.getvalue()


def loads(payload: bytes) -> object:
    """The value `dumps` wrote.

    Raises:
        CodecError: the bytes are not such a value.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            tree = json.loads(zf.read("value.json"))
            frames = {name: zf.read(name) for name in zf.namelist() if name.endswith(".parquet")}
            return _decode(tree, frames)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise CodecError(f"not a stored result: {exc}") from exc


def _encode(value: object, frames: list[pd.DataFrame]) -> object:
    if isinstance(value, pd.DataFrame):
        frames.append(value)
        return {"$frame": f"{len(frames) - 1}.parquet"}
    if isinstance(value, Message):
        return {"$message": value.key, "fields": _encode(value.fields, frames)}
    if isinstance(value, Text):  # a name in both languages (a case log's topic in a warning)
        return {"$text": {"zh": value.zh, "en": value.en}}
    if isinstance(value, Period):
        return {"$period": value.first.isoformat(), "freq": value.freq}
    if isinstance(value, pd.Timestamp):
        return {"$timestamp": value.isoformat()}
    if dataclasses.is_dataclass(value) and type(value).__name__ in TYPES:
        fields = {f.name: _encode(getattr(value, f.name), frames) for f in dataclasses.fields(value)}
        return {"$type": type(value).__name__, "fields": fields}
    if type(value).__name__ in OBJECTS and isinstance(value, OBJECTS[type(value).__name__]):
        return {"$object": type(value).__name__, "state": _encode(vars(value), frames)}
    if isinstance(value, np.ndarray):
        return {"$array": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, frames) for v in value]}
    if isinstance(value, list):
        return [_encode(v, frames) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"$dict": {k: _encode(v, frames) for k, v in value.items()}}
        if all(isinstance(k, str | int | float | np.number) for k in value):
            return {"$items": [[_encode(k, frames), _encode(v, frames)] for k, v in value.items()]}
        raise TypeError(f"only text or number keys can be stored; got {list(value)}")
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if hasattr(value, "item") and not isinstance(value, pd.Series):  # a numpy scalar
        return {"$numpy": type(value).__name__, "value": _encode(value.item(), frames)}
    raise TypeError(f"cannot store a {type(value).__name__}")


def _decode(tree: object, frames: dict[str, bytes]) -> object:
    if isinstance(tree, list):
        return [_decode(v, frames) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "$frame" in tree:
        return pd.read_parquet(io.BytesIO(frames[tree["$frame"]]), engine="pyarrow")
    if "$message" in tree:
        return Message(tree["$message"], **_decode(tree["fields"], frames))
    if "$text" in tree:
        return Text(tree["$text"]["zh"], tree["$text"]["en"])
    if "$period" in tree:
        return Period(pd.Timestamp(tree["$period"]), tree["freq"])
    if "$timestamp" in tree:
        return pd.Timestamp(tree["$timestamp"])
    if "$type" in tree:
        cls = TYPES[tree["$type"]]
        return cls(**{k: _decode(v, frames) for k, v in tree["fields"].items()})
    if "$object" in tree:
        obj = OBJECTS[tree["$object"]].__new__(OBJECTS[tree["$object"]])
        vars(obj).update(_decode(tree["state"], frames))
        return obj
    if "$array" in tree:
        return np.asarray(tree["$array"], dtype=np.dtype(tree["dtype"]))
    if "$items" in tree:
        return {_decode(k, frames): _decode(v, frames) for k, v in tree["$items"]}
    if "$tuple" in tree:
        return tuple(_decode(v, frames) for v in tree["$tuple"])
    if "$dict" in tree:
        return {k: _decode(v, frames) for k, v in tree["$dict"].items()}
    if "$float" in tree:
        return float(tree["$float"])
    if "$numpy" in tree:
        return getattr(np, tree["$numpy"])(_decode(tree["value"], frames))
    raise CodecError(f"unknown stored value {sorted(tree)}")
