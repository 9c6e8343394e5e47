"""ui/cache.py's shared results: what a page builds is built once per key, data version and scope; bounded."""

from __future__ import annotations

import logging

import pytest

from ui import cache

# Outside a running app Streamlit warns that there is no script context on every cached call.
logging.getLogger("streamlit.runtime.caching.cache_data_api").disabled = True


@pytest.fixture
def world(monkeypatch):
    """The data version and the signed-in user's scope, settable by the test; an empty shared cache around it."""
    now = {"version": 1, "scope": None}
    monkeypatch.setattr(cache, "data_version", lambda: now["version"])
    monkeypatch.setattr(cache, "current_scope", lambda: now["scope"])
    cache._shared.clear()
    yield now
    cache._shared.clear()


def test_a_key_is_built_once_and_shared(world):
    built = []
    first = cache.shared(("fan", "gdp-440000", "zh"), lambda: built.append(1) or object())
    again = cache.shared(("fan", "gdp-440000", "zh"), lambda: built.append(1) or object())
    assert again is first and built == [1]
    cache.shared(("fan", "gdp-440000", "en"), lambda: built.append(2) or object())  # another language: its own
    assert built == [1, 2]


def test_a_new_data_version_or_another_scope_builds_afresh(world):
    built = []
    national = cache.shared(("rank", "gdp"), lambda: built.append("v1") or object())
    world["version"] = 2  # a commit anywhere moves the store-wide counter
    assert cache.shared(("rank", "gdp"), lambda: built.append("v2") or object()) is not national
    world["scope"] = "440000"  # a user scoped to Guangdong never gets the national result
    cache.shared(("rank", "gdp"), lambda: built.append("scoped") or object())
    assert built == ["v1", "v2", "scoped"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("t", 1), ("t", "1")),  # a number is not its text
        (("t", 1), ("t", 1.5)),
        (("t", None), ("t", "None")),
        (("t", ("a", "b")), ("t", "a", "b")),  # nesting counts
        (("t", "a,b"), ("t", "a", "b")),
        (("t", "x'"), ("t", 'x"')),
    ],
)
def test_keys_that_differ_never_meet(world, a, b):
    assert cache.key_text(a) != cache.key_text(b)
    assert cache.shared(a, lambda: "first") == "first"
    assert cache.shared(b, lambda: "second") == "second"


def test_a_key_with_other_values_is_hashed_as_it_is():
    key = ("t", frozenset({1}))
    assert cache.key_text(key) is key
    assert cache.key_text(("t", 1, ("a", None))) == "('t', 1, ('a', None))"


def test_the_shared_cache_is_bounded_and_evicts(world):
    limit, built = 256, []  # max_entries of cache._shared
    for n in range(limit + 1):
        cache.shared(("t", n), lambda n=n: built.append(n) or n)
    assert len(built) == limit + 1
    cache.shared(("t", limit), lambda: built.append("again"))  # the newest is still there
    assert len(built) == limit + 1
    cache.shared(("t", 0), lambda: built.append(0) or 0)  # the oldest was evicted: built again
    assert built[-1] == 0 and len(built) == limit + 2


# --- ui.scope.scoped: cached functions over observations, keyed by one text of their arguments, scope and version --


@pytest.fixture
def calls(monkeypatch):
    """A scoped cached function recording its calls, with the signed-in user's scope settable by the test."""
    from ui import scope

    now, seen = {"scope": None}, []
    monkeypatch.setattr(scope, "current_scope", lambda: now["scope"])

    @scope.scoped(max_entries=16)
    def rows(indicator_id: str, region_codes: tuple | None = None, year=None) -> tuple:
        seen.append((indicator_id, region_codes, year))
        return (indicator_id, region_codes, year, now["scope"])

    rows.clear()
    yield rows, now, seen
    rows.clear()


def test_a_scoped_function_is_called_once_per_arguments_and_scope(calls):
    rows, now, seen = calls
    assert rows("gdp") == ("gdp", None, None, None)
    assert rows(indicator_id="gdp") == ("gdp", None, None, None)  # by name or by position: one key
    assert len(seen) == 1
    assert rows("gdp", ("440000",)) == ("gdp", ("440000",), None, None)
    assert rows("gdp", region_codes=("440000",)) == ("gdp", ("440000",), None, None)
    assert rows("gdp", ("440000", "110000"))[1] == ("440000", "110000")
    rows("gdp", year=1)
    rows("gdp", year=1.0)
    assert seen[-2:] == [("gdp", None, 1), ("gdp", None, 1.0)]  # 1 and 1.0 are keyed apart: two calls
    now["scope"] = "440000"  # a user scoped to Guangdong never gets the national result
    assert rows("gdp") == ("gdp", None, None, "440000") and len(seen) == 6


def test_an_underscore_argument_is_not_part_of_the_key(monkeypatch):
    from ui import scope

    monkeypatch.setattr(scope, "current_scope", lambda: None)
    seen = []

    @scope.scoped(max_entries=4)
    def run(indicator_id: str, _progress=None) -> str:  # a callback: Streamlit could not hash it
        seen.append(indicator_id)
        return indicator_id

    run.clear()
    assert run("gdp", _progress=lambda done, total: "") == "gdp"
    assert run("gdp", _progress=lambda done, total: "again") == "gdp" and seen == ["gdp"]  # one key
    run.clear()


def test_a_scoped_function_given_other_values_hashes_them(calls):
    import pandas as pd

    rows, _, seen = calls
    year = pd.Timestamp("2024-01-01")  # not a plain value: Streamlit hashes it, as before
    assert rows("gdp", year=year)[2] == year
    assert rows("gdp", year=pd.Timestamp("2024-01-01"))[2] == year and len(seen) == 1
    assert rows("gdp", year=pd.Timestamp("2023-01-01"))[2] != year and len(seen) == 2
