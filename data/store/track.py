"""The track record's tables (`store.track`): published forecasts frozen whole, their scores against outturns, and
the decision register (scenarios adopted, with a note, a date, a responsible unit and an expected effect).

What a frozen payload holds belongs to `record.frozen`; the store keeps it as the exact JSON text it was handed, with
its SHA-256, and never changes it: a published forecast is never recomputed. Scores are the only rows that change —
the same period scored again with the same actual changes nothing (idempotent), a revised actual replaces the score.
Publishing and adopting need an analyst and are audited; scoring runs as the system after a data version lands and
is audited when it wrote something.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.access import SYSTEM, Actor
from data.errors import DataFormatError, ObjectNotFound
from data.store.audit import authorised, record
from data.store.schema import Json, UtcDateTime, check_lengths, metadata, utc, write_transaction

KINDS = ("forecast", "scenario_set")
SOURCES = ("explicit", "briefing")

published_table = sa.Table(
    "published_forecasts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # forecast | scenario_set
    sa.Column("source", sa.String(16), nullable=False),  # explicit | briefing (frozen when a pack was exported)
    sa.Column("indicator_id", sa.String(64), nullable=False),
    sa.Column("region_code", sa.String(16), nullable=False),
    sa.Column("freq", sa.String(1), nullable=False),
    sa.Column("model", sa.String(64), nullable=False),  # the model that made the points (not the one asked for)
    sa.Column("horizon", sa.Integer, nullable=False),
    sa.Column("data_versions", Json, nullable=False),  # {dataset_id: version} the forecast was fitted on
    sa.Column("payload", sa.Text, nullable=False),  # the frozen forecast as JSON text, never rewritten
    sa.Column("digest", sa.String(64), nullable=False),  # sha256 of the payload text: the same forecast is kept once
    sa.Column("published_by", sa.String(200), nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("digest", name="uq_published_forecasts_digest"),
)

scores_table = sa.Table(
    "forecast_scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("published_id", sa.Integer, sa.ForeignKey("published_forecasts.id"), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),  # canonical label: 2025, 2025Q1, 2025-03
    sa.Column("step", sa.Integer, nullable=False),  # 1 = the first forecast period
    sa.Column("actual", sa.Double, nullable=False),
    sa.Column("forecast", sa.Double, nullable=False),
    sa.Column("error", sa.Double, nullable=False),  # actual - forecast
    sa.Column("scaled_error", sa.Double, nullable=True),  # error over the in-sample naive scale (NULL: no scale)
    sa.Column("in80", sa.Boolean, nullable=False),
    sa.Column("in95", sa.Boolean, nullable=False),
    sa.Column("data_versions", Json, nullable=False),  # the versions the actual was read from
    sa.Column("scored_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("published_id", "period", name="uq_forecast_scores_period"),
)

decisions_table = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("published_id", sa.Integer, sa.ForeignKey("published_forecasts.id"), nullable=False),
    sa.Column("scenario", sa.String(200), nullable=False),  # the adopted scenario's name in the frozen set
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("unit", sa.String(200), nullable=False, server_default=""),  # the responsible unit (责任单位)
    sa.Column("expected_effect", sa.Text, nullable=False, server_default=""),  # the measure's effect, in words
    sa.Column("adopted_by", sa.String(200), nullable=False),
    sa.Column("adopted_at", UtcDateTime, nullable=False),
)

# Each briefing pack built: what it was built on, so the next one can say what changed since (record.changes).
briefings_table = sa.Table(
    "briefing_snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("data_versions", Json, nullable=False),  # {dataset_id: version}
    sa.Column("warnings", Json, nullable=False),  # {key: {zh, en}}: the warnings standing then, in words
    sa.Column("published", Json, nullable=False),  # ids of the forecasts the pack froze
)

SCORE_FIELDS = ("period", "step", "actual", "forecast", "error", "scaled_error", "in80", "in95")


@dataclass(frozen=True)
class Published:
    """One published forecast or scenario set as stored: `payload` is the frozen JSON text, `data` its parsed form."""

    id: int
    kind: str
    source: str
    indicator_id: str
    region_code: str
    freq: str
    model: str
    horizon: int
    data_versions: dict
    payload: str
    digest: str
    published_by: str
    published_at: datetime

    @property
    def data(self) -> dict:
        return json.loads(self.payload)


@dataclass(frozen=True)
class Decision:
    """One adopted scenario in the register."""

    id: int
    published_id: int
    scenario: str
    note: str
    decided_on: date
    unit: str
    expected_effect: str
    adopted_by: str
    adopted_at: datetime


def digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _published(r) -> Published:
    return Published(
        r.id,
        r.kind,
        r.source,
        r.indicator_id,
        r.region_code,
        r.freq,
        r.model,
        r.horizon,
        dict(r.data_versions),
        r.payload,
        r.digest,
        r.published_by,
        utc(r.published_at),
    )


def _decision(r) -> Decision:
    return Decision(
        r.id,
        r.published_id,
        r.scenario,
        r.note,
        r.decided_on,
        r.unit,
        r.expected_effect,
        r.adopted_by,
        utc(r.adopted_at),
    )


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    return a == b


@dataclass(frozen=True)
class BriefingSnapshot:
    """What a built briefing pack stood on."""

    id: int
    user: str
    at: datetime
    data_versions: dict
    warnings: dict
    published: list


class Track:
    """Publish, read and score frozen forecasts; adopt scenarios into the decision register."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def publish(self, payload: str, *, actor: Actor, source: str = "explicit") -> Published:
        """Keep a frozen forecast (JSON text made by `record.frozen`); the same text published again is the same row.

        Raises:
            AccessDenied: the actor is not an analyst (recorded as denied).
            DataFormatError: the text is not a frozen forecast.
        """
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}; got {source!r}")
        check_lengths(by=actor.user)
        with authorised(self.engine, actor, "forecast.publish", "published_forecast"):
            try:
                head = json.loads(payload)
                fields = {k: head[k] for k in ("kind", "indicator_id", "region_code", "freq", "model", "horizon")}
                versions = dict(head["data_versions"])
            except (TypeError, ValueError, KeyError) as exc:
                raise DataFormatError(
                    code="payload_not_json", kind="published_forecast", name="", detail=str(exc)
                ) from None
            if fields["kind"] not in KINDS:
                raise DataFormatError(
                    code="payload_not_json", kind="published_forecast", name="", detail=str(fields["kind"])
                )
            t, key = published_table, digest(payload)
            with write_transaction(self.engine) as conn:
                found = conn.execute(sa.select(t.c.id).where(t.c.digest == key)).scalar()
                if found is None:
                    row = fields | {"source": source, "data_versions": versions, "payload": payload, "digest": key}
                    row |= {"published_by": actor.user, "published_at": datetime.now(UTC)}
                    found = conn.execute(t.insert().values(**row).returning(t.c.id)).scalar_one()
                    what = f"{fields['kind']} {fields['indicator_id']}/{fields['region_code']} {fields['model']}"
                    record(conn, actor, "forecast.publish", "ok", f"published:{found}", detail=f"{source}: {what}")
        return self.get(found)

    def get(self, published_id: int) -> Published:
        """One published forecast.

        Raises:
            ObjectNotFound: no such id.
        """
        t = published_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == int(published_id))).first()
        if row is None:
            raise ObjectNotFound("published_forecast", str(published_id))
        return _published(row)

    def published(
        self, *, kind: str | None = None, indicator_id: str | None = None, region_code: str | None = None
    ) -> list[Published]:
        """Published forecasts matching every filter given, oldest first."""
        t = published_table
        query = sa.select(t).order_by(t.c.id)
        for column, value in ((t.c.kind, kind), (t.c.indicator_id, indicator_id), (t.c.region_code, region_code)):
            if value is not None:
                query = query.where(column == value)
        with self.engine.connect() as conn:
            return [_published(r) for r in conn.execute(query)]

    def scores(self, published_ids: Iterable[int] | None = None) -> pd.DataFrame:
        """Scores as a frame: ``published_id``, `SCORE_FIELDS` and ``scored_at`` (UTC), by publication and step."""
        t = scores_table
        columns = (t.c.published_id, *(t.c[f] for f in SCORE_FIELDS), t.c.scored_at)
        query = sa.select(*columns).order_by(t.c.published_id, t.c.step)
        if published_ids is not None:
            query = query.where(t.c.published_id.in_([int(i) for i in published_ids]))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame(rows, columns=["published_id", *SCORE_FIELDS, "scored_at"])
        if not len(frame):
            return frame
        frame["scored_at"] = [utc(v) for v in frame["scored_at"]]
        return frame.astype({"in80": bool, "in95": bool})

    def write_scores(
        self, published_id: int, rows: Iterable[Mapping], data_versions: Mapping, *, actor: Actor = SYSTEM
    ) -> int:
        """Store the scores of one publication; a period already scored with the same numbers is left alone.

        Returns how many periods were scored anew or rescored (a revised actual); recorded in the audit trail then.
        """
        t, now, changed = scores_table, datetime.now(UTC), 0
        with write_transaction(self.engine) as conn:
            have = {
                r.period: r
                for r in conn.execute(
                    sa.select(t.c.period, *(t.c[f] for f in SCORE_FIELDS[1:])).where(t.c.published_id == published_id)
                )
            }
            for row in rows:
                values = {f: row[f] for f in SCORE_FIELDS}
                old = have.get(values["period"])
                if old is not None and all(_same(getattr(old, f), values[f]) for f in SCORE_FIELDS[1:]):
                    continue
                values |= {"data_versions": dict(data_versions), "scored_at": now}
                if old is None:
                    conn.execute(t.insert().values(published_id=published_id, **values))
                else:
                    where = (t.c.published_id == published_id, t.c.period == values["period"])
                    conn.execute(t.update().where(*where).values(**values))
                changed += 1
            if changed:
                record(conn, actor, "forecast.score", "ok", f"published:{published_id}", detail=f"{changed} periods")
        return changed

    def adopt(
        self,
        published_id: int,
        scenario: str,
        *,
        actor: Actor,
        note: str = "",
        decided_on: date,
        unit: str = "",
        expected_effect: str = "",
    ) -> Decision:
        """Enter an adopted scenario of a published scenario set in the decision register.

        Raises:
            AccessDenied: the actor is not an analyst (recorded as denied).
            ObjectNotFound: no such publication, or it is not a scenario set holding that scenario.
            TextTooLong: the scenario's name, the unit or the user name is longer than the store keeps.
        """
        check_lengths(by=actor.user, name=scenario, caption=note)
        check_lengths(name=unit, caption=expected_effect)
        with authorised(self.engine, actor, "scenario.adopt", f"published:{published_id}"):
            held = self.get(published_id)
            if held.kind != "scenario_set" or scenario not in {s["name"] for s in held.data.get("scenarios", [])}:
                raise ObjectNotFound("scenario", scenario)
            t = decisions_table
            row = {"published_id": held.id, "scenario": scenario, "note": note, "decided_on": decided_on}
            row |= {"unit": unit, "expected_effect": expected_effect}
            row |= {"adopted_by": actor.user, "adopted_at": datetime.now(UTC)}
            with write_transaction(self.engine) as conn:
                new = conn.execute(t.insert().values(**row).returning(t.c.id)).scalar_one()
                record(conn, actor, "scenario.adopt", "ok", f"published:{held.id}", detail=f"{scenario} ({unit})")
        return self.decision(new)

    def decision(self, decision_id: int) -> Decision:
        """One entry of the register.

        Raises:
            ObjectNotFound: no such entry.
        """
        t = decisions_table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == int(decision_id))).first()
        if row is None:
            raise ObjectNotFound("decision", str(decision_id))
        return _decision(row)

    def decisions(self) -> list[Decision]:
        """The register, newest decision first."""
        t = decisions_table
        with self.engine.connect() as conn:
            return [_decision(r) for r in conn.execute(sa.select(t).order_by(t.c.decided_on.desc(), t.c.id.desc()))]

    def note_briefing(
        self, *, actor: Actor, data_versions: Mapping, warnings: Mapping, published: Iterable[int]
    ) -> BriefingSnapshot:
        """Keep what a built pack stood on (its export is audited as export.pack where it is built)."""
        t = briefings_table
        row = {"user": actor.user[:200], "at": datetime.now(UTC), "data_versions": dict(data_versions)}
        row |= {"warnings": {str(k): dict(v) for k, v in warnings.items()}, "published": [int(i) for i in published]}
        with write_transaction(self.engine) as conn:
            new = conn.execute(t.insert().values(**row).returning(t.c.id)).scalar_one()
        return self.last_briefing(before=new + 1)

    def last_briefing(self, *, before: int | None = None) -> BriefingSnapshot | None:
        """The latest briefing pack's snapshot (before the given id), or None when no pack was built yet."""
        t = briefings_table
        query = sa.select(t).order_by(t.c.id.desc()).limit(1)
        if before is not None:
            query = query.where(t.c.id < before)
        with self.engine.connect() as conn:
            r = conn.execute(query).first()
        if r is None:
            return None
        return BriefingSnapshot(r.id, r.user, utc(r.at), dict(r.data_versions), dict(r.warnings), list(r.published))
