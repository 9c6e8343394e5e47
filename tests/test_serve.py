"""`python -m ui.serve` settles, before Streamlit starts, what Streamlit would otherwise work out on the first run."""

from __future__ import annotations

import pytest
from streamlit import delta_generator, env_util
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.pages_manager import PagesManager

from ui import serve

STREAMLIT_SCAN = manifest_scanner.scan_component_manifests  # Streamlit's own, as imported before any test ran


@pytest.fixture
def served(monkeypatch):
    """`serve.main` run up to Streamlit's CLI, which is replaced by a recorder; Streamlit's flags restored after."""
    calls = []
    monkeypatch.setattr(serve.cli, "main", lambda: calls.append(list(serve.sys.argv)) or 0)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    monkeypatch.setattr(serve.sys, "argv", list(serve.sys.argv))
    monkeypatch.setattr(manifest_scanner, "scan_component_manifests", manifest_scanner.scan_component_manifests)
    assert serve.main(["--server.port", "1"]) == 0
    return calls


def test_runs_app_py_with_the_given_options(served):
    assert served == [["streamlit", "run", str(serve.APP), "--server.port", "1"]]


def test_first_element_does_not_walk_the_stack(served, monkeypatch):
    def walked():
        raise AssertionError("inspect.stack() walk at the first element")

    monkeypatch.setattr(env_util, "is_repl", walked)
    delta_generator._maybe_print_use_warning()  # what Streamlit calls when a process draws its first element


def test_folder_navigation_is_off(served):
    assert PagesManager.uses_pages_directory is False


def test_no_installed_package_is_a_component_so_the_scan_is_skipped(served):
    assert STREAMLIT_SCAN is not serve.no_components
    assert STREAMLIT_SCAN() == serve.no_components() == []  # reads every installed distribution's metadata
    assert manifest_scanner.scan_component_manifests is serve.no_components
