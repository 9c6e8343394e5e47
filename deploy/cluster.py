"""Several app replicas behind Debian's nginx on one PostgreSQL, on one machine, for testing a deployment.

``python deploy/cluster.py start --replicas 3`` (``make cluster REPLICAS=3``) starts a throwaway PostgreSQL (or
uses ``$COCKPIT_DATABASE_URL``), seeds the store once, starts N replicas of ``python -m ui.serve`` on loopback
ports and nginx in front, waits until every part answers and returns; ``python deploy/cluster.py stop``
(``make cluster-stop``) stops them all and removes the throwaway database. What runs is written to
``<state>/cluster.json`` (``--state``, default ``$TMPDIR/cockpit-cluster-<port>``); every part runs in its own
process group, so a stop leaves no process behind. The nginx configuration is written by :func:`nginx_config`;
README "Deployment: several replicas" explains each line.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = "/usr/sbin/nginx"
AFFINITY_COOKIE = "cockpit_replica"
PG_USER = "postgres"
PG_DATABASE = "cockpit"
START_TIMEOUT = 180.0


class ClusterError(RuntimeError):
    """A part of the cluster could not be installed, started or stopped; the message says which and why."""


@dataclass
class Cluster:
    """What one start left running (saved as ``cluster.json`` in the state folder)."""

    state: str
    port: int
    address: str
    database_url: str
    replica_ports: list[int] = field(default_factory=list)
    pids: dict[str, int] = field(default_factory=dict)  # part name -> pid (each the leader of its process group)
    pg_data: str | None = None  # the throwaway PostgreSQL's data folder, or None for $COCKPIT_DATABASE_URL
    pg_bindir: str | None = None

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"


def nginx_config(cluster: Cluster, *, run_as: str | None) -> str:
    """nginx.conf for the cluster: sticky sessions by cookie, websockets, long reads, large uploads."""
    state = Path(cluster.state)
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in cluster.replica_ports)
    # Behind a non-loopback address the replicas must not take nginx (a loopback peer) for this machine's user:
    # the forwarding header makes "local" sign-in refuse, as it does for any forwarded visitor.
    forwarded = "" if _is_loopback(cluster.address) else "        proxy_set_header X-Forwarded-For $remote_addr;\n"
    proxy = f"""        proxy_pass http://cockpit;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
{forwarded}        proxy_read_timeout 1d;
        proxy_send_timeout 1d;
        proxy_next_upstream error timeout;
        add_header Set-Cookie $affinity_cookie always;
        add_header X-Cockpit-Replica $upstream_addr always;  # which replica answered (for tests and debugging)
"""
    temp = "\n".join(f"    {kind}_temp_path {state / 'nginx-tmp' / kind};" for kind in _TEMP_KINDS)
    user = f"user {run_as};\n" if run_as else ""
    return f"""# Written by deploy/cluster.py; README "Deployment: several replicas" explains it.
{user}worker_processes auto;
pid {state / "nginx.pid"};
error_log {state / "nginx-error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    access_log {state / "nginx-access.log"};
{temp}
    client_max_body_size 200m;  # Streamlit's server.maxUploadSize
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # Session affinity: a browser without the cookie gets a random key (the request id) and keeps it, so its page,
    # websocket and uploads all hash to one replica; ip_hash would send a whole office behind one NAT to one.
    map $cookie_{AFFINITY_COOKIE} $affinity_key {{ "" $request_id; default $cookie_{AFFINITY_COOKIE}; }}
    map $cookie_{AFFINITY_COOKIE} $affinity_cookie {{
        "" "{AFFINITY_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    upstream cockpit {{
        hash $affinity_key consistent;
{servers}
    }}
    server {{
        listen {cluster.address}:{cluster.port};
        location /_stcore/stream {{  # the session's websocket: no buffering, open for as long as the tab is
            proxy_buffering off;
{proxy}        }}
        location /_stcore/upload_file/ {{  # st.file_uploader: must reach the replica holding the session
            proxy_request_buffering off;
{proxy}        }}
        location / {{
{proxy}        }}
    }}
}}
"""


_TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "localhost"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _apt_install(package: str) -> None:
    if os.geteuid() != 0:
        raise ClusterError(f"{package} is not installed and this is not root, so apt-get cannot install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise ClusterError(f"{' '.join(cmd)} failed: {done.stderr.strip()[-500:]}")


def nginx_binary() -> str:
    """Debian's nginx, installed with apt-get when absent (as root)."""
    found = shutil.which("nginx") or (NGINX if Path(NGINX).exists() else None)
    if found is None:
        _apt_install("nginx")
        found = shutil.which("nginx") or NGINX
    return found


