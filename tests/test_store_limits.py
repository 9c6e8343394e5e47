"""The store under a stuck writer and over-long text (issue 14), on SQLite and on a real PostgreSQL server.

A writer waits a bounded time for the writer lock, then `StoreBusy` says another change is in progress; opening the
store and reading it never wait. Names and file names longer than their columns are refused before writing. The
version history's download neutralises formulas in what users typed.
"""

from __future__ import annotations

import io
import threading
import time

import numpy as np
import openpyxl
import pandas as pd
import pytest
from actors import steward
from pg import postgres_url

from briefing import to_csv, to_xlsx
from data.errors import StoreBusy, TextTooLong
from data.store import Store
from data.store.schema import ENV_LOCK_WAIT, write_transaction
from ui.data_view import history_table

WAIT = 1.0


def frame(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": ["gdp"],
            "region_code": ["110000"],
            "period": pd.to_datetime(["2021-01-01"]),
            "freq": "A",
            "value": np.array([value]),
        }
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A store URL on each backend."""
    return f"sqlite:///{tmp_path / 's.sqlite3'}" if request.param == "sqlite" else postgres_url()


class StuckWriter:
    """Another replica holding the writer lock until released (a commit stuck on a slow disk or network)."""

    def __init__(self, url: str):
        self.store = Store.open(url, lock_wait=WAIT)
        self.holding, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        with write_transaction(self.store.engine):
            self.holding.set()
            self.release.wait(30)

    def __enter__(self) -> StuckWriter:
        self.thread.start()
        assert self.holding.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(10)
        self.store.close()


def test_writers_wait_a_bounded_time_then_say_another_change_is_in_progress(url):
    store = Store.open(url, lock_wait=WAIT)
    store.seed({"toy": lambda: frame(1.0)})
    store.commit("toy", frame(2.0), actor=steward("a"))
    with StuckWriter(url):
        for write in (
            lambda: store.rollback("toy", 1, actor=steward("b")),
            lambda: store.commit("toy", frame(3.0), actor=steward("b")),
            lambda: store.objects.save("scenario", "s", {"a": 1}, actor=steward("b")),
        ):
            started = time.monotonic()
            with pytest.raises(StoreBusy) as caught:
                write()
            assert WAIT * 0.8 <= time.monotonic() - started < WAIT + 5
            assert "另一项数据变更正在进行中" in caught.value.message("zh")
            assert "Another change to the data is in progress" in caught.value.message("en")
        started = time.monotonic()
        reopened = Store.open(url, lock_wait=WAIT)  # opening and reading never wait for the writer
        assert reopened.observations()["value"].tolist() == [2.0]
        assert [v.number for v in reopened.history("toy")] == [2, 1]
        assert time.monotonic() - started < WAIT
        reopened.close()
    assert store.rollback("toy", 1, actor=steward("b")).current  # the lock released, writes go through again
    store.close()


def test_the_lock_wait_comes_from_the_environment(url, monkeypatch):
    monkeypatch.setenv(ENV_LOCK_WAIT, "0.5")
    store = Store.open(url)
    store.seed({"toy": lambda: frame(1.0)})
    with StuckWriter(url):
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught:
            store.commit("toy", frame(2.0), actor=steward("b"))
        assert time.monotonic() - started < 0.5 + 4
        assert caught.value.fields["seconds"] == "0.5"
    store.close()


@pytest.mark.parametrize(
    ("write", "zh", "en"),
    [
        (
            lambda s: s.commit("toy", frame(2.0), actor=steward("x" * 201)),
            "用户名有 201 个字符",
            "user name has 201 characters",
        ),
        (
            lambda s: s.commit("toy", frame(2.0), actor=steward("a"), file_name="f" * 501 + ".csv"),
            "文件名",
            "file name",
        ),
        (
            lambda s: s.objects.save("scenario", "n" * 201, {}, actor=steward("a")),
            "名称有 201 个字符",
            "the limit of 200",
        ),
        (lambda s: s.rollback("toy", 1, actor=steward("x" * 300)), "用户名", "user name has 300"),
    ],
)
def test_over_long_names_are_refused_before_writing(url, write, zh, en):
    store = Store.open(url)
    store.seed({"toy": lambda: frame(1.0)})
    with pytest.raises(TextTooLong) as caught:
        write(store)
    assert zh in caught.value.message("zh") and en in caught.value.message("en")
    assert [v.number for v in store.history("toy")] == [1] and store.objects.list() == []
    store.commit(
        "toy", frame(2.0), actor=steward("x" * 200), file_name="f" * 500
    )  # at the limit is fine on both backends
    store.close()


def test_the_version_history_download_neutralises_formulas_in_names_and_file_names(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 's.sqlite3'}")
    store.seed({"toy": lambda: frame(1.0)})
    store.commit(
        "toy", frame(2.0), actor=steward(' =HYPERLINK("http://evil.example","x")'), file_name="＝cmd|' /C calc'!A0.csv"
    )
    table = history_table(store.history("toy"), "en")
    text = to_csv(table).decode("utf-8-sig")
    assert "' =HYPERLINK" in text and "'＝cmd" in text
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    store.close()
