"""Warnings that reach people (issue 21): rules, subscriptions, checks that run by themselves, delivery by mail and
webhook, and the history of every warning.

* `kinds` — the rule kinds users write (a registry); `sources` — where warnings come from (a registry: the Overview's
  threshold rules, anomalies, users' rules; other packages add theirs); `findings` — a warning as facts.
* `book` — rules (versioned, audited) and subscriptions in the store; `ledger` — warnings raised, refreshed,
  acknowledged and cleared, and the outbox of messages owed.
* `channels` — mail, webhook, 企业微信 / 钉钉 / 飞书 robots (a registry); `config` — the office's settings;
  `messages` — the words, in the recipient's language; `deliver` — sending with retries and back-off.
* `run` — a check after a data commit and the scheduled run; ``python -m alerts run`` for a system timer.

The tables are in data/store/alert_tables.py.
"""
