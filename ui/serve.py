"""Start the app: ``python -m ui.serve [streamlit run options]`` is ``streamlit run app.py [options]`` without the
"Page not found" box that Streamlit shows on a new server's first deep link.

Streamlit decides once per process whether an app uses the old ``pages/`` folder navigation: until the first
``st.navigation`` call has run, a ``pages/`` folder beside the main script means folder navigation, so the first
run of a fresh server looks the requested page up among the folder's file names (``map_page``), finds no ``map``,
and tells the browser the page does not exist — before app.py's own navigation serves the right page. Our pages
live in ``pages/`` (the product's layout) and are declared in ``ui/navigation.py``; saying so before the server
starts makes the first run like every later one. ``tests/test_browser_home.py`` opens a deep link on a fresh server.

The first element a process draws also asks Streamlit whether it runs in a Python REPL, to print a hint that a
script should be started with ``streamlit run``: it walks the whole call stack with `inspect.stack()`, reading the
source file of every frame (~0.2 s of the first view after a start; issue 17's cold start). Started here, it is
never a REPL; the answer is given before the first run (`tests/test_serve.py` fails if Streamlit renames the flag).

At start Streamlit looks for custom components (its "v2" components) by reading the metadata of every installed
distribution — ~300 here (statsforecast, Prophet, Dask …), 0.14 s of every start, and none is a component. The app
uses none, so the scan answers "none" without reading them (`tests/test_serve.py` runs the real scan and fails if
an installed package ever ships one).
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit import delta_generator
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[1] / "app.py"


def no_components() -> list:
    """What `scan_component_manifests` finds in this app's environment (tested), without reading every package."""
    return []


def main(argv: list[str]) -> int:
    PagesManager.uses_pages_directory = False  # app.py declares its pages with st.navigation
    delta_generator._use_warning_has_been_displayed = True  # not a REPL: no stack walk at the first element
    manifest_scanner.scan_component_manifests = no_components  # the app uses no custom components
    sys.argv = ["streamlit", "run", str(APP), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
