"""The local user's briefing basket in the test store, read straight from the store as the app's sessions left it.

AppTest sessions and the browser's app run in local mode: their user is ``local``, and they share the store of
this test process (``$COCKPIT_DATA_DIR``, see conftest.py). A test that adds to the basket starts from an empty
one (the `local_basket` fixture) and reads what the app stored here, not from a session's state.
"""

from __future__ import annotations

from functools import lru_cache

from briefing import PackItem
from briefing.stored import item_from_json
from data.access import Actor, Role
from data.store import Store, open_store
from ui.identity import LOCAL_USER

LOCAL = Actor(LOCAL_USER, Role.ADMIN, address="127.0.0.1")


@lru_cache(maxsize=1)
def app_store() -> Store:
    """The store the app under test uses (tables created; seeding is left to the app)."""
    return open_store(seed=False)


def stored(user: str = LOCAL_USER) -> list[tuple[str, PackItem]]:
    """(key, item) of each entry of `user`'s basket, in order, decoded from the store."""
    baskets = app_store().baskets
    rows = baskets.rows(user)
    payloads = baskets.payloads(user, [r.token for r in rows])
    return [(r.key, item_from_json(payloads[r.token], r.caption)) for r in rows]


def stored_items(user: str = LOCAL_USER) -> list[PackItem]:
    return [item for _, item in stored(user)]


def stored_keys(user: str = LOCAL_USER) -> list[str]:
    return [key for key, _ in stored(user)]


def empty(user: str = LOCAL_USER) -> None:
    app_store().baskets.clear(actor=Actor(user, Role.VIEWER))
