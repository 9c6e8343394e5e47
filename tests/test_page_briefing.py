"""AppTest of the Briefing page: list the basket (as stored for the signed-in user), reorder and caption it, build
the pack and check its contents."""

from __future__ import annotations

import io
import re

import pytest
from apptest import open_page, rendered
from basket_support import LOCAL, app_store, stored, stored_items, stored_keys
from briefing_support import GDP_FACTS, pdf_page_count, sample_figure
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from streamlit.testing.v1 import AppTest

from briefing import PackItem, narrative
from briefing.renderer import renderer
from briefing.stored import item_to_json
from ui.basket import Entry

FACTS = GDP_FACTS


def entries() -> list[Entry]:
    return [
        Entry(
            "gd", PackItem("chart", "广东", "广东说明", "来源：国家统计局", figure=sample_figure("广东"), facts=FACTS)
        ),
        Entry("js", PackItem("chart", "江苏", "江苏说明", "来源：世界银行", figure=sample_figure("江苏"))),
    ]


def run_page(entries: list[Entry] | None, lang: str = "zh") -> AppTest:
    """The Briefing page of the local user, whose basket in the store holds `entries` (the fixture emptied it)."""
    for entry in entries or []:
        item = entry.item
        app_store().baskets.put(entry.key, item.kind, item.title, item.caption, item_to_json(item), actor=LOCAL)
    return open_page("briefing", lang=lang, timeout=90)


@pytest.fixture(autouse=True)
def basket(local_basket):
    """Every test starts with the local user's basket empty."""


def test_empty_basket_shows_a_hint():
    at = run_page(None)
    assert not at.exception
    assert at.title[0].value == "简报"
    assert "简报篮是空的" in at.info[0].value
    assert not at.button


def test_basket_is_listed_with_captions_and_narrative():
    at = run_page(entries())
    assert not at.exception
    assert "简报篮中共 2 项" in at.caption[0].value
    headings = [m.value for m in at.markdown if m.value.startswith("**")]
    assert headings == ["**1. 广东** · 图表", "**2. 江苏** · 图表"]
    assert [a.value for a in at.text_area] == ["广东说明", "江苏说明"]
    captions = " ".join(rendered(c.value) for c in at.caption)
    assert narrative(FACTS, "zh") in captions and "来源：世界银行" in captions


def test_reorder_caption_and_remove():
    at = run_page(entries())
    at.button(key="brief_down_gd").click().run()
    assert stored_keys() == ["js", "gd"]
    at.text_area(key="brief_caption_gd").input("新的说明").run()
    assert stored()[1][1].caption == "新的说明"
    assert [a.value for a in at.text_area] == ["江苏说明", "新的说明"]
    at.button(key="brief_remove_js").click().run()
    assert stored_keys() == ["gd"]
    assert [m.value for m in at.markdown if m.value.startswith("**")] == ["**1. 广东** · 图表"]
    at.button(key="brief_clear").click().run()
    assert stored_keys() == [] and "简报篮是空的" in at.info[0].value


def test_build_both_formats_through_the_page():
    renderer()  # the shared browser (started here when this file runs alone)
    at = run_page(entries())
    at.button(key="brief_down_gd").click().run()  # 江苏 first
    at.text_area(key="brief_caption_gd").input("广东的新说明").run()
    at.radio(key="brief_format").set_value("both").run()
    at.text_input(key="brief_scope").input("长三角与珠三角").run()
    at.button(key="brief_build").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["brief_result"]
    assert "简报已生成（2 项" in at.success[0].value
    assert set(result["files"]) == {"pptx", "pdf"}
    assert pdf_page_count(result["files"]["pdf"]) == 5

    slides = list(Presentation(io.BytesIO(result["files"]["pptx"])).slides)
    assert len(slides) == 5
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert "范围：长三角与珠三角" in texts[0]
    assert texts[1].startswith("自上次发布简报以来的变化")  # the pack opens with what changed (issue 20)
    assert texts[2].startswith("江苏") and "江苏说明" in texts[2] and "来源：世界银行" in texts[2]
    assert texts[3].startswith("广东") and "广东的新说明" in texts[3] and narrative(FACTS, "zh") in texts[3]
    for slide in slides[2:4]:
        assert sum(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes) == 1
    assert "2. 来源：世界银行" in texts[4] and "3. 来源：国家统计局" in texts[4]

    at.text_area(key="brief_caption_js").input("改过的说明").run()
    assert "重新生成" in at.warning[0].value  # the files no longer match the basket


def test_english_pack_from_a_chinese_session():
    at = run_page(entries()[:1])
    at.radio(key="brief_lang").set_value("en").run()
    assert narrative(FACTS, "en") in " ".join(rendered(c.value) for c in at.caption)
    at.button(key="brief_build").click().run()
    deck = Presentation(io.BytesIO(at.session_state["brief_result"]["files"]["pptx"]))
    closing = " ".join(s.text_frame.text for s in list(deck.slides)[-1].shapes if s.has_text_frame)
    assert closing.startswith("Sources")


def test_english_interface():
    at = run_page(None, lang="en")
    assert at.title[0].value == "Briefing"
    assert "basket is empty" in at.info[0].value


def test_an_item_this_release_cannot_read_is_shown_and_can_be_removed():
    store = app_store()
    store.baskets.put("old", "chart", "旧格式的图表", "", '{"format": 0, "figure": "…"}', actor=LOCAL)
    at = run_page(entries()[:1])
    assert not at.exception
    headings = [m.value for m in at.markdown if m.value.startswith("**")]
    assert headings == ["**1. 旧格式的图表** · 图表", "**2. 广东** · 图表"]
    assert [w.value for w in at.warning] == ["这一项保存时的格式无法被当前版本读取，请移除后在原页面重新加入。"]
    at.button(key="brief_build").click().run()
    assert not at.exception and at.error  # the pack is refused with a message, nothing crashes
    at.button(key="brief_remove_old").click().run()
    assert stored_keys() == ["gd"] and not at.warning


def test_an_item_collected_in_the_other_language_is_flagged_and_replaced_in_one_click():
    at = open_page("map", lang="zh", timeout=180)
    key = next(b.key for b in at.button if b.key and b.key.startswith("basket_add_map-china-"))
    at.button(key=key).click().run()
    assert [item.lang for item in stored_items()] == ["zh"]
    brief = run_page(None)
    brief.radio(key="brief_lang").set_value("en").run()
    assert "added on a page shown in 中文" not in " ".join(w.value for w in brief.warning)  # a Chinese page
    assert "此项是在中文页面上加入的" in brief.warning[0].value  # worded in the page's language, naming both
    # The page in English: the button offers to add (not "added"), and one click replaces the entry in place.
    at.session_state["lang"] = "en"
    at.run()
    assert at.button(key=key).label == "Add to briefing"
    at.button(key=key).click().run()
    items = stored_items()
    assert [item.lang for item in items] == ["en"] and not re.search("[\u4e00-\u9fff]", items[0].title)
    english = run_page(None, lang="en")
    english.radio(key="brief_lang").set_value("en").run()
    assert not english.warning
