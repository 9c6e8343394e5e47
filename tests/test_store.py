"""The versioned store, on SQLite and on a real PostgreSQL server: seeding, reading, commits, rollback, app objects."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from actors import analyst, steward
from frames import annual as frame
from pg import postgres_url

import data.store.sql as store_sql
import data.store.store as store_module
from data import load_observations
from data.errors import (
    DataFormatError,
    NothingToCommit,
    ObjectNotFound,
    StaleVersion,
    UnknownStoredDataset,
    UnknownVersion,
)
from data.store import Store, open_store
from data.store.schema import DB_FILE, ENV_DATA_DIR, ENV_DATABASE_URL, database_url, make_engine, observations_table
from data.store.versioning import DiffSummary, with_flag

BACKENDS = ["sqlite", "postgresql"]


V1 = frame([("gdp", "110000", 2020, 100.0), ("gdp", "110000", 2021, 110.0), ("gdp", "120000", 2020, np.nan)])
LOADERS = {"toy": lambda: V1, "toy2": lambda: frame([("pop", "110000", 2020, 5.0)])}


def make_url(backend: str, tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}" if backend == "sqlite" else postgres_url()


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """An empty store on each backend."""
    opened = Store.open(make_url(request.param, tmp_path))
    yield opened
    opened.close()


@pytest.fixture
def seeded(store):
    """A store holding the two toy datasets as version 1."""
    assert store.seed(LOADERS) == ["toy", "toy2"]
    return store


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Frames equal; an expected frame made without a flag column means every figure is final (flag None)."""
    pd.testing.assert_frame_equal(a.reset_index(drop=True), with_flag(b).reset_index(drop=True))


def test_default_store_lives_in_the_app_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "cockpit"))
    assert database_url() == f"sqlite:///{tmp_path / 'cockpit' / DB_FILE}"
    s = open_store(seed=False)
    assert (tmp_path / "cockpit" / DB_FILE).is_file() and s.backend == "sqlite"
    s.close()


def test_database_url_from_the_environment_wins(monkeypatch):
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql+psycopg://u:secret@db.internal/cockpit")
    assert database_url() == "postgresql+psycopg://u:secret@db.internal/cockpit"


def test_seed_stores_version_1_once(seeded):
    assert seeded.seed(LOADERS) == []
    assert [v.number for v in seeded.history("toy")] == [1]
    info = seeded.history("toy")[0]
    assert (info.kind, info.current, info.row_count, info.diff) == ("seed", True, 3, DiffSummary(added=3))
    assert info.created_at.tzinfo is not None
    assert_same(seeded.observations(["toy"]), V1)
    assert len(seeded.observations()) == 4


def test_gaps_are_stored_as_null_not_nan(seeded):
    with seeded.engine.connect() as conn:
        nulls = conn.execute(sa.select(sa.func.count()).where(observations_table.c.value.is_(None))).scalar()
    assert nulls == 1


def test_a_server_with_another_date_style_reads_the_same():
    url = postgres_url() + "%20-cdatestyle%3DSQL%2CDMY"  # a server configured for dd/mm/yyyy output
    s = Store.open(url)
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW datestyle").scalar() == "ISO, YMD"
    s.seed(LOADERS)
    assert_same(s.observations(["toy"]), V1)
    s.close()


def test_seeding_from_replicas_at_once_stores_one_version(store):
    def slow_loader():
        time.sleep(0.3)  # both replicas pass the first "is it stored?" check before either writes
        return V1

    other = Store(make_engine(store.engine.url.render_as_string(hide_password=False)))  # a second replica
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda s=s: results.append(s.seed({"toy": slow_loader}))) for s in (store, other)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert sorted(results) == [[], ["toy"]]
    assert [v.number for v in store.history("toy")] == [1]
    assert [e.action for e in store.events("toy")] == ["seed"]


@pytest.mark.slow
def test_seeding_the_shipped_datasets_reads_back_what_the_loaders_give(store):
    seeded = store.seed()
    assert seeded == list(store_module.OBSERVATION_LOADERS)
    assert_same(store.observations(), load_observations())
    states = {s.id: s for s in store.stored_datasets()}
    panel = states["cn_prov_panel"]
    assert panel.current_version == 1 and panel.versions == 1 and panel.title["zh"].startswith("中国分省")
    assert panel.first_period == pd.Timestamp("1949-01-01") and panel.last_period == pd.Timestamp("2022-01-01")
    assert panel.regions == 32  # 31 provinces + the national CPI row


