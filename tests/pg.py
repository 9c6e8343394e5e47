"""A throwaway PostgreSQL server for the store tests.

Finds Debian's PostgreSQL binaries (installing the `postgresql` package with apt-get when they are absent and we
are root), creates a cluster in a temporary folder, starts it on a free local port and stops it when the test
process exits. Each test gets its own schema, so tests never see each other's tables.

The server is started once per test process, however many test modules ask for it: module-level fixtures that
import this helper share `server()`.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

SUPERUSER = "postgres"
DATABASE = "cockpit_test"


@dataclass(frozen=True)
class Server:
    """A running throwaway cluster."""

    port: int
    root: Path
    bindir: Path

    def url(self, database: str = DATABASE, schema: str | None = None) -> str:
        base = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"
        # search_path per connection keeps a test's tables in its own schema.
        return f"{base}?options=-csearch_path%3D{schema}" if schema else base


def _bindir() -> Path | None:
    """Folder of initdb/pg_ctl: on PATH, or Debian's versioned folder (newest first)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(os.path.realpath(on_path)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]), reverse=True)
    return Path(found[0]).parent if found else None


def _install() -> str | None:
    """apt-get install postgresql; returns why it failed, or None."""
    if os.geteuid() != 0:
        return "PostgreSQL is not installed and the tests are not running as root, so apt-get cannot install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "postgresql"]):
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(cmd)} failed: {exc}"
        if done.returncode != 0:
            return f"{' '.join(cmd)} failed: {done.stderr.strip()[-500:]}"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: run its tools as the `postgres` system user then.
    return ["runuser", "-u", SUPERUSER, "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_owner(cmd), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


def _start(bindir: Path) -> Server:
    root = Path(tempfile.mkdtemp(prefix="cockpit-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, SUPERUSER, SUPERUSER)
    data = root / "data"
    _run([str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-sync"])
    port = _free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "-t", "60", "start"])
    server = Server(port=port, root=root, bindir=bindir)
    atexit.register(_stop, server)
    _run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE])
    return server


def _stop(server: Server) -> None:
    try:
        _run([str(server.bindir / "pg_ctl"), "-D", str(server.root / "data"), "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


@lru_cache(maxsize=1)
def server() -> Server | str:
    """The shared server, or the reason there is none (PostgreSQL could not be installed)."""
    bindir = _bindir()
    if bindir is None:
        reason = _install()
        bindir = _bindir()
        if bindir is None:
            return reason or "apt-get install postgresql ran but no pg_ctl was found"
    return _start(bindir)


def postgres_url() -> str:
    """URL of a fresh, empty schema on the shared server; skips the test when PostgreSQL cannot be installed."""
    running = server()
    if isinstance(running, str):
        pytest.skip(f"PostgreSQL unavailable: {running}")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(running.url())
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    return running.url(schema=schema)
