"""Tables of the versioned store and the engine that holds them (SQLite by default, PostgreSQL by URL).

The store lives outside the source tree, in a folder the app owns: ``$COCKPIT_DATA_DIR`` or
``~/.local/share/decision-cockpit/`` (``$XDG_DATA_HOME`` respected). ``$COCKPIT_DATABASE_URL`` points it at a
server instead, e.g. ``postgresql+psycopg://cockpit:…@db.internal/cockpit``. The same SQLAlchemy Core code runs
on both.

Writes are serialised: SQLite takes its write lock at ``BEGIN IMMEDIATE``; PostgreSQL takes a transaction-level
advisory lock. One writer at a time is plenty for a dashboard whose writes are uploads and rollbacks, and it
makes "read the current version, then write the next" safe across app replicas. A writer waits for the lock at
most ``$COCKPIT_LOCK_WAIT`` seconds (default 5; `Store.open(lock_wait=…)`), then `StoreBusy` says another change
is in progress; readers never take the lock (SQLite in WAL mode, PostgreSQL's MVCC), so they are never blocked.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine

from common.text import Text
from data.errors import StoreBusy, TextTooLong

ENV_DATA_DIR = "COCKPIT_DATA_DIR"
ENV_DATABASE_URL = "COCKPIT_DATABASE_URL"
DB_FILE = "cockpit.sqlite3"
ENV_LOCK_WAIT = "COCKPIT_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 5.0  # seconds a writer waits for another writer before giving up
WRITE_OPTION = "cockpit_write"
LOCK_WAIT_OPTION = "cockpit_lock_wait"
SEED_LOCK_WAIT = 120.0  # creating tables and seeding on first start: another replica may be doing it already
PG_LOCK_POLL = 0.05  # seconds between tries of the advisory lock
PG_LOCK_NOT_AVAILABLE = "55P03"
# Arbitrary constant naming the store's writer lock among PostgreSQL advisory locks.
PG_WRITE_LOCK = 7_240_615_001

metadata = sa.MetaData()
UtcDateTime = sa.DateTime(timezone=True)
Json = sa.JSON().with_variant(JSONB(), "postgresql")

datasets_table = sa.Table(
    "datasets",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("title", Json, nullable=True),  # {zh, en}; shipped datasets also have data/datasets.yaml
    sa.Column("current_version", sa.Integer, nullable=True),  # a number in dataset_versions; moved by rollback
    sa.Column("created_at", UtcDateTime, nullable=False),
)

versions_table = sa.Table(
    "dataset_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.String(64), sa.ForeignKey("datasets.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # seed | upload
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("file_name", sa.String(500), nullable=False, server_default=""),
    sa.Column("checksum", sa.String(80), nullable=False, server_default=""),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("base_version", sa.Integer, nullable=True),  # the version that was current when this one was made
    sa.Column("diff", Json, nullable=True),  # {added, changed, removed} against base_version
    sa.Column("summary", Json, nullable=True),  # validation summary: error and warning counts by code
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    # The unique pair is also what stops two replicas from seeding version 1 twice.
    sa.UniqueConstraint("dataset_id", "number", name="uq_dataset_versions_number"),
)

observations_table = sa.Table(
    "observations",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("dataset_versions.id"), primary_key=True),
    sa.Column("indicator_id", sa.String(64), primary_key=True),
    sa.Column("region_code", sa.String(16), primary_key=True),
    sa.Column("period", sa.Date, primary_key=True),
    sa.Column("freq", sa.String(1), nullable=False),
    sa.Column("value", sa.Double, nullable=True),  # NULL is a gap, never a zero
    sa.Column("flag", sa.String(16), nullable=True),  # "preliminary"; NULL for a final figure
    # Clustered on the key in SQLite: reading one version is one contiguous range scan.
    sqlite_with_rowid=False,
)

events_table = sa.Table(
    "dataset_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.String(64), sa.ForeignKey("datasets.id"), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),  # seed | commit | rollback
    sa.Column("version", sa.Integer, nullable=False),  # the version made current
    sa.Column("previous_version", sa.Integer, nullable=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)

objects_table = sa.Table(
    "app_objects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(64), nullable=False),  # e.g. scenario, office_target
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("payload", Json, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("kind", "name", name="uq_app_objects_kind_name"),
)

# Each user's briefing basket (ui/basket.py): one row per chart or table, in `position` order. The payload is the item
# as JSON text (briefing.stored), never a pickle; `token` changes whenever the payload does, so a session can keep
# what it decoded. The key a page gives can be long (it names the selections), so uniqueness is on its digest.
basket_table = sa.Table(
    "basket_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("key_digest", sa.String(64), nullable=False),  # sha256 of `key`, hex
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # chart | table
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("caption", sa.Text, nullable=False, server_default=""),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),  # bytes of the payload (UTF-8)
    sa.Column("token", sa.String(32), nullable=False),
    sa.Column("added_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("user", "key_digest", name="uq_basket_items_user_key"),
)

users_table = sa.Table(
    "users",
    metadata,
    sa.Column("user", sa.String(200), primary_key=True),  # the login name: OIDC email/subject or the proxy's header
    sa.Column("role", sa.String(16), nullable=False),  # viewer | analyst | steward | admin
    sa.Column("scope", sa.String(16), nullable=True),  # a province code, or NULL for every region
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# Append-only: the store never updates or deletes a row, and triggers (create_schema) refuse it on both backends.
audit_table = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),  # a key of data.access.ACTIONS or SYSTEM_ACTIONS
    sa.Column("object", sa.String(300), nullable=False, server_default=""),  # dataset, saved object, user, export
    sa.Column("version_before", sa.Integer, nullable=True),
    sa.Column("version_after", sa.Integer, nullable=True),
    sa.Column("address", sa.String(64), nullable=False, server_default=""),
    sa.Column("result", sa.String(8), nullable=False),  # ok | denied | failed
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
)
AUDIT_GUARDS = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ],
}


def utc(moment: datetime) -> datetime:
    """The same instant as an aware UTC datetime (SQLite hands back naive ones)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def default_data_dir() -> Path:
    """The app's own data folder: $COCKPIT_DATA_DIR, else $XDG_DATA_HOME/decision-cockpit."""
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "decision-cockpit"


