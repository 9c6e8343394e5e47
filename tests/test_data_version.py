"""The store-wide data version on SQLite and PostgreSQL, and a commit by one process seen through another's caches."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from actors import steward
from frames import annual as frame
from pg import postgres_url

from data.errors import NothingToCommit
from data.store import Store

ROOT = Path(__file__).resolve().parents[1]
V1 = frame([("gdp", "110000", 2020, 100.0), ("gdp", "110000", 2021, 110.0)])


def test_every_change_of_a_current_version_bumps_the_counter_once(store):
    assert store.data_version() == 0
    store.seed({"toy": lambda: V1, "toy2": lambda: frame([("pop", "110000", 2020, 5.0)])})
    assert store.data_version() == 2  # one per seeded dataset
    store.commit("toy", frame([("gdp", "110000", 2022, 120.0)]), actor=steward())
    assert store.data_version() == 3
    with pytest.raises(NothingToCommit):
        store.commit("toy", V1, actor=steward())
    assert store.data_version() == 3  # nothing written, nothing bumped
    store.rollback("toy", 1, actor=steward())
    assert store.data_version() == 4
    store.rollback("toy", 1, actor=steward())  # already current: nothing changes
    assert store.data_version() == 4


# A second app process: it reads the observations through ui/cache.py (no Streamlit server: the caches work in
# bare mode) and answers each "read" line with what its cached read shows and how often it went to the store.
READER = """
import json, sys
import streamlit as st
import data.store
from data.store.store import Store
from ui import cache
from ui.scope import ACTOR_KEY
from data.access import Actor, Role

reads = [0]
observations = Store.observations
def counted(self, *args, **kwargs):
    reads[0] += 1
    return observations(self, *args, **kwargs)
Store.observations = counted
st.session_state[ACTOR_KEY] = Actor("reader", Role.VIEWER, scope=None, address="127.0.0.1")
for line in sys.stdin:
    cache.refresh_if_data_changed()  # what app.py does at the top of every run
    obs = cache.observations()
    value = obs.loc[(obs["region_code"] == "110000") & (obs["period"].dt.year == 2021), "value"]
    print(json.dumps({"value": float(value.iloc[0]), "version": cache.data_version(), "reads": reads[0]}), flush=True)
"""


@pytest.mark.slow
def test_a_commit_in_one_process_reaches_the_other_process_cached_reads_within_seconds(tmp_path):
    url = postgres_url()
    writer = Store.open(url)
    writer.seed({"cn_prov_nbs": lambda: V1})
    env = {"COCKPIT_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    # The reader's store is the writer's, seeded with the toy dataset only (not the shipped data: that is slow).
    script = "import functools, data.store as s; s.open_store = functools.partial(s.open_store, seed=False)\n"
    log = tmp_path / "reader.log"  # a file, not a pipe: bare-mode warnings on every look would fill a pipe
    with open(log, "w") as errors:
        reader = subprocess.Popen(
            [sys.executable, "-c", script + READER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )

    def ask() -> dict:
        reader.stdin.write("read\n")
        reader.stdin.flush()
        line = reader.stdout.readline()
        assert line, log.read_text()[-3000:]
        return json.loads(line)

    try:
        first = ask()
        assert first["value"] == 110.0 and first["reads"] == 1
        assert ask() == first  # cached: the store is not read again while nothing changes
        writer.commit("cn_prov_nbs", frame([("gdp", "110000", 2021, 111.5)]), actor=steward())
        deadline = time.monotonic() + 15  # FRESH_SECONDS is 2; generous for a loaded machine
        seen = ask()
        while seen["value"] == 110.0 and time.monotonic() < deadline:
            seen = ask()
        assert seen["value"] == 111.5 and seen["version"] == first["version"] + 1
        assert seen["reads"] == 2  # one new read of the store for the new version, not one per look
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
        writer.close()
