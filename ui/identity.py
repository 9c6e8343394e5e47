"""Who is asking: the sign-in settings and the one decision that turns a request into an Actor (no Streamlit here).

Three ways in, chosen by ``COCKPIT_AUTH`` (default: ``oidc`` when ``.streamlit/secrets.toml`` has an ``[auth]``
section, else ``local``):

* ``local`` — no identity provider. Only when the server is bound to a loopback address and the visitor connects
  from this machine, directly (no forwarding header): the one local user, ``local``, is an administrator.
  Otherwise every visitor gets the "sign-in not configured" page.
* ``oidc`` — Streamlit's ``st.login`` with the provider(s) of ``[auth]``. The ID token's ``exp`` is checked here
  (Streamlit does not). The login name is the claim ``COCKPIT_USER_CLAIM`` (default ``email``, else ``sub``).
* ``proxy`` — a gateway signs people in and passes the login name in ``COCKPIT_PROXY_HEADER`` (default
  ``X-Remote-User``). The header is honoured only from the addresses in ``COCKPIT_PROXY_ADDRESSES`` (IPs or CIDR
  blocks) and only when Uvicorn does not rewrite the peer address from ``X-Forwarded-For`` (start the app with
  ``FORWARDED_ALLOW_IPS=""``): otherwise any local process could claim to be the proxy.

Roles: with ``COCKPIT_ROLE_CLAIM`` (e.g. ``groups``) and ``COCKPIT_ROLE_MAP`` (``cockpit-admins=admin,…``) an OIDC
claim decides; else the users table (the Admin page); else ``COCKPIT_DEFAULT_ROLE`` (default ``viewer``; ``none``
refuses users the table does not know). A region scope comes from the users table.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from data.access import Actor, Role, is_loopback
from data.store.users import User

MODES = ("local", "oidc", "proxy")
LOCAL_USER = "local"
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


@dataclass(frozen=True)
class Settings:
    """The app's sign-in settings (from the environment; see the module docstring)."""

    mode: str = "local"
    proxy_header: str = "X-Remote-User"
    proxy_addresses: tuple[str, ...] = ()
    user_claim: str = "email"
    role_claim: str = ""
    role_map: tuple[tuple[str, Role], ...] = ()
    default_role: Role | None = Role.VIEWER
    peer_rewritten: bool = True  # Uvicorn may replace a loopback peer's address with its X-Forwarded-For

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, oidc_configured: bool = False) -> Settings:
        """Settings from environment variables; `oidc_configured` says whether secrets.toml has ``[auth]``.

        Raises:
            ValueError: an unknown mode, role or address (the app refuses to guess about sign-in).
        """
        env = os.environ if env is None else env
        mode = (env.get("COCKPIT_AUTH") or ("oidc" if oidc_configured else "local")).strip().lower()
        if mode not in MODES:
            raise ValueError(f"COCKPIT_AUTH must be one of {', '.join(MODES)}; got {mode!r}")
        addresses = tuple(a.strip() for a in env.get("COCKPIT_PROXY_ADDRESSES", "").split(",") if a.strip())
        for address in addresses:
            ipaddress.ip_network(address, strict=False)  # ValueError names a bad entry
        pairs = [p.split("=", 1) for p in env.get("COCKPIT_ROLE_MAP", "").split(",") if "=" in p]
        default = env.get("COCKPIT_DEFAULT_ROLE", "viewer").strip().lower()
        return cls(
            mode=mode,
            proxy_header=env.get("COCKPIT_PROXY_HEADER", "X-Remote-User").strip(),
            proxy_addresses=addresses,
            user_claim=env.get("COCKPIT_USER_CLAIM", "email").strip(),
            role_claim=env.get("COCKPIT_ROLE_CLAIM", "").strip(),
            role_map=tuple((value.strip(), Role.parse(role)) for value, role in pairs),
            default_role=None if default == "none" else Role.parse(default),
            peer_rewritten=env.get("FORWARDED_ALLOW_IPS", None) != "",
        )


