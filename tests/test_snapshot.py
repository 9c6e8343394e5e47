"""The current observations kept as a Parquet file per set of current versions (`data.store.snapshot`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from actors import steward
from frames import annual as frame
from pg import postgres_url

from data.store import Store, snapshot

V1 = frame([("gdp", "110000", 2020, 100.0), ("gdp", "110000", 2021, 110.0), ("gdp", "120000", 2020, np.nan)])
LOADERS = {"toy": lambda: V1, "toy2": lambda: frame([("pop", "110000", 2020, 5.0)])}


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request, tmp_path, monkeypatch):
    """A store holding the two toy datasets as version 1; PostgreSQL keeps its files in $COCKPIT_CACHE_DIR."""
    monkeypatch.delenv(snapshot.ENV_FOLDER, raising=False)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        url = postgres_url()
        monkeypatch.setenv(snapshot.ENV_FOLDER, str(tmp_path / "cache"))
    opened = Store.open(url)
    opened.seed(LOADERS)
    yield opened
    opened.close()


def files(store: Store) -> list[str]:
    return sorted(p.name for p in store.snapshot_folder.glob("*"))


def no_sql(store: Store, monkeypatch) -> None:
    """From now on a read of the observations from SQL fails the test."""

    def refused(*args, **kwargs):
        raise AssertionError("read from SQL although a snapshot was kept")

    monkeypatch.setattr(store, "observations", refused)


def test_second_read_comes_from_the_file_and_equals_the_store(seeded, monkeypatch):
    first = seeded.current_observations()
    pd.testing.assert_frame_equal(first, seeded.observations(with_dataset=True))
    assert len(files(seeded)) == 1 and files(seeded)[0].startswith("observations-")
    no_sql(seeded, monkeypatch)
    pd.testing.assert_frame_equal(seeded.current_observations(), first)


def test_commit_and_rollback_name_other_files(seeded, monkeypatch):
    seeded.current_observations()
    seeded.commit("toy", frame([("gdp", "110000", 2022, 121.0)]), actor=steward("a"), mode="merge")
    after_commit = seeded.current_observations()
    assert 121.0 in after_commit["value"].tolist()
    pd.testing.assert_frame_equal(after_commit, seeded.observations(with_dataset=True))
    seeded.rollback("toy", 1, actor=steward("b"))
    after_rollback = seeded.current_observations()
    assert 121.0 not in after_rollback["value"].tolist()
    pd.testing.assert_frame_equal(after_rollback, seeded.observations(with_dataset=True))
    assert len(files(seeded)) == snapshot.KEEP  # three versions read, the oldest file removed


def test_a_damaged_file_is_made_again(seeded, monkeypatch):
    seeded.current_observations()
    (path,) = seeded.snapshot_folder.glob("observations-*.parquet")
    path.write_bytes(b"PAR1 not really")
    pd.testing.assert_frame_equal(seeded.current_observations(), seeded.observations(with_dataset=True))
    no_sql(seeded, monkeypatch)
    assert len(seeded.current_observations()) == 4  # read from the file written again


def test_rows_read_while_a_commit_lands_are_not_kept(seeded, monkeypatch):
    read = seeded.observations

    def read_then_commit(*args, **kwargs):
        rows = read(*args, **kwargs)  # the old version's rows, then another process commits
        seeded.commit("toy2", frame([("pop", "110000", 2021, 6.0)]), actor=steward("a"), mode="merge")
        return rows

    monkeypatch.setattr(seeded, "observations", read_then_commit)
    stale = seeded.current_observations()
    assert 6.0 not in stale["value"].tolist()
    assert files(seeded) == []  # kept under no name: the next read goes to the store
    monkeypatch.setattr(seeded, "observations", read)
    assert 6.0 in seeded.current_observations()["value"].tolist()


def test_a_failed_write_costs_only_speed(seeded, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    pd.testing.assert_frame_equal(seeded.current_observations(), seeded.observations(with_dataset=True))
    assert files(seeded) == []  # and no temporary file left behind


def test_where_the_files_live(tmp_path, monkeypatch):
    monkeypatch.delenv(snapshot.ENV_FOLDER, raising=False)
    (tmp_path / "a").mkdir()
    on_file = Store.open(f"sqlite:///{tmp_path / 'a' / 'store.sqlite3'}")
    assert on_file.snapshot_folder == (tmp_path / "a" / "cache").resolve()
    in_memory = Store.open("sqlite://")
    assert in_memory.snapshot_folder is None
    in_memory.seed(LOADERS)
    pd.testing.assert_frame_equal(in_memory.current_observations(), in_memory.observations(with_dataset=True))
    monkeypatch.setenv(snapshot.ENV_FOLDER, str(tmp_path / "shared"))
    assert in_memory.snapshot_folder == tmp_path / "shared"
    on_file.close()
    in_memory.close()


def test_rows_of_a_commit_undone_while_reading_are_not_kept(seeded, monkeypatch):
    read = seeded.observations

    def commit_read_rollback(*args, **kwargs):
        seeded.commit("toy2", frame([("pop", "110000", 2021, 6.0)]), actor=steward("a"), mode="merge")
        rows = read(*args, **kwargs)  # version 2's rows …
        seeded.rollback("toy2", 1, actor=steward("b"))  # … and version 1 current again, as when the read began
        return rows

    monkeypatch.setattr(seeded, "observations", commit_read_rollback)
    seeded.current_observations()
    monkeypatch.setattr(seeded, "observations", read)
    assert 6.0 not in seeded.current_observations()["value"].tolist()