def database_url(url: str | None = None, data_dir: Path | str | None = None) -> str:
    """The URL to open: the argument, else $COCKPIT_DATABASE_URL, else the SQLite file in the data folder."""
    url = url or os.environ.get(ENV_DATABASE_URL)
    if url:
        return url
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DB_FILE}"


# Longest text each stored field keeps (the column sizes below); checked before writing, with a message.
TEXT_LIMITS = {
    "dataset_id": (64, Text("数据集编号", "dataset id")),
    "by": (200, Text("用户名", "user name")),
    "file_name": (500, Text("文件名", "file name")),
    "kind": (64, Text("对象类型", "object kind")),
    "name": (200, Text("名称", "name")),
    "caption": (2000, Text("说明文字", "caption")),
}


def check_lengths(**texts: str) -> None:
    """Raise TextTooLong for the first text longer than its column (keys of TEXT_LIMITS)."""
    for key, text in texts.items():
        limit, label = TEXT_LIMITS[key]
        if text is not None and len(text) > limit:
            raise TextTooLong(label, len(text), limit)


def lock_wait_seconds(seconds: float | None = None) -> float:
    """Seconds a writer waits for the lock: the argument, else $COCKPIT_LOCK_WAIT, else DEFAULT_LOCK_WAIT."""
    if seconds is not None:
        return float(seconds)
    try:
        return float(os.environ.get(ENV_LOCK_WAIT, DEFAULT_LOCK_WAIT))
    except ValueError:
        return DEFAULT_LOCK_WAIT


