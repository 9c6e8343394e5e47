"""Imports point one way: pages → ui → indicators / forecasting / maps → data; Streamlit only in the UI layer."""

from __future__ import annotations

import ast
import subprocess
import sys
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


# --- inside data: shipped data and the registry at the top, then the store, then uploads (which use the store) ---
DATA_PARTS = {"data": set(), "data.store": {"data"}, "data.upload": {"data", "data.store"}}
SUB_PACKAGES = {"store", "upload"}


def data_part(module: str) -> str | None:
    """Which part of data a dotted module (or imported name) belongs to; None outside data."""
    parts = module.split(".")
    if parts[0] != "data":
        return None
    return f"data.{parts[1]}" if len(parts) > 1 and parts[1] in SUB_PACKAGES else "data"


def imported_modules(path: Path, package: str) -> set[str]:
    """Dotted names a file imports (`from m import n` gives m.n), relative imports resolved against `package`."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def data_imports_out_of_order(part: str, path: Path, package: str) -> set[str]:
    return {data_part(m) for m in imported_modules(path, package)} - {None, part} - DATA_PARTS[part]


@pytest.mark.parametrize("path", sorted((ROOT / "data").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_data_parts_point_one_way(path):
    package = ".".join(path.relative_to(ROOT).parent.parts)
    wrong = data_imports_out_of_order(data_part(package), path, package)
    assert not wrong, f"{path.relative_to(ROOT)} ({data_part(package)}) imports {sorted(wrong)}"


def test_the_data_checker_catches_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from data.upload import prepare\nfrom . import store\nimport data.regions\n")
    assert data_imports_out_of_order("data", bad, "data") == {"data.upload", "data.store"}
    assert data_imports_out_of_order("data.upload", bad, "data") == set()
    assert data_imports_out_of_order("data.store", bad, "data.store") == {"data.upload"}
    # The other layers import the sub-packages as they import data.
    assert imported_top_levels(bad) == {"data"}


def test_import_data_stays_light():
    probe = "import sys, {}; print(sorted(m for m in ('sqlalchemy', 'openpyxl') if m in sys.modules))"
    loaded = {
        module: subprocess.run(
            [sys.executable, "-c", probe.format(module)], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        for module in ("data", "data.store", "data.upload")
    }
    assert loaded == {"data": "[]", "data.store": "['sqlalchemy']", "data.upload": "['openpyxl', 'sqlalchemy']"}
