"""Hostile links on every page (issue 14): no exception, and no Markdown from outside rendered — no link, no image,
no HTML, whatever the URL parameters or a shared scenario set carry. Also the `inert` helper itself."""

from __future__ import annotations

import base64
import re
import string

import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

from forecasting.scenarios import GrowthShock, Scenario, ScenarioFile, Target
from forecasting.scenarios.sets import encode_link
from ui.inert import JOINER, inert, inert_html
from ui.navigation import PAGES

EVIL = "evil.example"
HOSTILE = (
    f"![p](http://{EVIL}/q.png) [click](http://{EVIL}/login) <img src=http://{EVIL}/x.png> "
    f"<a href='http://{EVIL}'>a</a> :red[x] $x^2$ **b** _i_ `c` ~s~ &lt; \\ # h\n- item\n> quote | t |"
)
# Every parameter any page reads, each given the hostile text (a page must drop or show it as text).
PARAMS = [
    "q", "category", "indicator", "region", "regions", "view", "level", "scheme", "k", "year", "years", "h",
    "model", "models", "scope", "cards", "rank", "target_year", "dataset", "set", "pub", "data", "lang",
]  # fmt: skip


def live(markdown: str) -> bool:
    """Whether the hostile address survives as live Markdown: outside escaped characters (literal text), or as a
    bare address the autolink extension would link (it works on the text after escapes are resolved)."""
    text = re.sub(r"\\(.)", r"\1", markdown)
    return EVIL in re.sub(r"\\.", "", markdown) or bool(re.search(rf"(://|www\.|@){re.escape(EVIL)}", text))


def markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """Every text the page puts into an element or attribute Streamlit renders as Markdown."""
    found = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader"):
        found += [(kind, str(e.value)) for e in getattr(at, kind)]
    for kind in ("expander", "tabs"):
        found += [(kind, str(e.label)) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "text_input", "text_area", "slider", "select_slider", "radio",
                 "checkbox", "button", "number_input", "toggle"):  # fmt: skip
        for widget in getattr(at, kind):
            found += [(f"{kind}.label", str(widget.label)), (f"{kind}.help", str(widget.help or ""))]
    for metric in at.metric:
        found += [("metric", f"{metric.label} {metric.proto.help}")]
    return found


def assert_inert(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    shown = [(kind, text) for kind, text in markdown_texts(at) if live(text)]
    assert not shown, shown


@pytest.mark.parametrize("page", [p.url_path for p in PAGES])
def test_hostile_url_parameters_on_every_page_raise_nothing_and_render_no_markdown(page):
    at = open_page(page, dict.fromkeys(PARAMS, HOSTILE), lang="en", timeout=180)
    assert_inert(at)


def _link(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "link",
    [
        _link(b"[" * 3000 + b"]" * 3000),
        _link(b'{"schema_version": 1, "scenarios": ' + b"[" * 50_000 + b"}"),
        _link(b"\xff\xfe" + b"\x00" * 20),
        "%%%" + HOSTILE,
    ],
    ids=["3000-nested-brackets", "deep-json", "not-utf8", "not-base64"],
)
def test_a_malformed_scenario_link_gives_a_short_message_not_a_traceback(link):
    at = open_page("scenarios", {"indicator": "gdp", "region": "440000", "h": "5", "set": link}, "en", timeout=180)
    assert_inert(at)
    assert at.warning and ("cannot be read" in at.warning[0].value or "damaged" in at.warning[0].value)
    assert "Traceback" not in at.warning[0].value and "RecursionError" not in at.warning[0].value


def test_a_shared_set_with_hostile_names_labels_and_notes_renders_them_as_text():
    name = f"![p](http://{EVIL}/q.png) <b>[c](http://{EVIL})</b>"
    scenario = Scenario(name, "gdp", "440000", 5, "ets", "A", "level", (GrowthShock(1.0, "2025", "2027"),), HOSTILE)
    target = Target(200_000.0, "2029", label=name)
    link = encode_link(ScenarioFile((scenario,), target))
    at = open_page("scenarios", {"indicator": "gdp", "region": "440000", "h": "5", "set": link}, "en", timeout=180)
    assert_inert(at)
    texts = " ".join(text for _, text in markdown_texts(at))
    assert "evil\\.example" in texts  # the name, note and label are shown — as text


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "1. not a list", "# h", "a\r\nb", "<script>alert(1)</script>", "x" * 300, "WWW.evil.example a@b.cn"],
)
def test_inert_text_renders_as_itself_and_nothing_else(text):
    escaped = inert(text)
    shown = re.sub(r"\\(.)", r"\1", escaped)
    assert shown.replace(JOINER, "") == re.sub(r"[\r\n]+", " ", text)  # reads exactly as the text
    assert not re.search(r"://|www\.|@\w", shown)  # no bare address for the autolink extension
    unescaped = re.sub(r"\\.", "", escaped)
    assert not set(unescaped) & set(string.punctuation)  # no Markdown or HTML syntax left live
    assert "\n" not in escaped and "\r" not in escaped
    assert "<" not in inert_html(text) and ">" not in inert_html(text)