def _sqlite_hooks(engine: Engine) -> None:
    """Own SQLite's transactions: pysqlite's implicit BEGIN would defer the write lock and risk 'database is locked'."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets the app read while an upload is being written; NORMAL sync is durable at each commit in WAL.
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


def make_engine(url: str, *, lock_wait: float | None = None) -> Engine:
    """An engine for `url`, with SQLite's locking set up for several readers and one writer, and a writer's wait for
    the lock bounded by `lock_wait` seconds (see `lock_wait_seconds`)."""
    wait = lock_wait_seconds(lock_wait)
    if url.startswith("sqlite"):
        # The busy timeout is the writer's bounded wait (readers in WAL mode do not wait).
        engine = sa.create_engine(url, connect_args={"timeout": wait})
        _sqlite_hooks(engine)
        return engine.execution_options(**{LOCK_WAIT_OPTION: wait})
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":

        @sa.event.listens_for(engine, "connect")
        def _iso_dates(dbapi_connection, _record) -> None:
            # Reads cast dates to text and parse 'YYYY-MM-DD': pin the output style whatever the server's default.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET datestyle TO ISO, YMD")
            dbapi_connection.commit()

    return engine.execution_options(**{LOCK_WAIT_OPTION: wait})


def _is_lock_timeout(exc: sa.exc.OperationalError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE or "database is locked" in str(orig)


def _pg_lock(conn: Connection, wait: float) -> None:
    """Take the writer's advisory lock within `wait` seconds; statements inside wait no longer for row locks."""
    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'"))
    deadline = time.monotonic() + wait
    while not conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(PG_WRITE_LOCK))).scalar():
        if time.monotonic() >= deadline:
            raise StoreBusy(wait)
        time.sleep(PG_LOCK_POLL)


@contextmanager
def write_transaction(engine: Engine, wait: float | None = None) -> Iterator[Connection]:
    """A transaction holding the store's writer lock; commits on success, rolls back on any exception.

    Args:
        wait: seconds to wait for the lock; default the engine's lock wait.

    Raises:
        StoreBusy: another writer held the lock longer than the wait (nothing was written).
    """
    default = engine.get_execution_options().get(LOCK_WAIT_OPTION, lock_wait_seconds())
    wait = default if wait is None else wait
    try:
        with engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            sqlite = conn.dialect.name == "sqlite"
            if sqlite and wait != default:  # this write waits longer (or shorter) than the connection's default
                conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        _pg_lock(conn, wait)
                    yield conn
            finally:
                if sqlite and wait != default:
                    conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout = {int(default * 1000)}")
    except sa.exc.OperationalError as exc:
        if _is_lock_timeout(exc):
            raise StoreBusy(wait) from None
        raise


def _schema_complete(engine: Engine) -> bool:
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        if not all(inspector.has_table(table.name) for table in metadata.sorted_tables):
            return False
        return "flag" in {c["name"] for c in inspector.get_columns("observations")}


def create_schema(engine: Engine) -> None:
    """Create missing tables; safe when several replicas start at once (the writer lock serialises them).

    A complete schema is only read, so opening the store never waits for a writer. A store made by an earlier
    release lacks the observations' `flag` column: it is added (every stored figure then reads as final, which is
    what those releases meant). The audit trail gets its append-only triggers.
    """
    if _schema_complete(engine):
        return
    with write_transaction(engine, SEED_LOCK_WAIT) as conn:
        metadata.create_all(conn, checkfirst=True)
        columns = {c["name"] for c in sa.inspect(conn).get_columns("observations")}
        if "flag" not in columns:
            conn.execute(sa.text("ALTER TABLE observations ADD COLUMN flag VARCHAR(16)"))
        for statement in AUDIT_GUARDS.get(conn.dialect.name, []):
            conn.exec_driver_sql(statement)