def test_a_newer_shipped_release_is_offered_and_laid_over_uploads(seeded):
    seeded.commit("toy", frame([("gdp", "110000", 2023, 130.0)]), actor=steward("staff"))  # an upload the release lacks
    # The release revises 2021 and no longer ships Tianjin's 2020 gap row: that row is withdrawn.
    newer = {"toy": lambda: frame([("gdp", "110000", 2020, 100.0), ("gdp", "110000", 2021, 112.0)])}
    assert seeded.shipped_updates(newer) == {"toy": DiffSummary(changed=1, removed=1)}
    info = seeded.update_shipped("toy", actor=steward("admin"), loaders=newer)
    assert (info.number, info.kind, info.base_version) == (3, "seed", 2)
    current = seeded.observations(["toy"])
    values = current.set_index("period")["value"]
    assert values[pd.Timestamp("2021-01-01")] == 112.0 and values[pd.Timestamp("2023-01-01")] == 130.0
    assert set(current["region_code"]) == {"110000"}
    assert seeded.shipped_updates(newer) == {}


def test_a_release_withdraws_shipped_rows_but_not_rows_staff_changed(seeded):
    # Staff revised Beijing 2020; the next release supersedes (no longer ships) both 2020 rows.
    seeded.commit("toy", frame([("gdp", "110000", 2020, 101.0)]), actor=steward("staff"))
    newer = {"toy": lambda: frame([("gdp", "110000", 2021, 110.0)])}
    assert seeded.shipped_updates(newer) == {"toy": DiffSummary(removed=1)}
    seeded.update_shipped("toy", actor=steward("admin"), loaders=newer)
    kept = seeded.observations(["toy"]).set_index("period")["value"]
    assert kept.to_dict() == {pd.Timestamp("2020-01-01"): 101.0, pd.Timestamp("2021-01-01"): 110.0}


def test_reading_prefers_the_first_listed_dataset_when_two_hold_a_key(store, monkeypatch):
    monkeypatch.setattr(store_module, "OBSERVATION_LOADERS", {"toy": None, "toy2": None})
    store.seed({"toy2": lambda: frame([("gdp", "110000", 2020, 90.0), ("gdp", "110000", 2019, 80.0)])})
    store.seed({"toy": lambda: V1})
    current = store.observations().set_index(["region_code", "period"])["value"]
    assert current[("110000", pd.Timestamp("2020-01-01"))] == 100.0  # toy is listed first
    assert current[("110000", pd.Timestamp("2019-01-01"))] == 80.0  # a key only toy2 holds stays
    assert len(current) == 4


def test_a_preliminary_flag_is_stored_and_ends_when_the_final_figure_is_uploaded(store):
    shipped = frame([("gdp_per_capita", "110000", 2025, 238705.0)]).assign(flag="preliminary")
    store.seed({"toy": lambda: shipped})
    assert store.observations(["toy"])["flag"].tolist() == ["preliminary"]
    info = store.commit("toy", frame([("gdp_per_capita", "110000", 2025, 238705.0)]), actor=steward("staff"))
    assert info.diff == DiffSummary(changed=1)  # same number, now final: a change worth a version
    assert store.observations(["toy"])["flag"].tolist() == [None]
    assert store.version_observations("toy", 1)["flag"].tolist() == ["preliminary"]


def test_a_store_of_an_earlier_release_gains_the_flag_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with sa.create_engine(url).begin() as conn:  # the observations table as earlier releases made it
        conn.exec_driver_sql(
            "CREATE TABLE observations (version_id INTEGER, indicator_id VARCHAR(64), region_code VARCHAR(16),"
            " period DATE, freq VARCHAR(1), value FLOAT, PRIMARY KEY (version_id, indicator_id, region_code, period))"
        )
    s = Store.open(url)
    s.seed(LOADERS)
    assert_same(s.observations(["toy"]), V1)
    s.close()


def test_merge_commit_adds_and_revises_and_keeps_the_old_version(seeded):
    upload = frame([("gdp", "110000", 2021, 111.0), ("gdp", "110000", 2022, 120.0), ("gdp", "110000", 2020, np.nan)])
    info = seeded.commit(
        "toy", upload, actor=steward("王芳"), file_name="gdp.csv", checksum="sha256:x", note="2022 release"
    )
    assert (info.number, info.current, info.base_version, info.created_by) == (2, True, 1, "王芳")
    assert info.diff == DiffSummary(added=1, changed=1, removed=0)
    current = seeded.observations(["toy"]).set_index(["region_code", "period"])["value"]
    assert current[("110000", pd.Timestamp("2020-01-01"))] == 100.0  # a gap in the upload never erases a number
    assert current[("110000", pd.Timestamp("2021-01-01"))] == 111.0
    assert_same(seeded.version_observations("toy", 1), V1)
    assert [v.current for v in seeded.history("toy")] == [True, False]


def test_replace_commit_removes_rows_from_the_new_version_only(seeded):
    info = seeded.commit("toy", frame([("gdp", "110000", 2020, 100.0)]), actor=steward("a"), mode="replace")
    assert info.diff == DiffSummary(added=0, changed=0, removed=2)
    assert len(seeded.observations(["toy"])) == 1
    assert_same(seeded.version_observations("toy", 1), V1)
    assert seeded.diff("toy", 1, 2) == DiffSummary(removed=2)
    assert set(seeded.diff_rows("toy", 1, 2)["status"]) == {"removed"}


