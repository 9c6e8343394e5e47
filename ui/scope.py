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
    the data change, so it must be keyed by them).

    The key is one text (`key_text`) of the arguments, scope and version when they are plain values: Streamlit
    hashed each argument of the ~40 cached calls of an Overview view, ~9% of its work (issue 17); the arguments
    themselves are handed over unhashed. Anything else (a frame) is hashed by Streamlit as before.
    """

    def wrap(fn: Callable) -> Callable:
        def keyed(key: Any, _args: tuple, _kwargs: dict):
            return fn(*_args, **_kwargs)

        # Streamlit names a cache by module and qualified name: each wrapped function keeps its own.
        keyed.__module__, keyed.__qualname__ = fn.__module__, fn.__qualname__
        cache = st.cache_resource if resource else st.cache_data
        cached = cache(show_spinner=False, **cache_kwargs)(keyed)
        # The key names every argument by name (a positional one as the function calls it), so f(1) and f(x=1)
        # meet; every argument is handed over by name: Streamlit looks a positional argument's name up with
        # inspect.signature on every call.
        names = _positional_names(fn)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            if names is not None:
                args, kwargs = (), {**dict(zip(names, args, strict=False)), **kwargs}
            version_now = version() if version else None
            # An argument named with a leading underscore (a progress callback) is not part of the key, as Streamlit
            # leaves it out of its own.
            named = tuple(sorted((k, v) for k, v in kwargs.items() if not k.startswith("_")))
            key = key_text((named, args, current_scope(), version_now))
            return cached(key=key, _args=args, _kwargs=kwargs)

        call.clear = cached.clear
        return call

    return wrap


_PLAIN = (str, int, float, bool, type(None))


def key_text(key: tuple) -> str | tuple:
    """A cache key of plain values (text, numbers, None, tuples of them) as one text, which Streamlit hashes in ~14 µs
    where it walks a tuple in ~110 µs (an Overview asks `shared` for ~30 results a view, issue 17). ``repr`` of such
    values says exactly what they are; a key holding anything else is handed over as it is."""

    def plain(value: object) -> bool:
        return isinstance(value, _PLAIN) or (isinstance(value, tuple) and all(plain(v) for v in value))

    return repr(key) if plain(key) else key


def _positional_names(fn: Callable) -> list[str] | None:
    """The names `fn`'s positional arguments can be passed by (None: it takes ``*args`` or positional-only ones)."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind in (p.VAR_POSITIONAL, p.POSITIONAL_ONLY) for p in params):
        return None
    return [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
