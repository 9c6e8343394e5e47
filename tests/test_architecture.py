"""Imports point one way: pages → ui → briefing → alerts / record → services / indicators / maps → forecasting →
data → common; Streamlit only
in the UI layer; `common` (words and periods) imports nothing of ours. The checker is a function over a tree of
files, so it is tested on small trees that break each rule."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = [
    "app",
    "pages",
    "ui",
    "briefing",
    "precompute",
    "alerts",
    "record",
    "services",
    "indicators",
    "forecasting",
    "maps",
    "data",
    "common",
]
# What each layer may import of ours. A package may always import itself; every layer may import `common`.
ALLOWED = {
    "app": {"ui", "common"},
    "pages": {"ui", "briefing", "alerts", "record", "services", "indicators", "forecasting", "maps", "data", "common"},
    "ui": {
        *("briefing", "precompute", "alerts", "record", "services"),
        *("indicators", "forecasting", "maps", "data", "common"),
    },
    "briefing": {"record", "services", "indicators", "forecasting", "maps", "data", "common"},
    # Results computed once per data version and stored for the pages (issue 22).
    "precompute": {"services", "indicators", "forecasting", "data", "common"},
    # Warnings that reach people (issue 21): rules over indicators, service-delivery surges and forecasts.
    "alerts": {"services", "indicators", "forecasting", "data", "common"},
    # Published forecasts, their outturns and the decision register (issue 20).
    "record": {"indicators", "forecasting", "data", "common"},
    # Public-service case logs (12345, 一网通办, 好差评; issue 18).
    "services": {"indicators", "forecasting", "data", "common"},
    "indicators": {"data", "common"},
    "maps": {"indicators", "data", "common"},
    "forecasting": {"common"},
    "data": {"common"},
    "common": set(),
}
STREAMLIT_OK = {"app", "pages", "ui"}
BEYOND = "<beyond the tree>"  # a relative import that climbs out of the project


def source_files(root: Path) -> list[Path]:
    """app.py and every module of the layers under `root` (tests and benchmarks are not layers)."""
    files = [root / "app.py"] if (root / "app.py").is_file() else []
    for layer in LAYERS[1:]:
        files += sorted((root / layer).rglob("*.py"))
    return files


def layer_of(rel: Path) -> str:
    return "app" if rel.parts == ("app.py",) else rel.parts[0]


def imported_top_levels(rel: Path, source: str) -> set[str]:
    """The top-level packages a module at `rel` (relative to the project root) imports, relative imports resolved."""
    package = list(rel.parts[:-1])  # the package a module (or an __init__.py) belongs to
    names = set()
    for node in ast.walk(ast.parse(source, filename=str(rel))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            up = node.level - 1
            if up > len(package):
                names.add(BEYOND)
            elif up < len(package):
                names.add(package[0])
            elif node.module:  # climbed to the project root: `from .. import ui`, `from ..ui import cache`
                names.add(node.module.split(".")[0])
            else:
                names |= {alias.name for alias in node.names}
    return names


def wrong_imports(root: Path) -> list[tuple[str, str]]:
    """Every import under `root` that points the wrong way, as (file, what it imports), sorted; ``streamlit`` when
    a library imports it; ``<beyond the tree>`` for a relative import that leaves the project."""
    found = []
    for path in source_files(root):
        rel = path.relative_to(root)
        layer = layer_of(rel)
        imported = imported_top_levels(rel, path.read_text(encoding="utf-8"))
        wrong = (imported & set(LAYERS)) - ALLOWED[layer] - {layer}
        if layer not in STREAMLIT_OK and "streamlit" in imported:
            wrong.add("streamlit")
        found += [(rel.as_posix(), name) for name in wrong | (imported & {BEYOND})]
    return sorted(found)


def test_common_imports_nothing_of_ours():
    ours = set(LAYERS) - {"common"}
    files = sorted((ROOT / "common").rglob("*.py"))
    assert files  # the package is there to check
    for path in files:
        imported = imported_top_levels(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
        assert not imported & ours, f"{path.relative_to(ROOT)} imports {sorted(imported & ours)}"


def test_the_project_imports_point_one_way():
    assert len(source_files(ROOT)) > 100  # the walk really reads the project
    assert wrong_imports(ROOT) == []


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"data/loaders.py": "from ui.cache import observations\n"}, [("data/loaders.py", "ui")]),
        ({"maps/figure.py": "import pages.map_page\n"}, [("maps/figure.py", "pages")]),
        ({"indicators/kpi.py": "import forecasting\n"}, [("indicators/kpi.py", "forecasting")]),
        # Relative imports, resolved from the module's package.
        ({"data/store/sql.py": "from ...ui import cache\n"}, [("data/store/sql.py", "ui")]),
        ({"forecasting/api.py": "from .. import maps\n"}, [("forecasting/api.py", "maps")]),
        ({"data/upload/__init__.py": "from ...pages import data_page\n"}, [("data/upload/__init__.py", "pages")]),
        ({"data/x.py": "from ... import anything\n"}, [("data/x.py", BEYOND)]),
        # common sits below everything: it imports nothing of ours.
        ({"common/text.py": "from data import errors\n"}, [("common/text.py", "data")]),
        ({"common/periods.py": "import indicators.query\n"}, [("common/periods.py", "indicators")]),
        ({"common/text.py": "from ..ui import i18n\n"}, [("common/text.py", "ui")]),
        # Streamlit in a library, however it is imported.
        ({"maps/offline.py": "import streamlit as st\n"}, [("maps/offline.py", "streamlit")]),
        ({"briefing/pack.py": "from streamlit.runtime import exists\n"}, [("briefing/pack.py", "streamlit")]),
        # An import inside a function counts too.
        ({"forecasting/batch.py": "def f():\n    import ui.cache\n"}, [("forecasting/batch.py", "ui")]),
    ],
)
def test_the_checker_reports_a_wrong_import(tmp_path, files, expected):
    assert wrong_imports(write(tmp_path, files)) == expected


def test_the_checker_accepts_what_the_rules_allow(tmp_path):
    files = {
        "app.py": "import streamlit as st\nfrom ui import cache\n",
        "pages/scenarios_page/page.py": "import streamlit\nfrom . import view\nfrom ..scenarios_page import x\n",
        "ui/cache.py": "import streamlit as st\nimport data, maps\nfrom briefing import pack\nfrom .i18n import t\n",
        "briefing/pack.py": "from indicators import query\nfrom common import periods\nfrom .charts import Meta\n",
        "maps/values.py": "from indicators import metadata\nfrom data import regions\n",
        "data/upload/pipeline.py": "from ..store import open_store\nfrom . import read\nimport pandas\n",
        "forecasting/scenarios/apply.py": "from ..frequency import grid\nfrom .scenario import Scenario\n",
        "forecasting/scenarios/describe.py": "from common.text import Message\n",
        "data/errors.py": "from common.text import both\n",
        "common/periods.py": "from common.text import clean\nfrom .text import render\nimport pandas\n",
    }
    assert wrong_imports(write(tmp_path, files)) == []


def test_tests_and_benchmarks_are_not_checked(tmp_path):
    files = {"tests/test_x.py": "import streamlit\nfrom ui import cache\n", "benchmarks/b.py": "import pages\n"}
    assert wrong_imports(write(tmp_path, files)) == []


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
    assert imported_top_levels(Path("data/x.py"), bad.read_text()) == {"data"}


def test_import_data_stays_light():
    probe = "import sys, {}; print(sorted(m for m in ('sqlalchemy', 'openpyxl') if m in sys.modules))"
    loaded = {
        module: subprocess.run(
            [sys.executable, "-c", probe.format(module)], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        for module in ("data", "data.store", "data.upload")
    }
    # openpyxl (0.2 s) only where a workbook is read or a column letter named: the Overview imports data.upload's types.
    assert loaded == {"data": "[]", "data.store": "['sqlalchemy']", "data.upload": "['sqlalchemy']"}


def test_the_pages_shared_modules_leave_heavy_libraries_to_where_they_are_used():
    # Cold start: every page imports these; a map, a driver scenario, a pack or a workbook imports the rest.
    heavy = ("mapclassify", "scipy", "sklearn", "statsmodels.api", "pptx", "openpyxl")
    probe = f"import sys, app_modules; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    modules = "ui.cache, ui.show, ui.basket, ui.charts, ui.services_view, maps, briefing, forecasting"
    probe = probe.replace("app_modules", modules)
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


# --- no import circle hidden behind a function-level import ------------------------------------------------------
# Our own modules imported inside a function, each for weight and never to dodge a circle (python-pptx takes ~1 s;
# a figure without a geo subplot must not load maps/).
LAZY_OWN_IMPORTS = {("briefing/pack.py", "briefing"), ("briefing/charts.py", "maps")}


def function_level_own_imports(root: Path) -> list[tuple[str, str]]:
    """(file, our top-level package) for every import of ours written inside a function or method."""
    found = []
    for path in source_files(root):
        rel = path.relative_to(root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    module = ast.unparse(ast.Module(body=[node], type_ignores=[]))
                    ours = imported_top_levels(rel, module) & set(LAYERS)
                    found += [(rel.as_posix(), name) for name in ours]
    return sorted(set(found))


def test_no_function_level_imports_of_our_own_modules():
    assert set(function_level_own_imports(ROOT)) <= LAZY_OWN_IMPORTS


def test_the_function_level_checker_finds_one(tmp_path):
    files = {"ui/scope.py": "def f():\n    from ui import auth\n", "ui/ok.py": "def g():\n    import numpy\n"}
    assert function_level_own_imports(write(tmp_path, files)) == [("ui/scope.py", "ui")]
