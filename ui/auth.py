"""The signed-in user of this session: one code path for OIDC, a trusted proxy and local mode (see ui/identity.py).

Every page calls `gate()` first (app.py too, before navigation): it returns the `Actor` of this run or draws the
sign-in, "sign-in expired" or "sign-in not configured" page and stops the script, so no page reads data without an
actor. The actor is kept in the session for the caching layer, which applies the region scope (`ui.cache`), and
for the pages, which hide what the role cannot use and pass the actor to every write.

Tests set the OIDC user with ``AppTest.user`` (Streamlit's own testing support). Headers and the client address
cannot be seeded under AppTest (Streamlit 1.67), so `visit()` is the one seam a test may replace to play a proxy.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from functools import lru_cache

import streamlit as st

from data.access import Actor, Role, check
from data.errors import AccessDenied
from ui import admission, cache
from ui.i18n import current_lang, t
from ui.identity import Outcome, Settings, Visit, decide
from ui.scope import ACTOR_KEY
from ui.state import fragment_alone

NOTED_KEY = "auth_noted"  # refusals already logged and audited in this session
LOG = logging.getLogger("cockpit.auth")


def oidc_providers() -> list[str | None]:
    """The providers of secrets.toml's ``[auth]``: named ``[auth.<name>]`` sections, or None for the one unnamed."""
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, OSError):  # no secrets file at all
        return []
    if not section:
        return []
    named = [key for key, value in section.items() if hasattr(value, "items") and "client_id" in value]
    return named or ([None] if "client_id" in section else [])


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The sign-in settings of this process (environment variables read once)."""
    return Settings.from_env(oidc_configured=bool(oidc_providers()))


def visit() -> Visit:
    """What Streamlit tells about this visitor: bound address, client address, headers and OIDC claims."""
    peer, headers = st.context.ip_address, st.context.headers
    # Under AppTest there is no client connection: Streamlit hands out mocks for the address and headers there
    # (a served session always has a str or None and a mapping).
    return Visit(
        server_address=st.get_option("server.address"),
        peer=peer if isinstance(peer, str) else None,
        headers={str(k): str(v) for k, v in headers.items()} if isinstance(headers, Mapping) else {},
        user=st.user.to_dict(),
    )


def role_name(role: Role, lang: str | None = None) -> str:
    return t(f"auth.role_{role.label}", lang)


def current() -> Actor:
    """The actor `gate()` admitted in this session.

    Raises:
        RuntimeError: no page called `gate()` first (a programming error; nothing is read without an actor).
    """
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None:
        raise RuntimeError("no signed-in user: the page must call ui.auth.gate() before reading data")
    return actor


def gate() -> Actor:
    """The signed-in actor of this run; otherwise the sign-in or refusal page is drawn and the script stops."""
    current_visit = visit()
    outcome = decide(settings(), current_visit, cache.store().users.get)
    previous = st.session_state.get(ACTOR_KEY)
    if outcome.actor is not None:
        if previous is None or previous.user != outcome.actor.user:
            cache.store().audit.record(outcome.actor, "sign_in", object=settings().mode, detail=outcome.reason)
        st.session_state[ACTOR_KEY] = outcome.actor
        return outcome.actor
    st.session_state.pop(ACTOR_KEY, None)
    _note(outcome, current_visit, previous)
    _refusal_page(outcome)
    st.stop()


def fragment(draw: Callable | None = None, *, run_every: float | None = None) -> Callable:
    """``st.fragment`` for a part of a page (``@auth.fragment`` or ``@auth.fragment(run_every=…)``), with the
    sign-in checked again when the part reruns alone.

    A fragment's own rerun skips app.py and the page above it, so `gate()` does not run: an ID token that expired,
    a sign-out in another tab or a role taken away would go unnoticed while the visitor changes widgets in the part.
    Each such rerun decides again; a visitor no longer admitted as the same actor gets a rerun of the whole app,
    whose gate draws the sign-in or refusal page.
    """
    if draw is None:
        return functools.partial(fragment, run_every=run_every)

    @functools.wraps(draw)
    def checked(*args, **kwargs):
        if fragment_alone():
            outcome = decide(settings(), visit(), cache.store().users.get)
            if outcome.actor is None or outcome.actor != st.session_state.get(ACTOR_KEY):
                st.rerun(scope="app")
        with admission.admitted():  # a part's own rerun waits its turn as a page's does (inside one: no-op)
            return draw(*args, **kwargs)

    return st.fragment(checked, run_every=run_every)


def _note(outcome: Outcome, current_visit: Visit, previous: Actor | None) -> None:
    """Log and audit a refusal once per session (a rerun must not flood the trail)."""
    noted = st.session_state.setdefault(NOTED_KEY, set())
    key = (outcome.state, outcome.reason)
    if key in noted or outcome.state == "sign_in" and not outcome.reason:
        return
    noted.add(key)
    who = previous or Actor("anonymous", Role.VIEWER, address=current_visit.address)
    LOG.warning("access refused (%s) for %s from %s: %s", outcome.state, who.user, who.address, outcome.reason)
    cache.store().audit.record(who, "sign_in.refused", "denied", object=outcome.state, detail=outcome.reason)


def _refusal_page(outcome: Outcome) -> None:
    if outcome.state == "not_configured":
        st.title(t("auth.not_configured_title"))
        st.error(t("auth.not_configured"))
        return
    st.title(t("auth.sign_in_title"))
    if settings().mode == "proxy":
        st.info(t("auth.sign_in_proxy"))
        return
    if outcome.state == "expired":
        st.warning(t("auth.expired"))
    elif outcome.state == "refused":
        st.error(t("auth.refused"))
        if st.button(t("auth.sign_out"), key="auth_sign_out_refused"):
            st.logout()
        return
    st.write(t("auth.sign_in_intro"))
    for provider in oidc_providers():
        label = t("auth.sign_in_button", provider=provider) if provider else t("auth.sign_in_default")
        if st.button(label, key=f"auth_sign_in_{provider or 'default'}", type="primary"):
            st.login(provider) if provider else st.login()


def sidebar(actor: Actor) -> None:
    """Who is signed in, their role and scope, and the sign-out button (OIDC) or how to sign out."""
    st.caption(t("auth.signed_in_as", user=actor.name or actor.user, role=role_name(actor.role)))
    if actor.scope:
        st.caption(t("auth.scope_note", region=cache.regions().name(actor.scope)))
    mode = settings().mode
    if mode == "local":
        st.info(t("auth.local_note"))
    elif mode == "proxy":
        st.caption(t("auth.proxy_note"))
    elif st.button(t("auth.sign_out"), key="auth_sign_out"):
        cache.store().audit.record(actor, "sign_out")
        st.session_state.pop(ACTOR_KEY, None)
        st.logout()


def require(action: str) -> None:
    """Stop the page unless the signed-in user may do `action`: the refusal is shown in the user's language and
    recorded in the audit trail (as the library does for a write)."""
    actor = current()
    try:
        check(actor, action)
    except AccessDenied as err:
        cache.store().audit.record(actor, action, "denied", detail=err.message("en"))
        st.error(err.message(current_lang()))
        st.stop()


def audited_download(action: str, what: str, produce: Callable[[], bytes | str]) -> Callable[[], bytes | str]:
    """A download button's ``data`` callable that records the export (export.chart, export.table, export.pack) when
    the file is actually fetched; the actor and store are taken now, while the script runs."""
    actor, audit = current(), cache.store().audit

    def fetch() -> bytes | str:
        content = produce()
        audit.record(actor, action, object=what[:300])
        return content

    return fetch
