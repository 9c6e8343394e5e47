"""A finding: one warning a check sees now, as plain facts (JSON-ready), keyed so two checks agree it is the same.

Sources (alerts/sources.py) turn observations into findings; the ledger (alerts/ledger.py) compares them with the
open warnings; messages (alerts/messages.py) put them into the recipient's words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

SEVERITIES = ("critical", "warning", "notice")


@dataclass(frozen=True)
class Finding:
    """One warning as facts.

    Args:
        key: the identity of the warning across checks (a rule's breach in a region stays one warning while it lasts).
        source: the registered source that found it (threshold, anomaly, user…).
        rule_id: the rule (a YAML threshold's id, ``anomaly``, a user rule's id).
        condition: the rule kind (above, below, change_points, change_pct, outside_band, target_red, anomaly).
        label: {zh, en} what the rule watches (a YAML rule's label, a user rule's note), may be empty.
        line: the threshold crossed (a value, N points, N percent, or None); low/high: an expected range.
    """

    key: str
    source: str
    rule_id: str
    condition: str
    severity: str
    indicator_id: str
    region_code: str
    period: str  # ISO date of the period start
    freq: str
    value: float
    line: float | None = None
    low: float | None = None
    high: float | None = None
    previous: float | None = None
    label: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict) -> Finding:
        return cls(**raw)

    @property
    def when(self) -> pd.Timestamp:
        return pd.Timestamp(self.period)


def finite(value: object) -> float | None:
    """A float, or None for a missing or non-finite number (JSON has no NaN)."""
    if value is None:
        return None
    number = float(value)
    return number if pd.notna(number) and abs(number) != float("inf") else None
