"""Replicas behind nginx (deploy/cluster.py): sticky sessions by cookie, a page and an upload through the proxy in
Chromium, and a stop that leaves no process behind."""

from __future__ import annotations

import os
import re
import urllib.request
import uuid

import pytest
from conftest import free_port
from playwright.sync_api import expect
from test_browser import TIMEOUT_MS, wait_for_app

from deploy import cluster as deploy

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def two_replicas(tmp_path_factory):
    """Two replicas on a throwaway PostgreSQL behind nginx; stopped after the module (and checked to be gone)."""
    try:
        deploy.nginx_binary()
    except deploy.ClusterError as exc:
        pytest.skip(f"nginx cannot be installed: {exc}")
    state = tmp_path_factory.mktemp("cluster") / "state"
    running = deploy.start(2, free_port(), state=state)
    yield running
    deploy.stop(state)
    for name, pid in running.pids.items():
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)  # no process of the group is left
        assert name
    assert not state.exists()


def replica_of(url: str, cookie: str | None) -> str:
    request = urllib.request.Request(url, headers={"Cookie": f"{deploy.AFFINITY_COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.headers["X-Cockpit-Replica"]


def test_the_configuration_carries_affinity_websockets_and_long_reads(two_replicas):
    conf = (deploy.Path(two_replicas.state) / "nginx.conf").read_text()
    assert "hash $affinity_key consistent;" in conf
    assert conf.count("proxy_http_version 1.1;") == 3
    assert conf.count("proxy_set_header Upgrade $http_upgrade;") == 3
    assert conf.count("proxy_read_timeout 1d;") == 3
    assert "location /_stcore/stream" in conf and "location /_stcore/upload_file/" in conf
    assert "X-Forwarded-For" not in conf  # loopback: "local" sign-in must see nginx as this machine


def test_one_cookie_always_reaches_one_replica_and_cookies_spread_over_both(two_replicas):
    health = f"{two_replicas.url}/_stcore/health"
    for _ in range(3):
        key = uuid.uuid4().hex
        assert len({replica_of(health, key) for _ in range(6)}) == 1
    replicas = {replica_of(health, uuid.uuid4().hex) for _ in range(40)}
    assert replicas == {f"127.0.0.1:{p}" for p in two_replicas.replica_ports}
    with urllib.request.urlopen(f"{two_replicas.url}/", timeout=10) as resp:  # a new visitor gets a key to keep
        assert re.match(rf"{deploy.AFFINITY_COOKIE}=[0-9a-f]{{32}}; Path=/; HttpOnly", resp.headers["Set-Cookie"])


def test_a_page_and_an_upload_through_nginx_in_chromium(two_replicas, browser_page):
    page = browser_page.page
    page.goto(f"{two_replicas.url}/data", timeout=TIMEOUT_MS)
    wait_for_app(page)
    expect(page.locator("h1").first).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="上传新数据").click()
    csv = '2024年分省地区生产总值（亿元）\n地区,2024年\n北京市,"49,843.1"\n天津市,"18,024.3"\n'.encode("gbk")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": "gdp_2024.csv", "mimeType": "text/csv", "buffer": csv}
    )
    # The file reached the session's replica: the app read it and wrote its validation report.
    expect(page.get_by_text(re.compile(r"\d+ 个错误"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(re.compile("invalid session", re.I))).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert browser_page.external == [] and browser_page.errors == []
    # The replicas read the observations once from PostgreSQL and keep the snapshot in the cluster's folder.
    assert list((deploy.Path(two_replicas.state) / "cache").glob("observations-*.parquet"))


def test_off_loopback_nginx_forwards_the_address_and_needs_sign_in(monkeypatch, tmp_path):
    outside = deploy.Cluster(str(tmp_path), 8620, "10.0.0.5", "postgresql+psycopg://x", [8621, 8622])
    conf = deploy.nginx_config(outside, run_as=None)
    assert conf.count("proxy_set_header X-Forwarded-For $remote_addr;") == 3  # "local" sign-in then refuses
    assert "listen 10.0.0.5:8620;" in conf and "server 127.0.0.1:8622 " in conf
    monkeypatch.delenv("COCKPIT_AUTH", raising=False)
    with pytest.raises(deploy.ClusterError, match="COCKPIT_AUTH"):
        deploy.start(2, 8620, address="0.0.0.0", state=tmp_path / "state")
    assert not (tmp_path / "state").exists()  # refused before anything started
