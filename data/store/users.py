"""The users table: each known user's role and optional region scope, edited by an admin (`store.users`).

Identity comes from outside (the OIDC provider or the trusted proxy); this table only says what a known user may
do. Every change is checked (users.edit needs admin) and audited with the role and scope before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.access import Actor, Role
from data.errors import BadScope, BadUserName, UnknownUser
from data.regions import region_registry
from data.store.audit import authorised, record
from data.store.schema import users_table, utc, write_transaction

NAME_LIMIT = 200


@dataclass(frozen=True)
class User:
    """One row of the users table."""

    user: str
    role: Role
    scope: str | None
    name: str
    updated_by: str
    updated_at: datetime


def _from_row(row) -> User:
    return User(row.user, Role.parse(row.role), row.scope, row.name, row.updated_by, utc(row.updated_at))


def check_user_name(user: str) -> str:
    """`user` stripped, if usable as a login name.

    Raises:
        BadUserName: empty, longer than 200 characters or with control characters.
    """
    user = (user or "").strip()
    if not user or len(user) > NAME_LIMIT or any(ord(c) < 32 or ord(c) == 127 for c in user):
        raise BadUserName(user=user, limit=NAME_LIMIT)
    return user


def check_scope(scope: str | None) -> str | None:
    """`scope` if it is a province code of the registry (or None / "" for every region).

    Raises:
        BadScope: anything else.
    """
    if not scope:
        return None
    registry = region_registry()
    if scope not in registry or registry.get(scope).kind != "province":
        raise BadScope(scope=str(scope)[:40])
    return scope


def _describe(user: User | None) -> str:
    return "—" if user is None else f"{user.role.label}/{user.scope or 'all'}"


class Users:
    """Read, set and remove users; writes need an admin."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self, user: str) -> User | None:
        """The user's row, or None when the table does not know them."""
        t = users_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.user == user)).first()
        return None if row is None else _from_row(row)

    def list(self) -> list[User]:
        """Every user, by name."""
        with self.engine.connect() as conn:
            return [_from_row(r) for r in conn.execute(sa.select(users_table).order_by(users_table.c.user))]

    def set(self, user: str, role: Role | str, *, actor: Actor, scope: str | None = None, name: str = "") -> User:
        """Create the user or change their role, scope and display name.

        Raises:
            AccessDenied: the actor is not an admin (nothing changes; recorded as denied).
            BadUserName, BadRole, BadScope: the new values are not usable (recorded as failed).
        """
        with authorised(self.engine, actor, "users.edit", user):
            user, role, scope = check_user_name(user), Role.parse(role), check_scope(scope)
            before = self.get(user)
            values = {"role": role.label, "scope": scope, "name": (name or "").strip()[:NAME_LIMIT]}
            values |= {"updated_by": actor.user, "updated_at": datetime.now(UTC)}
            t = users_table
            with write_transaction(self.engine) as conn:
                if conn.execute(sa.select(t.c.user).where(t.c.user == user)).first() is None:
                    conn.execute(t.insert().values(user=user, **values))
                else:
                    conn.execute(t.update().where(t.c.user == user).values(**values))
                after = User(user, role, scope, values["name"], actor.user, values["updated_at"])
                record(conn, actor, "users.edit", "ok", user, detail=f"{_describe(before)} → {_describe(after)}")
        return self.get(user)

    def remove(self, user: str, *, actor: Actor) -> None:
        """Remove a user from the table (they fall back to the default role when they sign in again).

        Raises:
            AccessDenied: the actor is not an admin. UnknownUser: no such user.
        """
        with authorised(self.engine, actor, "users.edit", user):
            before = self.get(user)
            if before is None:
                raise UnknownUser(user=user)
            with write_transaction(self.engine) as conn:
                conn.execute(users_table.delete().where(users_table.c.user == user))
                record(conn, actor, "users.edit", "ok", user, detail=f"{_describe(before)} → removed")
