"""A small real store for the precompute tests: GDP and GDP per capita of four provinces, from the shipped NBS
portal export."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from data.nbs_portal import load_cn_prov_nbs
from data.store import Store
from precompute import codec

PROVINCES = ("320000", "330000", "370000", "440000")
DATASET = "cn_prov_nbs"


def small_frame() -> pd.DataFrame:
    nbs = load_cn_prov_nbs()
    keep = nbs["indicator_id"].isin(["gdp", "gdp_per_capita"]) & nbs["region_code"].isin(PROVINCES)
    return nbs[keep].reset_index(drop=True)


def small_store(url: str) -> Store:
    """A store at `url` holding only the small frame, as version 1 of the portal dataset."""
    store = Store.open(url)
    store.seed({DATASET: small_frame})
    return store


def assert_same(a: object, b: object, where: str = "result") -> None:
    """Exactly equal results: frames with their dtypes and index, arrays with their dtype, dataclasses field by field,
    fitted objects attribute by attribute, lists and dicts item by item."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, pd.DataFrame):
        assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype, f"{where}: {a.dtype} vs {b.dtype}"
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} vs {list(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif type(a) in codec.OBJECTS.values():
        assert_same(vars(a), vars(b), f"{where}.__dict__")
    else:
        assert a == b or (a != a and b != b), f"{where}: {a!r} != {b!r}"
