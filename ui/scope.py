"""The signed-in user's region scope as part of every cache key over observations (used by ui/cache.py)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import streamlit as st

# Where ui.auth.gate() keeps the signed-in actor of a session (read here too, so the cache needs no ui.auth).
ACTOR_KEY = "auth_actor"


def current_scope() -> str | None:
    """The signed-in user's region scope (None: every region).

    Raises:
        RuntimeError: nobody is signed in in this session (the page did not call ui.auth.gate()).
    """
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None:
        raise RuntimeError("no signed-in user: the page must call ui.auth.gate() before reading data")
    return actor.scope


def scoped(*, resource: bool = False, version: Callable[[], Any] | None = None, **cache_kwargs) -> Callable:
    """`st.cache_data` (`st.cache_resource` with ``resource``: a shared object such as a figure, never mutated) with
    the current user's region scope as part of the key (the wrapped function reads the scoped observations, which
    depend on who asks) — and, with ``version``, what it returns (the data version: a resource is not dropped when
    the data change, so it must be keyed by them)."""

    def wrap(fn: Callable) -> Callable:
        def keyed(*args, scope: str | None, data_version: Any, **kwargs):
            return fn(*args, **kwargs)

        # Streamlit names a cache by module and qualified name: each wrapped function keeps its own.
        keyed.__module__, keyed.__qualname__ = fn.__module__, fn.__qualname__
        cache = st.cache_resource if resource else st.cache_data
        cached = cache(show_spinner=False, **cache_kwargs)(keyed)
        # Every argument is handed over by name: Streamlit looks a positional argument's name up with
        # inspect.signature on every call (2 ms of an Overview view over its ~40 cached calls, issue 17).
        names = _positional_names(fn)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            if names is not None:
                args, kwargs = (), {**dict(zip(names, args, strict=False)), **kwargs}
            return cached(*args, scope=current_scope(), data_version=version() if version else None, **kwargs)

        call.clear = cached.clear
        return call

    return wrap


def _positional_names(fn: Callable) -> list[str] | None:
    """The names `fn`'s positional arguments can be passed by (None: it takes ``*args`` or positional-only ones)."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind in (p.VAR_POSITIONAL, p.POSITIONAL_ONLY) for p in params):
        return None
    return [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
