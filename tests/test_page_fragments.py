"""The running app over Streamlit's websocket protocol: a widget that changes one part of a page reruns that part
only — the browser's fragment rerun — and the link follows it, while the pickers above rerun the whole page
(issue 17); a part rerunning alone still checks the sign-in (behind a signing-in proxy: a user removed meanwhile
gets the refusal page, not the part)."""

from __future__ import annotations

import asyncio
import importlib.util
import random
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from actors import admin
from conftest import start_app

import data.store

ROOT = Path(__file__).resolve().parents[1]


def benchmark_module(name: str):
    """A module of benchmarks/ by its file: that folder is not put on sys.path, where its pages.py would hide the
    app's pages/ folder from the tests that import page modules."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark_module("load")  # load_session imports it by name
Session = benchmark_module("load_session").Session  # the load benchmark's client: one browser tab, no browser

pytestmark = pytest.mark.browser  # needs the running app (and runs with the browser tests)

# (page, the widget changed, its URL parameter, a widget of the same page outside its fragment)
PARTS = [
    ("overview", "ov_target_year", "target_year", "ov_scope"),
    ("overview", "ov_rank", "rank", "ov_scope"),
    ("indicators", "ind_view", "view", "ind_indicator"),
    ("forecast", "fc_model", "model", "fc_indicator"),
    ("services", "svc_signals_freq", "signal_grain", "svc_grain"),
    ("services", "svc_fc_topic", "signal_topic", "svc_grain"),
]


# The link that draws a part's widget when the page as first opened does not (a tab of the Overview or Services).
LINKS = {"ov_target_year": "tab=targets", "svc_signals_freq": "tab=signals", "svc_fc_topic": "tab=signals"}


def query(session: Session) -> dict[str, list[str]]:
    return parse_qs(session.page_run.query or "")


def run(app_url: str, page: str, scenario, headers: dict[str, str] | None = None, query: str = "") -> None:
    async def main():
        session = Session(urlparse(app_url).port, timeout=120, headers=headers)
        await session.open()
        try:
            await session.open_page(page, query)
            await scenario(session)
        finally:
            await session.close()

    asyncio.run(main())


@pytest.fixture(scope="module")
def proxy_app(tmp_path_factory):
    """The app behind a signing-in proxy (the test plays it on loopback); users not in the store are refused."""
    env = {"COCKPIT_AUTH": "proxy", "COCKPIT_PROXY_ADDRESSES": "127.0.0.1", "COCKPIT_DEFAULT_ROLE": "none"}
    yield from start_app(tmp_path_factory.mktemp("proxy-app") / "streamlit.log", env=env)


@pytest.mark.parametrize(("page", "key", "param", "outside"), PARTS, ids=[p[1] for p in PARTS])
def test_a_widget_of_one_part_reruns_that_part_and_the_link_follows(app_url, page, key, param, outside):
    async def scenario(session: Session):
        changed, other = session.widget_id(key), session.widget_id(outside)
        fragment = session.page_run.fragment_of[changed]
        assert fragment and session.page_run.fragment_of[other] != fragment  # the picker is outside the part
        assert ("heading", "") in session.last.drawn  # the page's title, drawn by the full run
        before = query(session)
        assert param in before

        await session.change(changed, random.Random(1))
        ran = {f for _, f in session.last.drawn}
        assert fragment in ran and "" not in ran  # only the part (and parts inside it) ran: no title, no pickers
        assert len(session.last.drawn) > 1  # it drew itself again, not just the widget
        assert other in session.page_run.choices  # the rest of the page stays as drawn
        after = query(session)
        assert after[param] != before[param]  # the link follows the change …
        assert {k: v for k, v in after.items() if k != param} == {k: v for k, v in before.items() if k != param}

        await session.change(other, random.Random(2))  # … and a picker outside reruns the whole page
        assert ("heading", "") in session.last.drawn

    run(app_url, page, scenario, query=LINKS.get(key, ""))


def test_the_ranking_period_reruns_only_its_tab_inside_the_indicators_part(app_url):
    async def scenario(session: Session):
        outer = session.page_run.fragment_of[session.widget_id("ind_view")]
        sliders = {f for kind, f in session.last.drawn if kind == "slider"}
        inner = sliders - {outer}  # the ranking period's select slider, in a fragment inside the analysis one
        assert outer and len(inner) == 1

        await session._rerun(session._with_states(*inner))  # what moving the period slider sends
        assert {f for _, f in session.last.drawn} == inner
        assert {"slider", "dataframe", "plotly_chart"} <= {k for k, _ in session.last.drawn}  # its table and bars

    run(app_url, "indicators", scenario, query="tab=ranking")  # only the open tab is drawn


def test_a_part_rerunning_alone_checks_the_sign_in_again(proxy_app):
    store, user = data.store.open_store(seed=False), "fragment-viewer@office.gov.cn"
    store.users.set(user, "viewer", actor=admin("setup"))

    async def scenario(session: Session):
        year = session.widget_id("ov_target_year")
        await session.change(year, random.Random(4))  # signed in: the targets part alone
        assert ("heading", "") not in session.last.drawn and "dataframe" in [k for k, _ in session.last.drawn]

        store.users.remove(user, actor=admin("setup"))  # taken off the list while the page is open
        await session.change(year, random.Random(5))
        drawn = session.last.drawn
        assert ("heading", "") in drawn  # the whole app ran again: its gate drew the refusal page …
        assert not [k for k, _ in drawn if k in ("dataframe", "plotly_chart")]  # … and no data
        assert "sign_in.refused" in {e.action for e in store.audit.trail(user=user)}

    run(proxy_app, "overview", scenario, headers={"X-Remote-User": user}, query=LINKS["ov_target_year"])
