"""benchmarks/load_cluster.py in a tiny configuration, so it cannot rot: two tabs per target clicking for a few
seconds each, one replica killed mid-step, an upload before and after the kill."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import cluster as deploy

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_the_load_benchmark_runs_both_targets_kills_a_replica_and_uploads(tmp_path):
    try:
        deploy.nginx_binary()
    except deploy.ClusterError as exc:
        pytest.skip(f"nginx cannot be installed: {exc}")
    figures = tmp_path / "figures.json"
    cmd = [sys.executable, "benchmarks/load_cluster.py", "--levels", "2", "--minutes", "0.25", "--think", "0.5", "1"]
    cmd += ["--pages", "overview", "indicators", "--json", str(figures), "--no-precompute"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    single, clustered = json.loads(figures.read_text())
    assert (single["target"], clustered["target"]) == ("one process", "cluster")
    for row in (single, clustered):
        assert row["interactions"] > 0 and row["errors"] == 0, row["error_samples"]
        assert row["uploads"] and row["uploads"][0].startswith("ok"), row["uploads"]  # the app read the file
    assert set(clustered["rss_mb"]) == {"replica-1", "replica-2"} and set(single["rss_mb"]) == {"process"}
    kill = clustered["kill"]
    assert kill["survivor_errors"] == 0  # sessions on the other replica saw nothing
    assert kill["reopened_on_dead"] == 0  # reopened sessions were served by the replica left
    assert kill["uploads_after_kill"] and kill["uploads_after_kill"][0].startswith("ok"), kill["uploads_after_kill"]
    assert "killed replica-2" in done.stderr and "p95" in done.stdout
