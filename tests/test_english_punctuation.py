"""English pages and packs use English punctuation: no full-width （）、，：；。 in any English string of
common/strings (rendered with its placeholders filled), any English field of the metadata, nor the footers and
source lines built from them for every indicator."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from common.text import render, strings
from indicators import catalogue

ROOT = Path(__file__).resolve().parents[1]
FULL_WIDTH = re.compile("[\u3000-\u303f\uff00-\uffef]")
METADATA = [
    "indicators/catalogue.yaml",
    "data/datasets.yaml",
    "data/regions.yaml",
]


def english_fields(node, where: str = ""):
    """(where, text) of every ``en`` text in a YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "en" and isinstance(value, str):
                yield where, value
            yield from english_fields(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from english_fields(value, f"{where}[{n}]")


def placeholders(text: str) -> dict[str, str]:
    return {name.split(".")[0].split("[")[0]: "x" for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_english_string_renders_without_full_width_punctuation():
    bad = {}
    for key, texts in strings().items():
        shown = render(key, "en", **placeholders(texts["en"]))
        if FULL_WIDTH.search(shown):
            bad[key] = shown
    assert not bad, bad


@pytest.mark.parametrize("path", METADATA)
def test_every_english_metadata_field_uses_english_punctuation(path):
    fields = list(english_fields(yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))))
    assert fields, path
    bad = [(where, text) for where, text in fields if FULL_WIDTH.search(text)]
    assert not bad, bad


def _footers() -> None:
    """Inside a page run (the footers read the data through the signed-in session): every indicator's source lines
    in both languages, kept in the session for the test."""
    import streamlit as st

    from briefing import ChartMeta
    from indicators import catalogue
    from ui import auth, footer
    from ui.overview import targets_source

    auth.gate()
    lines = {"targets": {lang: targets_source(lang) for lang in ("zh", "en")}}
    for ind in catalogue():
        for lang in ("zh", "en"):
            lines[f"{ind.id} {lang}"] = [
                footer.source_line(ind, None, lang),
                footer.sources_line([ind], lang),
                ChartMeta.from_indicator(ind, None, lang).source,
            ]
    st.session_state["lines"] = lines


def test_english_footers_and_source_lines_of_every_indicator():
    at = AppTest.from_function(_footers, default_timeout=120).run()
    assert not at.exception, at.exception
    lines = at.session_state["lines"]
    english = {key: value for key, value in lines.items() if key.endswith(" en")}
    assert len(english) == len(catalogue())
    bad = {key: [line for line in value if FULL_WIDTH.search(line)] for key, value in english.items()}
    assert not any(bad.values()), {key: value for key, value in bad.items() if value}
    assert not FULL_WIDTH.search(lines["targets"]["en"])
    # Chinese lines keep Chinese punctuation: the guard is about the language, not a blanket rule.
    assert "（" in lines["gdp zh"][1]
