"""The data layer's one error hierarchy: a code and fields, the message in both languages, English for logs."""

from __future__ import annotations

import re

import pytest

from data import errors
from data.errors import DataError, DataFormatError, StaleVersion, UnknownDataset, UnknownRegion
from indicators.errors import MetadataError

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_error_of_the_data_layer_is_a_data_error():
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, Exception)]
    assert len(classes) > 20
    assert all(issubclass(c, DataError) for c in classes)


def test_message_by_language_str_in_english_and_the_facts_kept():
    err = StaleVersion("cn_prov_panel", 3, 2)
    assert err.code == "stale_version" and err.fields == {"dataset": "cn_prov_panel", "current": 3, "base": 2}
    assert str(err) == err.message("en") and "now v3" in str(err) and not CJK.search(str(err))
    assert CJK.search(err.message("zh")) and "v3" in err.message("zh")


def test_an_error_with_several_messages_takes_its_code_when_raised():
    err = DataFormatError(code="cell_not_a_date", path="/x/cpi.csv", row=7, column="date", value="2008-13-01")
    assert str(err) == "/x/cpi.csv: row 7, column 'date': '2008-13-01' is not a YYYY-MM-DD date"
    assert err.message("zh") == "/x/cpi.csv：第 7 行，“date”列：“2008-13-01”不是 YYYY-MM-DD 格式的日期。"
    with pytest.raises(ValueError, match="no message code 'stale_version'"):
        DataFormatError(code="stale_version", dataset="x", current=1, base=1)


def test_lookup_errors_are_key_errors_whose_text_is_not_quoted():
    err = UnknownRegion("湖北x省", ["湖北省"])
    assert isinstance(err, KeyError) and str(err) == "unknown region '湖北x省'; closest: 湖北省"
    assert err.message("zh") == "未知地区“湖北x省”；最接近的名称：湖北省。"
    missing = UnknownDataset("nope", ["wb_wdi", "un_egdi"])
    assert str(missing) == "unknown dataset 'nope'; known: wb_wdi, un_egdi"
    assert missing.message("zh") == "未知数据集“nope”；已有数据集：wb_wdi、un_egdi。"


def test_an_error_of_another_layer_with_one_text_shows_it_in_both_languages():
    err = MetadataError("catalogue.yaml: entry 'gdp': unit is required")
    assert err.message("zh") == err.message("en") == str(err) == "catalogue.yaml: entry 'gdp': unit is required"
    assert isinstance(err, DataError)
