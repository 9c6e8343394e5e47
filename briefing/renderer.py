"""One persistent headless Chromium, driven through kaleido, for chart images and printed documents.

A fresh browser costs about 2 s per image, a warm one about 0.25 s, so the process keeps one `kaleido.Kaleido`
open on an event loop in a daemon thread and sends it work with `asyncio.run_coroutine_threadsafe`. This is
kaleido's own sync-server pattern (`kaleido.start_sync_server`), written out here because that server
(a) waits forever when the browser fails to start (its thread dies, callers block on the task queue),
(b) hands results back through one shared queue, so two Streamlit sessions exporting at once can swap images, and
(c) exposes only figure rendering, while the briefing PDF needs `Page.printToPDF` on a tab of the same browser.

Chromium is found explicitly (env ``BROWSER_PATH``, else Debian's ``/usr/bin/chromium``, else ``chromium`` on PATH)
and passed to kaleido as ``path``: choreographer's own search would prefer a browser downloaded by
``kaleido.get_chrome``, and nothing here ever downloads one. MathJax is off (it would come from a CDN).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TypeVar

import kaleido
from choreographer.errors import BrowserClosedError, BrowserFailedError, ChannelClosedError

from briefing.errors import BriefingError, ChromiumMissing, RenderError

T = TypeVar("T")

DEBIAN_CHROMIUM = "/usr/bin/chromium"
TABS = 2  # two renders in flight: a pack's charts overlap their JavaScript and PNG encoding on two cores
RENDER_TIMEOUT = 60.0  # seconds for one image inside the browser
START_TIMEOUT = 60.0
# A dead browser (killed, crashed) surfaces as one of these; the renderer is then restarted once.
_BROWSER_GONE = (BrowserClosedError, BrowserFailedError, ChannelClosedError)


def chromium_path() -> str:
    """The Chromium executable to use: ``BROWSER_PATH`` if set, else Debian's, else ``chromium`` on PATH.

    Raises:
        ChromiumMissing: none of these is an executable file.
    """
    tried = []
    override = os.environ.get("BROWSER_PATH")
    candidates = [override] if override else [DEBIAN_CHROMIUM, shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        tried.append(candidate or "chromium on PATH")
    raise ChromiumMissing(
        f"no Chromium to render charts with (tried {', '.join(tried)}); install Debian's chromium package "
        "(`make run` and `make test` install it when absent) or set BROWSER_PATH to a Chromium executable"
    )


class Renderer:
    """A running Chromium with kaleido's plotting page loaded in `tabs` tabs."""

    def __init__(self, chromium: str, tabs: int = TABS, timeout: float = RENDER_TIMEOUT):
        self.chromium = chromium
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="briefing-chromium", daemon=True)
        self._thread.start()
        self._kaleido: kaleido.Kaleido | None = None
        try:
            self._kaleido = self._run(self._open(tabs), START_TIMEOUT)
        except Exception as exc:
            self._stop_loop()
            raise RenderError(f"Chromium at {chromium} did not start: {exc}") from exc

    async def _open(self, tabs: int) -> kaleido.Kaleido:
        browser = kaleido.Kaleido(n=tabs, timeout=self.timeout, mathjax=False, path=self.chromium)
        await browser.open()
        return browser

    def _run(self, coro: Awaitable[T], timeout: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)  # type: ignore[arg-type]
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise RenderError(f"Chromium did not answer within {timeout:.0f} s") from None

    @property
    def alive(self) -> bool:
        """True while the loop thread runs and the browser process has not exited (crashed or killed)."""
        if self._kaleido is None or not self._thread.is_alive():
            return False
        process = getattr(self._kaleido, "subprocess", None)
        return process is not None and process.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the browser (of choreographer's wrapper that runs it)."""
        process = getattr(self._kaleido, "subprocess", None)
        return process.pid if process is not None else None

    def image(self, job: dict[str, Any]) -> bytes:
        """One image of a Plotly figure. `job`: figure (dict), format (png, svg or pdf), width, height (layout
        pixels), scale, topojson (URL or None)."""
        return self.images([job])[0]

    def images(self, jobs: list[dict[str, Any]]) -> list[bytes]:
        """Several images at once, rendered on all tabs in parallel, in the order of `jobs`."""

        async def render_all() -> list[bytes]:
            calls = [
                self._kaleido.calc_fig(
                    job["figure"],
                    opts={key: job[key] for key in ("format", "width", "height", "scale")},
                    topojson=job.get("topojson"),
                )
                for job in jobs
            ]
            return list(await asyncio.gather(*calls))

        return self._run(render_all(), self.timeout * max(1, len(jobs)) + 10)

    def print_html(self, html: str) -> bytes:
        """Print an HTML document (UTF-8, self-contained) to PDF in a new tab of the same browser."""
        with tempfile.TemporaryDirectory(prefix="briefing-") as folder:
            page = Path(folder) / "briefing.html"
            page.write_text(html, encoding="utf-8")
            return self._run(self._print(page.as_uri()), self.timeout + 10)

    async def _print(self, url: str) -> bytes:
        tab = await self._kaleido.create_tab("")
        try:
            loaded = tab.subscribe_once("Page.loadEventFired")
            _check(await tab.send_command("Page.enable"))
            _check(await tab.send_command("Page.navigate", params={"url": url}))
            await asyncio.wait_for(loaded, self.timeout)
            # Local fonts load lazily; printing before they are ready would lay text out in a fallback font.
            ready = {"expression": "document.fonts.ready.then(() => true)", "awaitPromise": True}
            _check(await tab.send_command("Runtime.evaluate", params=ready))
            params = {"printBackground": True, "preferCSSPageSize": True}
            result = _check(await tab.send_command("Page.printToPDF", params=params))
            return base64.b64decode(result["result"]["data"])
        finally:
            await self._kaleido.close_tab(tab.target_id)

    def close(self) -> None:
        """Close the browser and stop the loop thread."""
        if self._kaleido is not None:
            # Closing a dead browser fails; that must not stop the next one from starting.
            with contextlib.suppress(Exception):
                self._run(self._kaleido.close(), 20)
            self._kaleido = None
        self._stop_loop()

    def _stop_loop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)


def _check(response: dict) -> dict:
    if "error" in response:
        raise RenderError(f"Chromium refused a command: {response['error']}")
    return response


_lock = threading.Lock()
_current: Renderer | None = None


def renderer() -> Renderer:
    """The process's one renderer, started on first use (about 2 s) and reused afterwards.

    Raises:
        ChromiumMissing: no Chromium executable (see `chromium_path`).
        RenderError: Chromium is there but does not start.
    """
    global _current
    with _lock:
        if _current is None or not _current.alive:
            _current = Renderer(chromium_path())
        return _current


def with_renderer(call: Callable[[Renderer], T]) -> T:
    """Run `call` on the renderer; if the browser died since the last call, start a new one and retry once.

    Raises:
        ChromiumMissing: no Chromium. RenderError: anything else that went wrong in the browser (kaleido and
        DevTools errors included), so callers handle one named error.
    """
    try:
        try:
            return call(renderer())
        except _BROWSER_GONE:
            shutdown()
            return call(renderer())
    except BriefingError:
        raise
    except Exception as exc:
        raise RenderError(f"{type(exc).__name__}: {exc}") from exc


def shutdown() -> None:
    """Close the renderer if one is running (tests and benchmarks use this to measure a cold start)."""
    global _current
    with _lock:
        if _current is not None:
            _current.close()
            _current = None


atexit.register(shutdown)
