"""The one persistent Chromium: found explicitly (never downloaded), reused, restarted, clear when missing."""

from __future__ import annotations

import os
import signal
import time

import pytest
from briefing_support import sample_figure

from briefing import ChromiumMissing, RenderError, chart_bytes
from briefing.renderer import DEBIAN_CHROMIUM, Renderer, chromium_path, renderer, shutdown, with_renderer


def test_debian_chromium_is_used_by_default(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert chromium_path() == DEBIAN_CHROMIUM


def test_browser_path_overrides_and_a_missing_one_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(ChromiumMissing, match="no-chromium.*install Debian's chromium package"):
        chromium_path()


def test_a_browser_that_cannot_start_fails_fast_instead_of_hanging(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    start = time.perf_counter()
    with pytest.raises(RenderError, match="did not start"):
        Renderer(str(fake))
    assert time.perf_counter() - start < 60


def test_the_renderer_is_reused_and_restarts_after_shutdown():
    first = renderer()
    assert renderer() is first
    shutdown()
    assert not first.alive
    png = chart_bytes(sample_figure(), "png")  # starts a new browser on demand
    assert png.startswith(b"\x89PNG")
    assert renderer() is not first and renderer().alive


def test_a_killed_browser_is_replaced_on_the_next_export():
    first = renderer()
    os.kill(first.pid, signal.SIGKILL)  # the browser this test process started, by its id
    deadline = time.monotonic() + 10
    while first.alive and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not first.alive
    assert chart_bytes(sample_figure(), "svg").startswith(b"<svg")
    assert renderer() is not first


def test_browser_side_failures_come_back_as_render_errors():
    bad = {"figure": {"data": [], "layout": {}}, "format": "bmp", "width": 100, "height": 100, "scale": 1}
    with pytest.raises(RenderError, match="ValueError: Invalid format 'bmp'"):
        with_renderer(lambda r: r.image(bad))