@dataclass(frozen=True)
class Visit:
    """What the app knows about one visitor.

    Args:
        server_address: the address the server is bound to (``server.address``; None or "" = every interface).
        peer: the connecting address as Streamlit reports it (None for loopback, as ``st.context.ip_address``).
        headers: the request's headers (any case).
        user: ``st.user`` as a dict (OIDC claims and ``is_logged_in``).
    """

    server_address: str | None
    peer: str | None
    headers: Mapping[str, str]
    user: Mapping[str, object]

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    @property
    def address(self) -> str:
        """The client address for the audit trail (loopback when Streamlit reports none)."""
        return self.peer or "127.0.0.1"

    @property
    def forwarded(self) -> bool:
        return any(self.header(h) for h in FORWARDING_HEADERS)


@dataclass(frozen=True)
class Outcome:
    """The decision: an actor, or why there is none.

    ``state`` is one of signed_in, sign_in (show the sign-in button), expired (sign out, then sign in again),
    not_configured (no sign-in for a visitor who is not local) and refused (known to the provider, not to us).
    ``reason`` is for the server log and the audit trail, in English.
    """

    state: str
    actor: Actor | None = None
    reason: str = ""


def _role_from_claim(settings: Settings, claims: Mapping[str, object]) -> Role | None:
    if not settings.role_claim or not settings.role_map:
        return None
    value = claims.get(settings.role_claim)
    values = {str(v) for v in value} if isinstance(value, list | tuple | set) else {str(value)}
    matched = [role for key, role in settings.role_map if key in values]
    return max(matched) if matched else None


def _actor(user: str, claim_role: Role | None, users: Callable[[str], User | None], settings: Settings, visit: Visit):
    known = users(user)
    role = claim_role or (known.role if known else settings.default_role)
    if role is None:
        return Outcome("refused", reason=f"{user!r} is not in the users table and COCKPIT_DEFAULT_ROLE is none")
    name = known.name if known and known.name else user
    return Outcome("signed_in", Actor(user, role, known.scope if known else None, visit.address, name))


def _peer_is_proxy(settings: Settings, visit: Visit) -> bool:
    peer = ipaddress.ip_address(visit.address)
    return any(peer in ipaddress.ip_network(a, strict=False) for a in settings.proxy_addresses)


def decide(settings: Settings, visit: Visit, users: Callable[[str], User | None], now: datetime | None = None):
    """The actor of this visit, or why there is none (see `Outcome`).

    Args:
        users: looks a login name up in the users table.
        now: the time the ID token's expiry is compared with (default: now).
    """
    if settings.mode == "local":
        if not is_loopback(visit.server_address):
            return Outcome("not_configured", reason=f"no sign-in configured and bound to {visit.server_address!r}")
        if visit.peer is not None or visit.forwarded:
            return Outcome("not_configured", reason=f"no sign-in configured; visitor {visit.address} is not local")
        return Outcome("signed_in", Actor(LOCAL_USER, Role.ADMIN, None, "127.0.0.1", LOCAL_USER))
    if settings.mode == "proxy":
        if settings.peer_rewritten:
            return Outcome("not_configured", reason='proxy mode needs FORWARDED_ALLOW_IPS="" (peer not reliable)')
        name = (visit.header(settings.proxy_header) or "").strip()
        if not _peer_is_proxy(settings, visit):
            why = f"{settings.proxy_header} ignored from {visit.address}" if name else f"no proxy at {visit.address}"
            return Outcome("sign_in", reason=why)
        if not name:
            return Outcome("sign_in", reason=f"the proxy sent no {settings.proxy_header}")
        return _actor(name, None, users, settings, visit)
    claims = visit.user
    if not claims.get("is_logged_in"):
        return Outcome("sign_in")
    exp = claims.get("exp")
    moment = (now or datetime.now(UTC)).timestamp()
    if not isinstance(exp, int | float) or moment >= float(exp):
        return Outcome("expired", reason=f"ID token expired at {exp}")
    name = str(claims.get(settings.user_claim) or claims.get("email") or claims.get("sub") or "").strip()
    if not name:
        return Outcome("refused", reason="the ID token names no user")
    return _actor(name, _role_from_claim(settings, claims), users, settings, visit)
