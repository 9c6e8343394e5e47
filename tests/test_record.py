"""The track record (record/, data/store/track.py) on SQLite and a real PostgreSQL: a published forecast is frozen
byte for byte, a new data version holding its outturn scores it as computed by hand, scoring is idempotent and never
breaks a commit, only analysts publish and adopt, and the decision register compares an adopted scenario with the
baseline and the outturn as computed by hand."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from actors import analyst, steward, viewer
from frames import annual
from pg import postgres_url

from data.errors import AccessDenied, ObjectNotFound
from data.store import Store
from record import changes, frozen, outturn, register, scoring

HISTORY = [(2015, 100.0), (2016, 104.0), (2017, 109.0), (2018, 113.0), (2019, 118.0), (2020, 121.0)]
SCALE = (4 + 5 + 4 + 5 + 3) / 5  # mean absolute yearly change of the fitted history: the in-sample naive error
FORECAST = pd.DataFrame(
    {
        "unique_id": "440000",
        "ds": pd.to_datetime(["2021-01-01", "2022-01-01"]),
        "ets": [125.0, 129.0],
        "ets-lo-80": [122.0, 124.0],
        "ets-hi-80": [128.0, 134.0],
        "ets-lo-95": [120.0, 121.0],
        "ets-hi-95": [130.0, 137.0],
        "model": "ets",
        "spec": "ETS(A,A,N)",
        "fit_start": pd.Timestamp("2015-01-01"),
        "backtest_points": 9,
        "mase": 0.8,
        "smape": 2.5,
        "mae": 3.1,
    }
)


def history_frame() -> pd.DataFrame:
    years, values = zip(*HISTORY, strict=True)
    return pd.DataFrame({"unique_id": "440000", "ds": pd.to_datetime([f"{y}-01-01" for y in years]), "y": values})


def payload(versions: dict, fc: pd.DataFrame = FORECAST) -> dict:
    return frozen.freeze_forecast(
        fc,
        history_frame(),
        indicator_id="gdp",
        region_code="440000",
        freq="A",
        model="ets",
        candidates=("naive", "ets"),
        data_versions=versions,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A store holding one toy dataset (version 1: the history up to 2020)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}" if request.param == "sqlite" else postgres_url()
    opened = Store.open(url)
    opened.commit("toy", annual([("gdp", "440000", y, v) for y, v in HISTORY]), actor=steward())
    yield opened
    opened.close()


def test_the_frozen_forecast_holds_everything_it_was_made_of():
    made = payload({"toy": 1})
    assert made["scale"] == pytest.approx(SCALE)
    assert (made["model"], made["model_requested"], made["spec"], made["horizon"]) == ("ets", "ets", "ETS(A,A,N)", 2)
    assert made["data_versions"] == {"toy": 1} and made["candidates"] == ["naive", "ets"]
    assert made["points"][1] == {"period": "2022", "mean": 129.0, "lo-80": 124.0, "hi-80": 134.0, "lo-95": 121.0,
                                 "hi-95": 137.0}  # fmt: skip
    assert made["history"][-1] == ["2020", 121.0] and made["last_observed"] == "2020"
    assert frozen.to_text(made) == frozen.to_text(json.loads(frozen.to_text(made)))  # canonical: same bytes again


def test_publish_then_a_version_with_the_outturn_scores_it_as_by_hand(store):
    pub = store.track.publish(frozen.to_text(payload({"toy": 1})), actor=analyst())
    before = store.track.get(pub.id).payload
    store.commit("toy", annual([("gdp", "440000", 2021, 127.0)]), actor=steward())
    assert outturn.after_commit(store, background=False) is None
    scores = store.track.scores([pub.id])
    assert len(scores) == 1
    row = scores.iloc[0]
    assert (row["period"], row["step"], row["actual"], row["forecast"]) == ("2021", 1, 127.0, 125.0)
    assert row["error"] == pytest.approx(2.0)
    assert row["scaled_error"] == pytest.approx(2.0 / SCALE)
    assert bool(row["in80"]) and bool(row["in95"])  # 122 ≤ 127 ≤ 128
    # The frozen forecast is byte-identical after new data landed: it is never recomputed.
    assert store.track.get(pub.id).payload == before
    assert store.track.get(pub.id).data_versions == {"toy": 1}

    # The next outturn misses the 80% band but not the 95% one; the first period is not scored again.
    store.commit("toy", annual([("gdp", "440000", 2022, 135.5)]), actor=steward())
    assert outturn.score_all(store) == 1
    second = store.track.scores([pub.id]).iloc[1]
    assert (second["error"], bool(second["in80"]), bool(second["in95"])) == (pytest.approx(6.5), False, True)
    assert outturn.score_all(store) == 0  # idempotent
    trail = store.audit.trail(action="forecast.score")
    assert [e.detail for e in trail] == ["1 periods", "1 periods"] and trail[0].user == "system"


def test_a_revised_outturn_rescores_the_period(store):
    pub = store.track.publish(frozen.to_text(payload({"toy": 1})), actor=analyst())
    store.commit("toy", annual([("gdp", "440000", 2021, 127.0)]), actor=steward())
    outturn.score_all(store)
    store.commit("toy", annual([("gdp", "440000", 2021, 129.0)]), actor=steward())
    assert outturn.score_all(store) == 1
    row = store.track.scores([pub.id]).iloc[0]
    assert (row["actual"], row["error"], bool(row["in80"])) == (129.0, pytest.approx(4.0), False)
    assert store.track.scores([pub.id]).iloc[0]["period"] == "2021" and len(store.track.scores()) == 1


def test_the_same_forecast_published_twice_is_kept_once_and_publishing_is_audited(store):
    text = frozen.to_text(payload({"toy": 1}))
    first = store.track.publish(text, actor=analyst())
    again = store.track.publish(text, actor=analyst("other"), source="briefing")
    assert first.id == again.id and again.published_by == "analyst" and again.source == "explicit"
    assert [e.object for e in store.audit.trail(action="forecast.publish")] == [f"published:{first.id}"]


def test_a_viewer_may_not_publish_or_adopt(store):
    with pytest.raises(AccessDenied):
        store.track.publish(frozen.to_text(payload({"toy": 1})), actor=viewer())
    assert store.track.published() == []
    assert store.audit.trail(action="forecast.publish")[0].result == "denied"
    with pytest.raises(AccessDenied):
        store.track.adopt(1, "x", actor=viewer(), decided_on=date(2025, 1, 1))


def test_scoring_never_breaks_a_commit(store, monkeypatch):
    def broken(**_):
        raise RuntimeError("the scoring broke")

    monkeypatch.setattr(store.track, "published", broken)
    version = store.commit("toy", annual([("gdp", "440000", 2021, 127.0)]), actor=steward())
    assert outturn.after_commit(store, background=False) is None  # logged, not raised
    outturn.after_commit(store).join(timeout=30)  # and in its thread: nothing escapes either
    assert store.current_version("toy") == version.number == 2


# --- scorecards -------------------------------------------------------------------------------------------------------


def test_scorecards_by_model_and_horizon_pool_the_scaled_errors():
    published = pd.DataFrame({"published_id": [1, 2], "model": ["ets", "naive"]})
    scores = pd.DataFrame(
        {
            "published_id": [1, 1, 2],
            "period": ["2021", "2022", "2021"],
            "step": [1, 2, 1],
            "actual": [127.0, 135.5, 127.0],
            "forecast": [125.0, 129.0, 121.0],
            "error": [2.0, 6.5, 6.0],
            "scaled_error": [0.5, 1.5, -1.0],
            "in80": [True, False, False],
            "in95": [True, True, True],
        }
    )
    by_model = scoring.scorecard(published, scores, "model").set_index("group")
    assert by_model.loc["ets", "outturns"] == 2 and by_model.loc["ets", "hit80"] == 0.5
    assert by_model.loc["ets", "mase"] == pytest.approx(1.0)
    assert by_model.loc["ets", "bias_scaled"] == pytest.approx(1.0)
    by_step = scoring.scorecard(published, scores, "step").set_index("group")
    assert by_step.loc[1, "forecasts"] == 2 and by_step.loc[1, "mase"] == pytest.approx(0.75)
    assert by_step.loc[1, "bias_scaled"] == pytest.approx(-0.25) and by_step.loc[2, "hit95"] == 1.0
    one = scoring.summary(scores[scores["published_id"] == 1])
    assert (one["outturns"], one["hit80"], one["mean_error"]) == (2, 0.5, pytest.approx(4.25))
    drift = scoring.bias_over_time(scores).set_index("period")
    assert drift.loc["2021", "mean_error"] == pytest.approx(4.0) and drift.loc["2022", "outturns"] == 1


# --- the decision register --------------------------------------------------------------------------------------------


class Path:
    """A scenario outcome as `freeze_scenarios` reads it: a name, a kind and its bands."""

    def __init__(self, name: str, central: list[float], kind: str = "rate"):
        self.name, self.kind, self.scenario = name, kind, None
        self._bands = pd.DataFrame(
            {"period": ["2021", "2022"], "mean": central, "lo-80": np.subtract(central, 1), "hi-80": np.add(central, 1)}
        )

    def bands(self, _levels):
        return self._bands


RATE_BANDS = {"ets-lo-80": [4.2, 4.0], "ets-hi-80": [5.8, 6.4], "ets-lo-95": [3.8, 3.4], "ets-hi-95": [6.2, 7.0]}
RATE_FC = FORECAST.assign(ets=[5.0, 5.2], **RATE_BANDS)


def scenario_set() -> dict:
    return frozen.freeze_scenarios(
        RATE_FC,
        history_frame(),
        [Path("加大投资", [6.0, 6.1])],
        set_text="{}",
        assumptions={"加大投资": {"zh": ["2021 年起增速提高 1 个百分点"], "en": ["growth +1 point from 2021"]}},
        polarity="higher_is_better",
        indicator_id="gdp_growth",
        region_code="440000",
        freq="A",
        model="ets",
        candidates=("ets",),
        data_versions={"toy": 1},
    )


def test_the_register_compares_the_outturn_with_the_baseline_and_the_expectation_by_hand():
    made = scenario_set()
    (o,) = register.compare_decision(made, "加大投资", {"2021": 5.6})
    assert (o.baseline, o.scenario, o.actual) == (5.0, 6.0, 5.6)
    assert o.observed == pytest.approx(0.6) and o.expected == pytest.approx(1.0)
    # The baseline is itself uncertain: actual − its 80% band is 5.6 − 5.8 … 5.6 − 4.2.
    assert (o.observed_lo80, o.observed_hi80) == (pytest.approx(-0.2), pytest.approx(1.4))
    assert o.zero_inside80 is True and o.expected_inside80 is True
    text = register.sentence(o, "A", {"zh": "%", "en": "%"}).render("zh")
    assert "实际增速比基线高 0.6 个百分点，预期为 +1.0" in text
    assert "-0.2 至 +1.4" in text and '尚不能与"没有效果"区分' in text
    english = register.sentence(o, "A", {"zh": "%", "en": "%"}).render("en")
    assert "0.6 percentage points above the baseline" in english and "cannot yet be told apart" in english
    with pytest.raises(KeyError):
        register.compare_decision(made, "no such", {"2021": 5.6})
    assert register.expected_path(made, "加大投资") == [("2021", pytest.approx(1.0)), ("2022", pytest.approx(0.9))]


def test_an_outturn_beyond_the_baselines_band_is_said_to_be_an_effect():
    (o,) = register.compare_decision(scenario_set(), "加大投资", {"2021": 6.3})
    assert o.zero_inside80 is False and o.observed_lo80 == pytest.approx(0.5)
    assert "超出了基线本身的不确定性" in register.sentence(o, "A", {"zh": "%", "en": "%"}).render("zh")


def test_adopting_enters_the_register_and_is_audited(store):
    pub = store.track.publish(frozen.to_text(scenario_set()), actor=analyst())
    decision = store.track.adopt(
        pub.id,
        "加大投资",
        actor=analyst(),
        note="常委会议定",
        decided_on=date(2021, 3, 1),
        unit="发展改革委",
        expected_effect="增速提高约 1 个百分点",
    )
    assert store.track.decisions() == [decision]
    assert (decision.scenario, decision.unit, decision.decided_on) == ("加大投资", "发展改革委", date(2021, 3, 1))
    assert store.audit.trail(action="scenario.adopt")[0].detail == "加大投资 (发展改革委)"
    with pytest.raises(ObjectNotFound):
        store.track.adopt(pub.id, "no such", actor=analyst(), decided_on=date(2021, 3, 1))
    forecast_only = store.track.publish(frozen.to_text(payload({"toy": 1})), actor=analyst())
    with pytest.raises(ObjectNotFound):
        store.track.adopt(forecast_only.id, "加大投资", actor=analyst(), decided_on=date(2021, 3, 1))


# --- what changed since the last briefing -----------------------------------------------------------------------------


def test_what_changed_since_the_last_briefing(store):
    pub = store.track.publish(frozen.to_text(payload({"toy": 1})), actor=analyst())
    assert changes.changes_since(store.track.last_briefing(), {"toy": 1}, {}, [pub], store.track.scores()).since is None
    standing = {"gdp|440000|threshold|r1|2020-01-01": {"zh": "增速低于目标", "en": "growth below target"}}
    kept = store.track.note_briefing(actor=analyst(), data_versions={"toy": 1}, warnings=standing, published=[pub.id])
    assert store.track.last_briefing() == kept and kept.published == [pub.id]
    assert changes.changes_since(kept, {"toy": 1}, standing, [pub], store.track.scores()).empty

    store.commit("toy", annual([("gdp", "440000", 2021, 120.0), ("gdp", "440000", 2022, 131.0)]), actor=steward())
    outturn.score_all(store)  # 2021: 120 is below the 80% band (122–128); 2022: 131 is inside (124–134)
    now = {"gdp|440000|anomaly|r2|2021-01-01": {"zh": "异常下降", "en": "unusual fall"}}
    found = changes.changes_since(kept, {"toy": 2, "other": None}, now, [pub], store.track.scores())
    assert found.new_data == [("toy", 1, 2)]
    assert [(m.published_id, m.period, m.actual, m.forecast) for m in found.missed] == [(pub.id, "2021", 120.0, 125.0)]
    assert found.appeared == [{"zh": "异常下降", "en": "unusual fall"}]
    assert found.cleared == [{"zh": "增速低于目标", "en": "growth below target"}]
