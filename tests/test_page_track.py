"""AppTest of the Track record page in both languages, on a store of its own: a forecast published on older data
is shown exactly as frozen behind its permalink with a notice that newer data exist; the record shows its scores
(the hand computation of the outturns), the scorecards, and the decision register's comparison in words."""

from __future__ import annotations

import base64
import json
from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from actors import analyst, steward
from apptest import open_page, rendered
from frames import annual
from streamlit.testing.v1 import AppTest

import data.store
from briefing import PackItem, build_pack
from data.datasets import dataset
from data.observations import OBSERVATION_LOADERS
from data.store import Store
from forecasting.scenarios import GrowthShock, Scenario, ScenarioFile, sets
from record import frozen, outturn
from ui import cache

MEANS = [136000.0, 143000.0, 146000.0]
BANDS = {
    "ets-lo-80": [134000.0, 142000.0, 143000.0],
    "ets-hi-80": [139000.0, 147000.0, 149000.0],
    "ets-lo-95": [132000.0, 136000.0, 140000.0],
    "ets-hi-95": [141000.0, 150000.0, 152000.0],
}
ACTUAL = {"2023": 137905.4, "2024": 141488.9, "2025": 145000.0}  # the shipped figures, and 2025 committed below


class Shift:
    """A scenario outcome as `freeze_scenarios` reads it: the baseline plus 2,000 in every period."""

    name, kind, scenario = "稳投资", "level", None

    def bands(self, _levels):
        central = np.add(MEANS, 2000.0)
        periods = ["2023", "2024", "2025"]
        return pd.DataFrame({"period": periods, "mean": central, "lo-80": central - 500, "hi-80": central + 500})


