"""Who may do what: roles, the acting user, the permission of every action, and region scopes.

Plain facts and checks, no tables and no Streamlit: the store's writes call `check(actor, action)` themselves (and
record the outcome in the audit trail, `data/store/audit.py`), so a page that forgets to hide a button still cannot
change anything it should not. A role includes every role below it:

    viewer   read every page; collect charts and tables in a briefing basket; export them and packs
    analyst  + save and delete scenarios and office targets; run batch forecasts; publish forecasts, adopt scenarios
    steward  + prepare and commit uploads, roll back, update the shipped data (数据管理员)
    admin    + edit users and roles; read and export the audit trail

A region scope (a province's code) limits what a user reads to that province, its prefecture-level cities and the
national aggregates; `scope_frame` applies it to any observation frame.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import IntEnum

import pandas as pd

from data.errors import AccessDenied, BadRole

NATIONAL_CODES = frozenset({"100000", "CHN"})  # China as a whole: the national aggregate and the country row


class Role(IntEnum):
    """A user's role; a higher role may do everything a lower one may."""

    VIEWER = 1
    ANALYST = 2
    STEWARD = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        """The role's name as stored and configured: viewer, analyst, steward, admin."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str | Role) -> Role:
        """The role named `text` (any case).

        Raises:
            BadRole: not one of viewer, analyst, steward, admin.
        """
        if isinstance(text, Role):
            return text
        try:
            return cls[str(text).strip().upper()]
        except KeyError:
            raise BadRole(role=str(text), roles=[r.label for r in cls]) from None


# The least role each action needs. Actions are also the audit trail's action names.
ACTIONS: dict[str, Role] = {
    "sign_in": Role.VIEWER,
    "sign_out": Role.VIEWER,
    "export.chart": Role.VIEWER,
    "export.table": Role.VIEWER,
    "export.pack": Role.VIEWER,
    "basket.add": Role.VIEWER,  # a chart or table kept for a pack: recorded like the exports it leads to
    "scenario.save": Role.ANALYST,
    "scenario.delete": Role.ANALYST,
    "target.save": Role.ANALYST,
    "target.delete": Role.ANALYST,
    "object.save": Role.ANALYST,
    "object.delete": Role.ANALYST,
    "forecast.batch": Role.ANALYST,
    "alert.rule_save": Role.ANALYST,  # warning rules users write (alerts/, issue 21)
    "alert.rule_delete": Role.ANALYST,
    "alert.subscribe": Role.VIEWER,  # one's own subscriptions to warnings
    "alert.unsubscribe": Role.VIEWER,
    "alert.acknowledge": Role.VIEWER,  # "seen, being handled": who and when are shown in the history
    "forecast.publish": Role.ANALYST,  # freeze a forecast or scenario set in the track record
    "scenario.adopt": Role.ANALYST,  # enter an adopted scenario in the decision register
    "upload.prepare": Role.STEWARD,
    "upload.commit": Role.STEWARD,
    "data.rollback": Role.STEWARD,
    "data.update_shipped": Role.STEWARD,
    "users.edit": Role.ADMIN,
    "audit.read": Role.ADMIN,
    "audit.export": Role.ADMIN,
}
# Actions nobody is asked permission for (recorded by the system or refused before anyone is known).
SYSTEM_ACTIONS = frozenset({"data.seed", "access.denied", "sign_in.refused", "forecast.score"})
# Saved app objects: the action family of each kind; kinds not listed are "object".
OBJECT_FAMILIES = {"scenario_set": "scenario", "scenario": "scenario", "office_target": "target"}


@dataclass(frozen=True)
class Actor:
    """The signed-in user acting now.

    Args:
        user: the login name (OIDC email or subject, the proxy's header, or "local").
        role: what the user may do.
        scope: a province code the user is limited to, or None for every region.
        address: the client address, for the audit trail ("" when not known).
        name: a display name.
    """

    user: str
    role: Role
    scope: str | None = None
    address: str = ""
    name: str = ""

    def may(self, action: str) -> bool:
        """Whether this actor may do `action` (see `allowed`)."""
        return allowed(self, action)


SYSTEM = Actor("system", Role.ADMIN)  # the app itself: seeding the shipped data on first start


def object_action(kind: str, verb: str) -> str:
    """The action of saving or deleting an app object of `kind`: ``scenario.save``, ``target.delete``…"""
    return f"{OBJECT_FAMILIES.get(kind, 'object')}.{verb}"


def required_role(action: str) -> Role:
    """The least role `action` needs.

    Raises:
        KeyError: not a known action (a typo must not silently allow or deny).
    """
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}; known: {', '.join(sorted(ACTIONS))}") from None


def allowed(actor: Actor, action: str) -> bool:
    """Whether `actor`'s role is at least the role `action` needs."""
    return actor.role >= required_role(action)


def check(actor: Actor, action: str) -> None:
    """Raise unless `actor` may do `action`.

    Raises:
        AccessDenied: the actor's role is below the one the action needs (bilingual message naming both).
    """
    needed = required_role(action)
    if actor.role < needed:
        raise AccessDenied(user=actor.user, role=actor.role.label, action=action, needed=needed.label)


def in_scope(region_code: str, scope: str | None) -> bool:
    """Whether a region is visible to a user scoped to province `scope` (None: every region)."""
    if scope is None or region_code in NATIONAL_CODES:
        return True
    # The province itself and its prefecture-level cities share the first two digits of the GB/T 2260 code.
    return region_code.isdigit() and len(region_code) == 6 and region_code[:2] == scope[:2]


def scope_frame(frame: pd.DataFrame, scope: str | None) -> pd.DataFrame:
    """The rows of an observation frame (column ``region_code``) a user with `scope` may see."""
    if scope is None:
        return frame
    codes = frame["region_code"].astype(str)
    keep = codes.isin(NATIONAL_CODES) | (codes.str.fullmatch(r"\d{6}") & (codes.str[:2] == scope[:2]))
    return frame.loc[keep].reset_index(drop=True)


def is_loopback(address: str | None) -> bool:
    """Whether an address (IPv4, IPv6 or ``localhost``) is this machine's loopback; None and "" are not."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False