def _pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        _apt_install("postgresql")
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise ClusterError("apt-get install postgresql ran but no pg_ctl was found")
    return Path(found[-1]).parent


def _as_pg_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", PG_USER, "--", *cmd] if os.geteuid() == 0 else cmd  # PostgreSQL refuses root


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


def _start_postgres(cluster: Cluster) -> None:
    bindir = _pg_bindir()
    # Its own folder in $TMPDIR: the state folder may sit under a path the postgres user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="cockpit-cluster-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, PG_USER, PG_USER)
    data, port = root / "data", free_port()
    cluster.pg_data, cluster.pg_bindir = str(data), str(bindir)
    _save(cluster)  # from here on a stop removes the folder, whatever fails next
    _run(_as_pg_owner([str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "-A", "trust", "-E", "UTF8"]))
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"
    _run(_as_pg_owner([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]))
    _run(_as_pg_owner([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER, PG_DATABASE]))
    cluster.database_url = f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}"


def _spawn(cluster: Cluster, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    log = open(Path(cluster.state) / f"{name}.log", "w")  # noqa: SIM115 - the child keeps it open
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    cluster.pids[name] = proc.pid
    _save(cluster)
    return proc


def _wait_ok(url: str, proc: subprocess.Popen, name: str, state: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (state / f"{name}.log").read_text(errors="replace")[-2000:]
            raise ClusterError(f"{name} exited ({proc.returncode}):\n{log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise ClusterError(f"{name} did not answer on {url} within {START_TIMEOUT:.0f} s")


def _save(cluster: Cluster) -> None:
    (Path(cluster.state) / "cluster.json").write_text(json.dumps(asdict(cluster), indent=2))


def default_state(port: int) -> Path:
    return Path(tempfile.gettempdir()) / f"cockpit-cluster-{port}"


def start(replicas: int, port: int, *, address: str = "127.0.0.1", state: Path | None = None) -> Cluster:
    """Start PostgreSQL (unless ``$COCKPIT_DATABASE_URL``), ``replicas`` app replicas and nginx; return when all
    answer. On any failure everything started so far is stopped again."""
    if replicas < 1:
        raise ClusterError(f"--replicas must be at least 1. Got: {replicas}")
    if not _is_loopback(address) and os.environ.get("COCKPIT_AUTH", "local") not in ("oidc", "proxy"):
        raise ClusterError(f"{address} is not loopback: set COCKPIT_AUTH=oidc or proxy (README, 'Sign-in and roles')")
    state = Path(state or default_state(port))
    if (state / "cluster.json").exists():
        raise ClusterError(f"a cluster is already running from {state}: stop it first")
    state.mkdir(parents=True, exist_ok=True)
    nginx = nginx_binary()
    cluster = Cluster(str(state), port, address, os.environ.get("COCKPIT_DATABASE_URL", ""))
    _save(cluster)
    try:
        if not cluster.database_url:
            _start_postgres(cluster)
            _save(cluster)
        env = {
            **os.environ,
            "COCKPIT_DATABASE_URL": cluster.database_url,
            "FORWARDED_ALLOW_IPS": "",  # the peer is nginx; never take a client's forwarding header for it
            "PYTHONUNBUFFERED": "1",
            # The replicas' observation snapshots, shared on this machine (data/store/snapshot.py), unless set.
            "COCKPIT_CACHE_DIR": os.environ.get("COCKPIT_CACHE_DIR") or str(state / "cache"),
        }
        # One cookie secret (Streamlit takes it only from the environment or a file): a cookie signed by one
        # replica is valid on every other.
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = secrets.token_hex(32)
        # Seed the shipped data once, before the replicas race to.
        seeded = subprocess.run(
            [sys.executable, "-c", "import data.store; data.store.open_store().close()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if seeded.returncode != 0:
            raise ClusterError(f"seeding the store failed: {seeded.stderr.strip()[-1000:]}")
        procs = {}
        for i in range(replicas):
            replica_port = free_port()
            cluster.replica_ports.append(replica_port)
            cmd = [sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1"]
            cmd += ["--server.port", str(replica_port), "--server.headless", "true"]
            cmd += ["--browser.serverAddress", address, "--browser.serverPort", str(port)]
            procs[f"replica-{i + 1}"] = (_spawn(cluster, f"replica-{i + 1}", cmd, env), replica_port)
        for name, (proc, replica_port) in procs.items():
            _wait_ok(f"http://127.0.0.1:{replica_port}/_stcore/health", proc, name, state)
        run_as = "www-data" if os.geteuid() == 0 else None
        for kind in _TEMP_KINDS:
            folder = state / "nginx-tmp" / kind
            folder.mkdir(parents=True, exist_ok=True)
            if run_as:
                shutil.chown(folder, run_as, run_as)
        conf = state / "nginx.conf"
        conf.write_text(nginx_config(cluster, run_as=run_as))
        _run([nginx, "-t", "-q", "-p", str(state), "-c", str(conf)])
        proc = _spawn(cluster, "nginx", [nginx, "-p", str(state), "-c", str(conf), "-g", "daemon off;"], env)
        _wait_ok(f"http://127.0.0.1:{port}/_stcore/health", proc, "nginx", state)
    except BaseException:
        stop(state)
        raise
    return cluster


def _stop_group(pid: int, timeout: float = 15.0) -> None:
    """SIGTERM to the process group led by ``pid``, SIGKILL after ``timeout``; returns when the group is gone."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        _reap(pid)
        time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)
    while True:
        _reap(pid)
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # our own child (started from this process) must not stay a zombie
        os.waitpid(pid, os.WNOHANG)


def stop(state: Path) -> None:
    """Stop nginx, the replicas and the throwaway PostgreSQL started from ``state``; remove ``state``."""
    saved = Path(state) / "cluster.json"
    if not saved.exists():
        raise ClusterError(f"no cluster was started from {state}")
    cluster = Cluster(**json.loads(saved.read_text()))
    for name in sorted(cluster.pids, key=lambda n: n != "nginx"):  # the proxy first: no new requests
        _stop_group(cluster.pids[name])
    if cluster.pg_data and (Path(cluster.pg_data) / "postmaster.pid").exists():
        pg_ctl = str(Path(cluster.pg_bindir) / "pg_ctl")
        _run(_as_pg_owner([pg_ctl, "-D", cluster.pg_data, "-m", "fast", "-w", "stop"]))
    if cluster.pg_data:
        shutil.rmtree(Path(cluster.pg_data).parent, ignore_errors=True)
    shutil.rmtree(state, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--port", type=int, default=8620, help="nginx's port (default 8620)")
    parser.add_argument("--address", default="127.0.0.1", help="nginx's address (loopback unless signed in)")
    parser.add_argument("--state", type=Path, help="folder for logs, pids and config (default: per port in $TMPDIR)")
    args = parser.parse_args(argv)
    state = args.state or default_state(args.port)
    try:
        if args.action == "stop":
            stop(state)
            print(f"stopped the cluster of {state}")
            return 0
        cluster = start(args.replicas, args.port, address=args.address, state=state)
    except ClusterError as exc:
        print(f"cluster: {exc}", file=sys.stderr)
        return 1
    print(f"{args.replicas} replicas on ports {cluster.replica_ports} behind nginx at {cluster.url}")
    print(f"database {cluster.database_url}; logs and pids in {state}")
    print(f"stop with: make cluster-stop CLUSTER_PORT={args.port} (or deploy/cluster.py stop --port {args.port})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