@pytest.fixture(scope="module")
def track_store(tmp_path_factory):
    """A store of the page's own holding the NBS provincial vintage, a forecast of Guangdong's GDP published on its
    version 1 (fitted through 2022), and version 2 adding the 2025 outturn; the app's caches point at it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('track') / 'store.sqlite3'}"
    store = Store.open(url)
    store.seed({"cn_prov_nbs": OBSERVATION_LOADERS["cn_prov_nbs"]})
    obs = store.observations()
    rows = obs[(obs["indicator_id"] == "gdp") & (obs["region_code"] == "440000") & (obs["period"].dt.year <= 2022)]
    history = pd.DataFrame({"unique_id": "440000", "ds": rows["period"], "y": rows["value"]})
    fc = pd.DataFrame({"ds": pd.to_datetime(["2023-01-01", "2024-01-01", "2025-01-01"]), "ets": MEANS, **BANDS}).assign(
        model="ets", spec="ETS(M,A,N)", fit_start=history["ds"].min(), backtest_points=9, mase=0.7
    )
    series = {"indicator_id": "gdp", "region_code": "440000", "freq": "A", "model": "ets", "candidates": ("ets",)}
    versions = {"cn_prov_nbs": 1}
    one = frozen.freeze_forecast(fc, history, **series, data_versions=versions)
    pub = store.track.publish(frozen.to_text(one), actor=analyst())
    text = frozen.freeze_scenarios(
        fc, history, [Shift()], set_text="{}", assumptions={}, polarity="higher_is_better", **series,
        data_versions=versions,
    )  # fmt: skip
    sset = store.track.publish(frozen.to_text(text), actor=analyst())
    store.track.adopt(sset.id, "稳投资", actor=analyst(), decided_on=date(2023, 2, 1), unit="发展改革委")
    store.commit("cn_prov_nbs", annual([("gdp", "440000", 2025, ACTUAL["2025"])]), actor=steward())
    outturn.after_commit(store, background=False)
    original = data.store.open_store
    data.store.open_store = lambda *a, **k: store
    cache.store.clear()
    cache.data_changed()
    yield store, pub, sset, np.mean(np.abs(np.diff(history["y"].to_numpy())))
    data.store.open_store = original
    cache.store.clear()
    cache.data_changed()
    store.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_permalink_shows_the_frozen_forecast_with_a_newer_data_notice(track_store, lang):
    store, pub, _, _ = track_store
    at = open_page("track", {"pub": str(pub.id)}, lang)
    assert not at.exception
    assert at.title[0].value == {"zh": "预测记录与决策登记", "en": "Track record and decision register"}[lang]
    notice = rendered(at.warning[0].value)
    assert dataset("cn_prov_nbs").title[lang] in notice  # the dataset's title, not its id
    assert {"zh": "未按新数据重算", "en": "not recomputed"}[lang] in notice
    link = [m.value for m in at.markdown if "forecast?" in m.value]
    assert link and "indicator=gdp&region=440000&h=3&model=ets" in link[0]
    fan = json.loads(at.get("plotly_chart")[0].proto.spec)
    dashed = [tr for tr in fan["data"] if tr.get("line", {}).get("dash") == "dash"]
    y = dashed[0]["y"]  # plotly sends numeric arrays base64-encoded
    assert np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist() == MEANS  # as frozen
    scores = at.dataframe[0].value
    error = {"zh": "误差", "en": "Error"}[lang]
    assert scores[error].tolist() == pytest.approx([ACTUAL[p] - m for p, m in zip(ACTUAL, MEANS, strict=True)])
    inside = {"zh": "在 80% 区间内", "en": "Inside 80%"}[lang]
    assert scores[inside].tolist() == ["✓", "✗", "✓"]  # 141,488.9 is below the 2024 band's 142,000
    assert store.track.get(pub.id).payload == frozen.to_text(json.loads(store.track.get(pub.id).payload))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_record_shows_the_scores_the_scorecards_and_the_register(track_store, lang):
    _, _, _, scale = track_store
    at = open_page("track", {}, lang)
    assert not at.exception
    metrics = [m.value for m in at.metric]
    errors = [ACTUAL[p] - m for p, m in zip(ACTUAL, MEANS, strict=True)]
    # Two publications of the same series (the forecast and the scenario set's baseline), each scored three times.
    assert metrics[0] == "6" and metrics[1] == "67%" and metrics[2] == f"{np.mean(errors):+.1f}"
    by_model = at.dataframe[1].value
    assert by_model["MASE"].tolist() == [round(np.mean(np.abs(errors)) / scale, 2)]
    drift = at.dataframe[3].value  # bias over time: both publications missed each year by the same amount
    assert drift.iloc[:, 0].tolist() == ["2023", "2024", "2025"]
    assert drift.iloc[:, 2].tolist() == [round(e / scale, 2) for e in errors]
    register = " ".join(rendered(i.value) for i in at.info)
    expected = {
        "zh": "发布时的预期效果（情景减基线，亿元）：2023年 +2,000.0；2024年 +2,000.0；2025年 +2,000.0",
        "en": "Expected effect as published (scenario minus baseline, RMB 100 million): 2023 +2,000.0; 2024 +2,000.0; "
        "2025 +2,000.0",
    }[lang]
    assert expected in [x.value for x in at.text]
    if lang == "zh":
        assert "2023年：实际值比基线高 1,905.4 亿元（1.4%），预期为 +2,000.0 亿元" in register
        assert "按基线 80% 预测区间，差值在 -1,094.6 至 +3,905.4 之间" in register
    else:
        assert "the actual value came in 1,905.4 RMB 100 million (1.4%) above the baseline" in register


def test_adopting_on_the_scenarios_page_freezes_the_set_and_enters_the_register(track_store):
    store, _, _, _ = track_store
    scenario = Scenario("扩大内需", "gdp", "440000", 3, "combination", "A", "level", (GrowthShock(1.0, "2026"),))
    query = {"indicator": "gdp", "region": "440000", "h": "3", "set": sets.encode_link(ScenarioFile((scenario,)))}
    at = open_page("scenarios", query, "zh", timeout=180)
    assert not at.exception and not at.error
    before = len(store.track.decisions())
    at.text_input(key="sc_adopt_unit").set_value("发展改革委")
    at.text_input(key="sc_adopt_effect").set_value("增速提高约 1 个百分点")
    at.button(key="sc_adopt").click().run()
    assert not at.exception and not at.error
    assert any("已采纳“扩大内需”并登记" in rendered(s.value) for s in at.success)
    decisions = store.track.decisions()
    assert len(decisions) == before + 1
    new = next(d for d in decisions if d.scenario == "扩大内需")
    assert (new.unit, new.expected_effect, new.adopted_by) == ("发展改革委", "增速提高约 1 个百分点", "local")
    held = store.track.get(new.published_id)
    assert held.kind == "scenario_set" and held.data_versions == {"cn_prov_nbs": 2}
    frozen_set = held.data
    assert [s["name"] for s in frozen_set["scenarios"]] == ["扩大内需"]
    assert [p["period"] for p in frozen_set["points"]] == ["2026", "2027", "2028"]  # fitted through 2025
    shock = frozen_set["scenarios"][0]["points"]
    # One point more growth in 2026 on the last actual (145,000 in 2025) adds 1,450 to the baseline's 2026 value.
    assert shock[0]["mean"] - frozen_set["points"][0]["mean"] == pytest.approx(1450.0)
    assert frozen_set["scenarios"][0]["assumptions"]["en"]  # the assumption log, in both languages


def forecast_chart() -> tuple[str, dict]:
    """The Forecast page's fan chart of Guangdong's GDP three years ahead: its basket key and its figure."""
    at = open_page("forecast", {"indicator": "gdp", "region": "440000", "h": "3"}, "zh", timeout=180)
    assert not at.exception
    key = next(b.key for b in at.button if b.key and b.key.startswith("basket_add_fc-fan-"))
    return key.removeprefix("basket_add_"), json.loads(at.get("plotly_chart")[0].proto.spec)


def test_a_pack_freezes_the_forecasts_it_carries_as_drawn(track_store):
    store, *_ = track_store
    key, figure = forecast_chart()

    def freeze(fig):
        entries = [SimpleNamespace(key=key, item=PackItem("chart", "地区生产总值预测", figure=fig))]
        return AppTest.from_function(_freeze, args=(entries,), default_timeout=180).run()

    at = freeze(figure)
    assert not at.exception
    (pub_id,), skipped = at.session_state["frozen"]
    assert skipped == []
    held = store.track.get(pub_id)
    assert (held.source, held.indicator_id, held.region_code, held.horizon) == ("briefing", "gdp", "440000", 3)
    dashed = next(tr for tr in figure["data"] if tr.get("line", {}).get("dash") == "dash")
    drawn = np.frombuffer(base64.b64decode(dashed["y"]["bdata"]), dtype=dashed["y"]["dtype"]).tolist()
    assert [p["mean"] for p in held.data["points"]] == drawn  # what the pack shows is what is frozen
    # A picture whose numbers are not today's run (the data changed after it was added) is not frozen.
    dashed["y"] = [v + 1.0 for v in drawn]
    assert freeze(figure).session_state["frozen"] == ([], ["地区生产总值预测"])


def _freeze(entries) -> None:
    import streamlit as st

    from ui import auth, track_export

    st.session_state["frozen"] = track_export.freeze_pack(auth.gate(), entries)  # local mode: the admin


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_changed_is_the_packs_first_page(track_store, lang):
    at = AppTest.from_function(_changes, args=(lang,), default_timeout=120).run()
    assert not at.exception
    item = at.session_state["item"]
    assert (
        item.title == {"zh": "自上次发布简报以来的变化", "en": "What changed since the last published briefing"}[lang]
    )
    assert item.frame.iloc[0, 0].startswith(
        {"zh": "这是第一次生成简报包", "en": "This is the first briefing pack"}[lang]
    )
    files = build_pack([item], "pptx", lang)
    assert files["pptx"][:2] == b"PK"  # a valid pack with the changes as its first page


def _changes(lang: str) -> None:
    import streamlit as st

    from ui import auth, track_export

    auth.gate()
    st.session_state["item"] = track_export.changes_item(track_export.pack_changes(), lang)


def test_an_adopted_scenario_sets_permalink_draws_its_paths_as_frozen(track_store):
    _, _, sset, _ = track_store
    at = open_page("track", {"pub": str(sset.id)}, "zh")
    assert not at.exception
    fan = json.loads(at.get("plotly_chart")[0].proto.spec)
    (path,) = [tr for tr in fan["data"] if tr.get("name") == "稳投资"]
    y = path["y"]
    assert np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist() == [m + 2000 for m in MEANS]
    # The set of this test is not a scenario file the page reads: the current view opens the series without it.
    assert any("scenarios?lang=zh&indicator=gdp&region=440000&h=3&model=ets)" in m.value for m in at.markdown)


def test_a_pack_freezes_a_scenario_comparison_it_carries(track_store):
    store, *_ = track_store
    # A scenario no other test publishes: the same frozen text is kept once, whoever publishes it first.
    scenario = Scenario("减税降费", "gdp", "440000", 3, "combination", "A", "level", (GrowthShock(0.5, "2027"),))
    query = {"indicator": "gdp", "region": "440000", "h": "3", "set": sets.encode_link(ScenarioFile((scenario,)))}
    at = open_page("scenarios", query, "zh", timeout=180)
    assert not at.exception
    key = next(b.key for b in at.button if b.key and b.key.startswith("basket_add_sc-fans-"))
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    entries = [SimpleNamespace(key=key.removeprefix("basket_add_"), item=PackItem("chart", "情景比较", figure=figure))]
    frozen_at = AppTest.from_function(_freeze, args=(entries,), default_timeout=180).run()
    (pub_id,), skipped = frozen_at.session_state["frozen"]
    held = store.track.get(pub_id)
    assert skipped == [] and (held.kind, held.source, held.horizon) == ("scenario_set", "briefing", 3)
    assert [s["name"] for s in held.data["scenarios"]] == ["减税降费"]
    assert json.loads(held.data["set"])["scenarios"][0]["adjustments"][0]["start"] == "2027"