def test_rollback_restores_exactly_and_is_logged(seeded):
    seeded.commit("toy", frame([("gdp", "110000", 2021, 999.0)]), actor=steward("a"))
    back = seeded.rollback("toy", 1, actor=steward("b"), note="wrong release")
    assert back.current and seeded.current_version("toy") == 1
    assert_same(seeded.observations(["toy"]), V1)
    assert [v.number for v in seeded.history("toy")] == [2, 1]  # nothing deleted
    assert [(e.action, e.version, e.previous_version) for e in seeded.events("toy")] == [
        ("rollback", 1, 2),
        ("commit", 2, 1),
        ("seed", 1, None),
    ]
    after = seeded.commit("toy", frame([("gdp", "110000", 2023, 1.0)]), actor=steward("c"))
    assert (after.number, after.base_version) == (3, 1)


def test_an_interrupted_commit_leaves_the_previous_version_current(seeded, monkeypatch):
    monkeypatch.setattr(store_sql, "WRITE_CHUNK", 2)
    before = seeded.observations()
    with seeded.engine.connect() as conn:
        rows_before = conn.execute(sa.select(sa.func.count()).select_from(observations_table)).scalar()

    def crash(stage, done, total):
        if done >= 2:
            raise KeyboardInterrupt("power cut mid-write")

    big = frame([("gdp", "110000", y, float(y)) for y in range(1990, 2000)])
    with pytest.raises(KeyboardInterrupt):
        seeded.commit("toy", big, actor=steward("a"), progress=crash)
    assert seeded.current_version("toy") == 1
    assert [v.number for v in seeded.history("toy")] == [1]
    assert_same(seeded.observations(), before)
    with seeded.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(observations_table)).scalar() == rows_before
    assert seeded.commit("toy", big, actor=steward("a")).number == 2  # the store is usable afterwards


def test_a_commit_against_a_stale_version_is_refused(seeded):
    seeded.commit("toy", frame([("gdp", "110000", 2021, 1.0)]), actor=steward("a"))
    with pytest.raises(StaleVersion) as caught:
        seeded.commit("toy", frame([("gdp", "110000", 2021, 2.0)]), actor=steward("b"), base_version=1)
    assert "v2" in caught.value.message_zh and "v1" in caught.value.message_en
    assert seeded.current_version("toy") == 2


def test_an_identical_upload_makes_no_version(seeded):
    with pytest.raises(NothingToCommit):
        seeded.commit("toy", V1.iloc[:2], actor=steward("a"))
    assert [v.number for v in seeded.history("toy")] == [1]


def test_first_commit_creates_a_dataset(store):
    info = store.commit("office_stats", V1, actor=steward("a"), title={"zh": "本地统计", "en": "Local statistics"})
    assert (info.number, info.diff) == (1, DiffSummary(added=3))
    assert store.stored_datasets()[0].title == {"zh": "本地统计", "en": "Local statistics"}


def test_unknown_dataset_and_version_are_named(seeded):
    with pytest.raises(UnknownVersion) as caught:
        seeded.rollback("toy", 7, actor=steward("a"))
    assert "v1" in caught.value.message_en and "v7" in caught.value.message_zh
    with pytest.raises(UnknownStoredDataset):
        seeded.version_observations("nope", 1)


def test_a_frame_that_is_not_canonical_is_refused(seeded):
    with pytest.raises(DataFormatError, match="appears more than once"):
        seeded.commit("toy", pd.concat([V1, V1]), actor=steward("a"))
    with pytest.raises(DataFormatError, match="frequency"):
        seeded.commit("toy", V1.assign(freq="X"), actor=steward("a"))
    assert [v.number for v in seeded.history("toy")] == [1]


def test_app_objects_save_load_list_delete(store):
    payload = {"name": "增长 5%", "shocks": [{"indicator": "gdp", "pct": -1.5}]}
    first = store.objects.save("scenario", "基准", payload, actor=analyst("a"))
    assert first.payload == payload and first.created_at.tzinfo is not None
    second = store.objects.save("scenario", "基准", {**payload, "pct": 2}, actor=analyst("b"))
    assert second.created_by == "a" and second.updated_by == "b" and second.payload["pct"] == 2
    store.objects.save("office_target", "gdp_2025", {"value": 5.0}, actor=analyst("a"))
    assert [o.name for o in store.objects.list("scenario")] == ["基准"]
    assert len(store.objects.list()) == 2
    store.objects.delete("scenario", "基准", actor=analyst("a"))
    with pytest.raises(ObjectNotFound) as caught:
        store.objects.load("scenario", "基准")
    assert "基准" in caught.value.message_zh
    with pytest.raises(DataFormatError):
        store.objects.save("scenario", "bad", {"x": float("nan")}, actor=analyst("a"))
