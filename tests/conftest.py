"""Shared fixtures: the shipped data, the running app and a real Chromium driven by Playwright."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The app under test (AppTest and the browser's server) uses a store of its own, never the user's.
_STORE_DIR = tempfile.mkdtemp(prefix="cockpit-test-store-")
atexit.register(shutil.rmtree, _STORE_DIR, ignore_errors=True)
os.environ["COCKPIT_DATA_DIR"] = _STORE_DIR
os.environ.pop("COCKPIT_DATABASE_URL", None)
# Staleness depends on the date: tests see the day this data release was made (indicators/freshness.py).
os.environ["COCKPIT_TODAY"] = "2026-12-02"
# A commit in a test does not start the precompute job (minutes of forecasting); tests/test_precompute*.py turn it on.
os.environ["COCKPIT_PRECOMPUTE"] = "0"
# Forecast runs stay in the test process (ui.cache.workers): a pool per test process costs each ~280 MB a worker.
os.environ["COCKPIT_RUN_WORKERS"] = "1"

import basket_support  # noqa: E402
from pg import postgres_url  # noqa: E402

import data  # noqa: E402
import data.store  # noqa: E402
import indicators  # noqa: E402
from ui import cache  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def local_basket():
    """The local user's briefing basket in the test store, empty at the start and emptied again at the end."""
    basket_support.empty()
    yield basket_support
    basket_support.empty()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty store on each backend (a test module may define its own ``store``)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}" if request.param == "sqlite" else postgres_url()
    opened = data.store.Store.open(url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory) -> Path:
    """A SQLite store seeded once from the shipped data, which `own_store` copies (seeding takes seconds)."""
    folder = tmp_path_factory.mktemp("seeded")
    data.store.open_store(data_dir=str(folder)).engine.dispose()
    return folder


@pytest.fixture
def own_store(seeded_dir, tmp_path, monkeypatch):
    """The app runs on a store of its own for this test only: a copy of the seeded store in ``tmp_path``."""
    shutil.copytree(seeded_dir, tmp_path, dirs_exist_ok=True)
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    cache.store.clear()
    cache.data_changed()
    store = data.store.open_store()
    yield store
    store.engine.dispose()
    cache.store.clear()
    cache.data_changed()


@pytest.fixture(scope="session")
def obs():
    """All shipped observations in the canonical long frame."""
    return data.load_observations()


@pytest.fixture(scope="session")
def cat():
    """The shipped indicator catalogue."""
    return indicators.catalogue()


@pytest.fixture(scope="session")
def registry():
    """The region registry."""
    return data.region_registry()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(log: Path, *, port: int | None = None, args: tuple[str, ...] = (), env: dict | None = None):
    """Start the app the way `make run` does (`python -m ui.serve`: streamlit run app.py with the repo config);
    yield its base URL.

    `args` are more command-line options (e.g. ``--secrets.files``), `env` more environment variables.
    """
    port = port or free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FORWARDED_ALLOW_IPS": "", **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1", "--server.port", str(port), *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            pytest.fail(f"app exited early:\n{log.read_text()}")
    else:
        proc.terminate()
        pytest.fail(f"app did not answer on {url} within 90 s:\n{log.read_text()}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app running for the whole test session; its base URL."""
    yield from start_app(tmp_path_factory.mktemp("app") / "streamlit.log")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, launched through the Playwright client (no downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RecordingPage:
    """A browser page that records every request leaving the machine and every page error."""

    def __init__(self, page):
        self.page = page
        self.external: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._on_request)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _on_request(self, request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if parsed.hostname not in LOCAL_HOSTS:
            self.external.append(request.url)


@pytest.fixture
def browser_page(chromium):
    """A fresh page that blocks and records any request to a host other than this machine."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")

    def block_external(route):
        host = urlparse(route.request.url).hostname
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", block_external)
    recorder = RecordingPage(context.new_page())
    yield recorder
    context.close()
