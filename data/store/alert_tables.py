"""Tables of the warnings that reach people (issue 21; the logic is in the `alerts` package).

* ``alert_rules``: the rules users write, one row per version (a change adds a version, a deletion adds an inactive
  one), so a rule's history is kept as the data's is.
* ``alert_subscriptions``: who wants which warnings (a rule, an indicator, a region or everything), how often
  (immediately, a daily or weekly digest), by which channel and to which address, in which language.
* ``alert_warnings``: every warning raised, with its facts as JSON, when it was raised, acknowledged (by whom) and
  cleared. At most one open row per warning key: the check that raises it runs under the store's writer lock.
* ``alert_outbox``: one row per message owed to a subscriber (a warning raised or cleared). Checks only write here,
  inside their own transaction; delivery happens afterwards and records its attempts, so a mail server that is down
  delays a message and never loses it, and the unique triple (subscription, warning, event) makes a message owed
  once however often the checks run.
"""

from __future__ import annotations

import sqlalchemy as sa

from data.store.schema import Json, UtcDateTime, metadata

alert_rules_table = sa.Table(
    "alert_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rule_id", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("indicator_id", sa.String(64), nullable=False),
    sa.Column("regions", Json, nullable=False),  # list of region codes
    sa.Column("kind", sa.String(32), nullable=False),  # a key of alerts.kinds.RULE_KINDS
    sa.Column("value", sa.Double, nullable=True),  # the line, or N points / N percent
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("rule_id", "version", name="uq_alert_rules_version"),
)

alert_subscriptions_table = sa.Table(
    "alert_subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("scope", sa.String(16), nullable=True),  # the user's region scope when subscribing
    sa.Column("target_kind", sa.String(16), nullable=False),  # rule | indicator | region | all
    sa.Column("target", sa.String(64), nullable=False, server_default=""),
    sa.Column("mode", sa.String(16), nullable=False),  # immediate | daily | weekly
    sa.Column("channel", sa.String(16), nullable=False),  # a key of alerts.channels.CHANNELS
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("lang", sa.String(2), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_digest_at", UtcDateTime, nullable=True),
)

alert_warnings_table = sa.Table(
    "alert_warnings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(300), nullable=False),  # what makes two checks' findings the same warning
    sa.Column("occurrence", sa.Integer, nullable=False),  # 1, then 2 when it comes back after clearing…
    sa.Column("source", sa.String(32), nullable=False),  # a key of alerts.sources.SOURCES
    sa.Column("rule_id", sa.String(64), nullable=False),
    sa.Column("indicator_id", sa.String(64), nullable=False),
    sa.Column("region_code", sa.String(16), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("facts", Json, nullable=False),  # alerts.findings.Finding as JSON: rendered per reader's language
    sa.Column("raised_at", UtcDateTime, nullable=False),
    sa.Column("cleared_at", UtcDateTime, nullable=True),
    sa.Column("acknowledged_by", sa.String(200), nullable=True),
    sa.Column("acknowledged_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("key", "occurrence", name="uq_alert_warnings_occurrence"),
)

alert_outbox_table = sa.Table(
    "alert_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subscription_id", sa.Integer, sa.ForeignKey("alert_subscriptions.id"), nullable=False),
    sa.Column("warning_id", sa.Integer, sa.ForeignKey("alert_warnings.id"), nullable=False),
    sa.Column("event", sa.String(16), nullable=False),  # raised | cleared
    sa.Column("status", sa.String(16), nullable=False),  # pending | sending | retrying | sent
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_at", UtcDateTime, nullable=False),  # not before (back-off after a failure)
    sa.Column("claimed_at", UtcDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("subscription_id", "warning_id", "event", name="uq_alert_outbox_message"),
)
