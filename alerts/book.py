"""Rules users write and subscriptions, in the store: every change one transaction, checked and audited.

Rules are versioned: saving adds a version, deleting adds an inactive version, and the newest version of each rule is
the one checks use. A subscription belongs to the user who made it; only they (or an admin) end it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from alerts.channels import CHANNELS, check_address
from alerts.kinds import UserRule, check_rule
from common.text import LANGS
from data.access import Actor, Role
from data.store.alert_tables import alert_rules_table, alert_subscriptions_table
from data.store.audit import authorised, record
from data.store.schema import check_lengths, utc, write_transaction
from indicators.metadata import Catalogue

TARGET_KINDS = ("rule", "indicator", "region", "all")
MODES = ("immediate", "daily", "weekly")
NOTE_LIMIT = 500


@dataclass(frozen=True)
class Subscription:
    """Who wants which warnings, how often, where and in which language."""

    id: int
    user: str
    scope: str | None
    target_kind: str
    target: str
    mode: str
    channel: str
    address: str
    lang: str
    active: bool
    created_at: datetime
    last_digest_at: datetime | None


def _rule(r) -> UserRule:
    return UserRule(
        r.rule_id, r.indicator_id, tuple(r.regions), r.kind, r.value, r.severity, r.note, r.version, r.created_by,
        r.active,
    )  # fmt: skip


def subscription_of(r) -> Subscription:
    last = utc(r.last_digest_at) if r.last_digest_at is not None else None
    return Subscription(
        r.id, r.user, r.scope, r.target_kind, r.target, r.mode, r.channel, r.address, r.lang, r.active,
        utc(r.created_at), last,
    )  # fmt: skip


class AlertBook:
    """Read and change the rules and subscriptions of one store's engine."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # --- rules ----------------------------------------------------------------------------------------------------

    def rules(self, *, include_inactive: bool = False) -> list[UserRule]:
        """The newest version of every rule (deleted ones only when asked), oldest rule first."""
        t = alert_rules_table
        newest = sa.select(t.c.rule_id, sa.func.max(t.c.version).label("v")).group_by(t.c.rule_id).subquery()
        query = sa.select(t).join(newest, sa.and_(t.c.rule_id == newest.c.rule_id, t.c.version == newest.c.v))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.c.id)).all()
        rules = [_rule(r) for r in rows]
        return rules if include_inactive else [r for r in rules if r.active]

    def history(self, rule_id: str) -> list[UserRule]:
        """Every version of a rule, newest first."""
        t = alert_rules_table
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.rule_id == rule_id).order_by(t.c.version.desc())).all()
        return [_rule(r) for r in rows]

    def save_rule(self, rule: UserRule, cat: Catalogue, *, actor: Actor) -> UserRule:
        """Store a new rule (empty `rule_id`) or a new version of one; returns it as stored.

        Raises:
            AccessDenied: the actor is below analyst (recorded as denied). BadRule: the rule cannot be judged.
        """
        check_lengths(by=actor.user)
        with authorised(self.engine, actor, "alert.rule_save", rule.rule_id or rule.indicator_id):
            check_rule(rule, cat)
            rule_id = rule.rule_id or f"r{uuid.uuid4().hex[:10]}"
            return self._write(rule, rule_id, True, actor, "alert.rule_save")

    def delete_rule(self, rule_id: str, *, actor: Actor) -> None:
        """End a rule: its history stays, checks no longer use it (its open warnings clear at the next check)."""
        with authorised(self.engine, actor, "alert.rule_delete", rule_id):
            current = self.history(rule_id)
            if current and current[0].active:
                self._write(current[0], rule_id, False, actor, "alert.rule_delete")

    def _write(self, rule: UserRule, rule_id: str, active: bool, actor: Actor, action: str) -> UserRule:
        t = alert_rules_table
        with write_transaction(self.engine) as conn:
            last = conn.execute(sa.select(sa.func.max(t.c.version)).where(t.c.rule_id == rule_id)).scalar() or 0
            values = {
                "rule_id": rule_id, "version": last + 1, "indicator_id": rule.indicator_id,
                "regions": list(rule.regions), "kind": rule.kind, "value": rule.value, "severity": rule.severity,
                "note": rule.note[:NOTE_LIMIT], "active": active, "created_by": actor.user,
                "created_at": datetime.now(UTC),
            }  # fmt: skip
            conn.execute(t.insert().values(**values))
            detail = f"v{last + 1} {rule.kind} {rule.indicator_id} {','.join(rule.regions)} {rule.value}"
            record(conn, actor, action, "ok", rule_id, detail=detail)
        return UserRule(
            rule_id, rule.indicator_id, tuple(rule.regions), rule.kind, rule.value, rule.severity,
            rule.note[:NOTE_LIMIT], last + 1, actor.user, active,
        )  # fmt: skip

    # --- subscriptions --------------------------------------------------------------------------------------------

    def subscriptions(self, user: str | None = None, *, active_only: bool = True) -> list[Subscription]:
        """Subscriptions of one user (or everyone's), oldest first."""
        t = alert_subscriptions_table
        query = sa.select(t).order_by(t.c.id)
        if user is not None:
            query = query.where(t.c.user == user)
        if active_only:
            query = query.where(t.c.active.is_(True))
        with self.engine.connect() as conn:
            return [subscription_of(r) for r in conn.execute(query)]

    def subscribe(
        self, target_kind: str, target: str, mode: str, channel: str, address: str, lang: str, *, actor: Actor
    ) -> Subscription:
        """Subscribe the actor; the actor's region scope travels with it (a scoped user hears only of their regions).

        Raises:
            AccessDenied; ValueError: an unknown target kind, mode, channel or language, or an address the channel
            cannot use (the message says which).
        """
        if target_kind not in TARGET_KINDS or mode not in MODES or channel not in CHANNELS or lang not in LANGS:
            raise ValueError(f"unknown subscription {target_kind!r}/{mode!r}/{channel!r}/{lang!r}")
        check_address(channel, address)
        check_lengths(by=actor.user)
        t, now = alert_subscriptions_table, datetime.now(UTC)
        with authorised(self.engine, actor, "alert.subscribe", f"{target_kind}:{target}"):
            values = {
                "user": actor.user, "scope": actor.scope, "target_kind": target_kind, "target": target or "",
                "mode": mode, "channel": channel, "address": address.strip(), "lang": lang, "active": True,
                "created_at": now, "last_digest_at": None,
            }  # fmt: skip
            with write_transaction(self.engine) as conn:
                new_id = conn.execute(t.insert().values(**values)).inserted_primary_key[0]
                record(conn, actor, "alert.subscribe", "ok", f"{target_kind}:{target}", detail=f"{mode} {channel}")
        return Subscription(new_id, **{**values, "last_digest_at": None})

    def unsubscribe(self, subscription_id: int, *, actor: Actor) -> bool:
        """End one of the actor's subscriptions (an admin may end anyone's); False when there was none to end.
        Messages already owed to it are still delivered."""
        t = alert_subscriptions_table
        with authorised(self.engine, actor, "alert.unsubscribe", str(subscription_id)):
            where = [t.c.id == subscription_id, t.c.active.is_(True)]
            if actor.role < Role.ADMIN:
                where.append(t.c.user == actor.user)
            with write_transaction(self.engine) as conn:
                ended = conn.execute(t.update().where(*where).values(active=False)).rowcount
                if ended:
                    record(conn, actor, "alert.unsubscribe", "ok", str(subscription_id))
        return bool(ended)
