"""Server-side script time of each page, cold (caches cleared) and warm, as median of several runs.

Runs every page declared in app.py through Streamlit's AppTest (the same script runner the server uses, without
the browser), next to a reference script that only draws a title, so the figures can be read as a ratio to the
framework's own cost on this machine. Usage: .venv/bin/python benchmarks/pages.py [--runs N]

What it leaves out: everything a served view pays around the script — the post-script garbage collection
(`runner.postScriptGC`), serialising and sending the ForwardMsgs over the websocket, a new session per visitor,
other sessions competing for the same process — and it runs the page script without app.py's frame. It is the
quick check of a page's own code; what a visitor waits for and what a server can serve is `benchmarks/load.py`.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.navigation import PAGES  # noqa: E402

# AppTest outside a server warns about a missing run context on cached calls; keep the output to the figures.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
logging.getLogger("streamlit.runtime.caching.cache_data_api").disabled = True

TARGET_WARM_MS = 300


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run(timeout=120)
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"page raised: {at.exception[0].message}")
    return elapsed * 1000


def measure(script: Path, runs: int) -> tuple[float, float]:
    cold, warm = [], []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(script), default_timeout=120)
        at.session_state["lang"] = "zh"
        cold.append(timed_run(at))
        warm.append(statistics.median(timed_run(at) for _ in range(3)))
    return statistics.median(cold), statistics.median(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "reference.py"
        reference.write_text("import streamlit as st\nst.title('reference')\n")
        ref_cold, ref_warm = measure(reference, args.runs)
    print(f"{'page':<28}{'cold ms':>10}{'warm ms':>10}{'warm / reference':>18}  target warm < {TARGET_WARM_MS} ms")
    print(f"{'(reference: st.title only)':<28}{ref_cold:>10.0f}{ref_warm:>10.0f}{1.0:>18.1f}")
    for path, _, _, url in PAGES:
        cold, warm = measure(ROOT / path, args.runs)
        verdict = "ok" if warm < TARGET_WARM_MS else "SLOW"
        print(f"{url:<28}{cold:>10.0f}{warm:>10.0f}{warm / ref_warm:>18.1f}  {verdict}")


if __name__ == "__main__":
    main()
