"""Each user's briefing basket in the store (data/store/baskets.py), on SQLite and a real PostgreSQL: chart and
table items come back as they went in, users never see each other's, the bounds hold with a message in both
languages, and a change that fails part-way leaves the basket as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from actors import analyst, viewer
from briefing_support import GDP_FACTS, sample_figure

import data.store.baskets as baskets_module
from briefing import ChartMeta, PackItem, TableMeta
from briefing.stored import item_from_json, item_to_json
from data.errors import BasketFull, BasketItemTooLarge, TextTooLong
from data.store import BasketLimits, Baskets, Store

FACTS = replace(GDP_FACTS, previous=124369.7, previous_period=pd.Timestamp("2021-01-01"))
CHART = PackItem(
    "chart",
    "地区生产总值：广东与江苏",
    "",
    "来源：国家统计局（数据截至 2024 年）",
    figure=sample_figure(),
    chart_meta=ChartMeta("地区生产总值", "国家统计局", unit="亿元", period="2022年", exported=dt.date(2026, 12, 1)),
    facts=FACTS,
)
RANKING = pd.DataFrame(
    {
        "排名": np.array([1, 2, 3], dtype="int64"),
        "地区": ["广东", "江苏", None],
        2022: [129118.6, 1 / 3, np.nan],
        "时期": pd.to_datetime(["2022-01-01", "2022-01-01", None]),
    }
)
RANKING_META = TableMeta("排名", "国家统计局", {2022: "亿元"})
TABLE = PackItem("table", "排名 2022", "", "来源：国家统计局", frame=RANKING, table_meta=RANKING_META)


def put(baskets: Baskets, key: str, item: PackItem, actor, caption: str = "") -> None:
    baskets.put(key, item.kind, item.title, caption, item_to_json(item), actor=actor)


def read_back(store: Store, user: str) -> list[tuple[str, PackItem]]:
    rows = store.baskets.rows(user)
    payloads = store.baskets.payloads(user, [r.token for r in rows])
    return [(r.key, item_from_json(payloads[r.token], r.caption)) for r in rows]


def test_a_chart_and_a_table_come_back_as_they_went_in(store):
    ana = analyst("li@gov.cn")
    put(store.baskets, "ind-ts-gdp", CHART, ana, caption="广东领先")
    put(store.baskets, "ind-rank-gdp-2022", TABLE, ana)
    (chart_key, chart), (table_key, table) = read_back(store, ana.user)
    assert (chart_key, table_key) == ("ind-ts-gdp", "ind-rank-gdp-2022")
    assert chart.figure == CHART.figure
    assert (chart.title, chart.caption, chart.source) == (CHART.title, "广东领先", CHART.source)
    assert chart.chart_meta == CHART.chart_meta and chart.facts == FACTS
    pd.testing.assert_frame_equal(table.frame, RANKING)
    assert table.table_meta == TABLE.table_meta and table.table_meta.units[2022] == "亿元"
    assert table.frame[2022].iloc[1] == 1 / 3  # exact, not rounded


def test_each_user_sees_only_their_own_basket(store):
    li, wang = viewer("li"), viewer("wang")
    put(store.baskets, "same-key", CHART, li)
    put(store.baskets, "same-key", TABLE, wang)
    put(store.baskets, "only-li", TABLE, li)
    assert [r.key for r in store.baskets.rows("li")] == ["same-key", "only-li"]
    assert [(r.key, r.kind) for r in store.baskets.rows("wang")] == [("same-key", "table")]
    li_tokens = [r.token for r in store.baskets.rows("li")]
    assert store.baskets.payloads("wang", li_tokens) == {}  # another user's token reads nothing
    store.baskets.clear(actor=wang)
    store.baskets.remove("only-li", actor=wang)
    store.baskets.move("only-li", -1, actor=wang)
    store.baskets.set_caption("same-key", "改了", actor=wang)
    assert [(r.key, r.caption) for r in store.baskets.rows("li")] == [("same-key", ""), ("only-li", "")]
    assert store.baskets.rows("wang") == []


def test_add_replaces_in_place_reorder_caption_remove_clear(store):
    me = viewer("me")
    for key in ("a", "b", "c"):
        put(store.baskets, key, CHART, me)
    first_token = store.baskets.rows("me")[1].token
    put(store.baskets, "b", TABLE, me)  # same key: replaced where it stands
    rows = store.baskets.rows("me")
    assert [(r.key, r.kind) for r in rows] == [("a", "chart"), ("b", "table"), ("c", "chart")]
    assert rows[1].token != first_token  # a session's decoded copy of the old item is not reused
    store.baskets.move("c", -1, actor=me)
    store.baskets.move("a", -5, actor=me)  # already first: stays
    assert [r.key for r in store.baskets.rows("me")] == ["a", "c", "b"]
    store.baskets.move("a", 1, actor=me)
    assert [r.key for r in store.baskets.rows("me")] == ["c", "a", "b"]
    store.baskets.set_caption("a", "说明", actor=me)
    assert store.baskets.rows("me")[1].caption == "说明"
    assert store.baskets.remove("c", actor=me) and not store.baskets.remove("c", actor=me)
    assert [r.key for r in store.baskets.rows("me")] == ["a", "b"]
    assert store.baskets.clear(actor=me) == 2 and store.baskets.rows("me") == []


def test_adding_is_audited_and_reordering_is_not(store):
    me = viewer("me")
    put(store.baskets, "a", CHART, me)
    put(store.baskets, "b", TABLE, me)
    store.baskets.move("b", -1, actor=me)
    store.baskets.set_caption("a", "说明", actor=me)
    store.baskets.remove("a", actor=me)
    trail = store.audit.trail(user="me")
    assert [(e.action, e.result, e.object) for e in trail] == [
        ("basket.add", "ok", TABLE.title),
        ("basket.add", "ok", CHART.title),
    ]


def test_a_full_basket_and_an_oversized_item_are_refused_in_both_languages(store):
    small = Baskets(store.engine, BasketLimits(items=2, item_bytes=len(item_to_json(CHART).encode()) + 10))
    me = viewer("me")
    put(small, "a", CHART, me)
    put(small, "b", CHART, me)
    with pytest.raises(BasketFull) as full:
        put(small, "c", CHART, me)
    assert "最多 2 项" in full.value.message("zh") and "at most 2 items" in full.value.message("en")
    put(small, "b", CHART, me, caption="改")  # replacing an entry of a full basket is fine
    big = PackItem("table", "大表", frame=pd.DataFrame({"x": np.arange(5000, dtype="float64")}))
    small.clear(actor=me)
    with pytest.raises(BasketItemTooLarge) as large:
        put(small, "big", big, me)
    assert "KB" in large.value.message("zh") and "each basket item may be at most" in large.value.message("en")
    assert small.rows("me") == []
    with pytest.raises(TextTooLong):
        put(small, "a", CHART, me, caption="长" * 2001)
    refused = [(e.action, e.result) for e in store.audit.trail(user="me", result="failed")]
    assert refused == [("basket.add", "failed")] * 2  # the full basket and the oversized item


def test_a_failure_part_way_leaves_the_old_basket(store, monkeypatch):
    me = viewer("me")
    for key in ("a", "b", "c"):
        put(store.baskets, key, CHART, me)
    before = store.baskets.rows("me")
    placed = []

    def crash_on_second(conn, row_id, position):
        placed.append(row_id)
        if len(placed) == 2:
            raise ConnectionError("connection lost mid-reorder")
        original(conn, row_id, position)

    original = baskets_module._place
    monkeypatch.setattr(baskets_module, "_place", crash_on_second)
    with pytest.raises(ConnectionError):
        store.baskets.move("c", -2, actor=me)  # c to the top: three positions change, the second write fails
    assert len(placed) == 2
    assert store.baskets.rows("me") == before

    monkeypatch.setattr(baskets_module, "record", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        put(store.baskets, "d", TABLE, me)  # the item and its audit row land together or not at all
    assert store.baskets.rows("me") == before


def test_a_second_store_on_the_same_database_sees_the_same_basket(store):
    me = viewer("me")
    put(store.baskets, "a", CHART, me)
    other = Store.open(store.engine.url.render_as_string(hide_password=False))  # another app replica, or a restart
    try:
        assert [r.key for r in other.baskets.rows("me")] == ["a"]
        other.baskets.remove("a", actor=me)
    finally:
        other.close()
    assert store.baskets.rows("me") == []
