"""Imports point one way: pages → ui → indicators / forecasting / maps → data; Streamlit only in the UI layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["app", "pages", "ui", "briefing", "indicators", "forecasting", "maps", "data"]
# What each layer may import of ours. A package may always import itself.
ALLOWED = {
    "app": {"ui"},
    "pages": {"ui", "indicators", "forecasting", "maps", "data", "briefing"},
    "ui": {"indicators", "forecasting", "maps", "data", "briefing"},
    "briefing": {"indicators", "forecasting", "maps", "data"},
    "indicators": {"data"},
    "maps": {"indicators", "data"},
    "forecasting": set(),
    "data": set(),
}
STREAMLIT_OK = {"app", "pages", "ui"}


def layer_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return "app" if rel.parts[0] == "app.py" else rel.parts[0]


def source_files():
    yield ROOT / "app.py"
    for layer in LAYERS[1:]:
        yield from sorted((ROOT / layer).rglob("*.py"))


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", list(source_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path):
    layer = layer_of(path)
    ours = imported_top_levels(path) & set(LAYERS)
    wrong = ours - ALLOWED[layer] - {layer}
    assert not wrong, f"{path.relative_to(ROOT)} ({layer}) imports {sorted(wrong)}"


@pytest.mark.parametrize("path", list(source_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_streamlit_only_in_the_ui_layer(path):
    if layer_of(path) in STREAMLIT_OK:
        return
    assert "streamlit" not in imported_top_levels(path), f"{path.relative_to(ROOT)} imports streamlit"


def test_the_checker_catches_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ui.cache import observations\nimport streamlit as st\n")
    assert imported_top_levels(bad) == {"ui", "streamlit"}
