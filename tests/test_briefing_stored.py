"""A pack item as JSON text and back (briefing/stored.py): exact round trips of the frames and figures pages put in
the basket, and stored text that is damaged or hostile is refused with BadItem, never unpickled or evaluated."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from briefing_support import sample_figure

from briefing import BadItem, ChartMeta, Facts, PackItem, TableMeta
from briefing.stored import frame_from_json, frame_to_json, item_from_json, item_to_json

PAIRS = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["x", "y"])
FRAMES = {
    "mixed": pd.DataFrame(
        {
            "地区": ["广东", None, "江苏"],
            2022: [1 / 3, np.nan, np.inf],
            "排名": pd.array([1, None, 3], dtype="Int64"),
            "时期": pd.to_datetime(["2022-01-01", None, "2022-03-01"]),
            "等级": pd.Categorical(["红", "绿", "红"], categories=["绿", "红"], ordered=True),
            "达标": [True, False, True],
            "n": np.array([1, 2, 3], dtype="int32"),
            "备注": pd.array(["x", None, "z"], dtype="string"),
            "本地时间": pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]).tz_localize("Asia/Shanghai"),
        }
    ),
    "year columns": pd.DataFrame({2020: [1.0, 2.0], 2021: [3.0, -0.0]}),
    "row index": pd.DataFrame({"v": [1.5, 2.5]}, index=pd.Index(["广东", "江苏"], name="地区")),
    "multi index": pd.DataFrame({"v": [1.0, 2.0]}, index=PAIRS),
    "multi columns": pd.DataFrame([[1, 2]], columns=PAIRS),
    "no labels": pd.DataFrame(np.ones((2, 2))),
    "empty": pd.DataFrame({"a": pd.Series([], dtype="float64")}),
    "object numbers": pd.DataFrame({"值": [1, "—", 2.5, None, pd.Timestamp("2024-01-01")]}, dtype=object),
}


@pytest.mark.parametrize("name", list(FRAMES))
def test_frames_round_trip_exactly(name):
    frame = FRAMES[name]
    back = frame_from_json(json.loads(json.dumps(frame_to_json(frame))))
    pd.testing.assert_frame_equal(back, frame)


def test_a_chart_item_round_trips_with_meta_and_facts():
    facts = Facts(
        name={"zh": "地区生产总值", "en": "GRP"},
        unit={"zh": "亿元", "en": "100 million yuan"},
        decimals=1,
        freq="A",
        latest=129118.6,
        period=pd.Timestamp("2022-01-01"),
        forecast=1.0e5,
        forecast_period=pd.Timestamp("2025-01-01"),
    )
    meta = ChartMeta("GDP", "NBS", unit="亿元", period="2022年", licence="CC BY 4.0", exported=dt.date(2026, 12, 1))
    item = PackItem("chart", "广东", "不存", "来源：国家统计局", figure=sample_figure(), chart_meta=meta, facts=facts)
    text = item_to_json(item)
    assert "不存" not in text  # the caption is kept beside the item, not in it
    back = item_from_json(text, "说明")
    assert back.figure == item.figure and back.chart_meta == meta and back.facts == facts
    assert (back.kind, back.title, back.caption, back.source) == ("chart", "广东", "说明", "来源：国家统计局")
    as_dict = PackItem("chart", "字典", figure=sample_figure().to_dict(), facts={"name": {"zh": "甲", "en": "A"}})
    back = item_from_json(item_to_json(as_dict))
    assert back.figure == sample_figure() and back.facts == {"name": {"zh": "甲", "en": "A"}}


def test_a_table_item_keeps_its_units_by_column():
    meta = TableMeta("排名", "国家统计局", units={2022: "亿元", "人口": "万人"}, decimals={2022: 1})
    item = PackItem("table", "排名", frame=FRAMES["year columns"].rename(columns={2020: 2022}), table_meta=meta)
    back = item_from_json(item_to_json(item))
    assert back.table_meta == meta and back.chart_meta is None and back.figure is None


def test_reading_never_unpickles(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    item = PackItem("table", "t", frame=FRAMES["mixed"], table_meta=TableMeta("t"))
    pd.testing.assert_frame_equal(item_from_json(item_to_json(item)).frame, FRAMES["mixed"])
    item_from_json(item_to_json(PackItem("chart", "c", figure=sample_figure())))


def _stored_table(**column) -> str:
    payload = json.loads(item_to_json(PackItem("table", "t", frame=pd.DataFrame({"a": [1.0]}))))
    payload["frame"]["columns"][0] |= column
    return json.dumps(payload)


def _stored_chart(**changes) -> str:
    return json.dumps(json.loads(item_to_json(PackItem("chart", "c", figure=sample_figure()))) | changes)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        _stored_chart(format=99),
        _stored_chart(kind="script"),
        _stored_chart(figure='{"data": [{"type": "scatter", "onclick": "alert(1)"}]}'),
        _stored_chart(figure="{broken"),
        _stored_chart(facts={"$facts": {"name": {"$map": []}, "evil": 1}}),
        _stored_chart(chart_meta={"title": "x", "source": "y", "__class__": "z"}),
        _stored_table(dtype="object; import os"),
        _stored_table(dtype="datetime64[ns, x; y]"),
        _stored_table(values=[{"$eval": "1+1"}]),
        _stored_table(values=[{"$": "huge"}]),
        _stored_table(values=[1.0, 2.0]),  # longer than the table
    ],
    ids=lambda text: text[:40],
)
def test_damaged_or_hostile_stored_text_is_refused(text):
    with pytest.raises(BadItem):
        item_from_json(text)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"对象": [object()]}),
        pd.DataFrame({"区间": pd.period_range("2020", periods=2, freq="Y")}),
        pd.DataFrame({"时长": pd.to_timedelta([1, 2], unit="D")}),
    ],
    ids=["object", "period", "timedelta"],
)
def test_what_json_cannot_carry_is_refused_when_adding(frame):
    with pytest.raises(BadItem, match="cannot be kept"):
        item_to_json(PackItem("table", "t", frame=frame))
