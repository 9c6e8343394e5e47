"""Briefing export speed: one PNG with a cold browser and a warm one, and a pack of 8 charts (PPTX, PDF, both).

Charts are the app's own time series (ui/charts.py) of 8 indicators for 5 provinces, with the export footer.
Cold = Chromium started for the image (the first export of a server process); warm = the persistent browser.
Medians of several runs. Usage: .venv/bin/python benchmarks/export.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import data  # noqa: E402
import indicators  # noqa: E402
from briefing import ChartMeta, PackItem, build_pack, chart_bytes  # noqa: E402
from briefing.renderer import TABS, chromium_path, renderer, shutdown  # noqa: E402
from ui.charts import time_series  # noqa: E402

TARGET_PACK_S = 10.0
INDICATORS = ["gdp", "gdp_per_capita", "va_primary", "va_secondary", "va_tertiary", "population", "exports"]
INDICATORS += ["fiscal_revenue"]
PROVINCES = ["440000", "320000", "370000", "330000", "410000"]


def charts(n: int) -> list[PackItem]:
    """`n` pack items: time series of shipped provincial indicators (cycling through them)."""
    obs, cat, reg = data.load_observations(), indicators.catalogue(), data.region_registry()
    items = []
    for k in range(n):
        ind = cat.get(INDICATORS[k % len(INDICATORS)])
        rows = obs[(obs["indicator_id"] == ind.id) & obs["region_code"].isin(PROVINCES)]
        rows = rows[rows["period"].dt.year >= 2000]
        fig = time_series(rows, reg, ind.name["zh"], ind.unit["zh"], ind.decimals, "zh")
        meta = ChartMeta.from_indicator(ind, rows.loc[rows["value"].notna(), "period"].max(), "zh")
        items.append(PackItem("chart", ind.name["zh"], "说明", meta.source, figure=fig, chart_meta=meta))
    return items


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (warm PNG: 4× as many)")
    args = parser.parse_args()
    items = charts(8)
    first = items[0]
    png = lambda: chart_bytes(first.figure, "png", first.chart_meta)  # noqa: E731

    cold = []
    for _ in range(args.runs):
        shutdown()
        cold.append(seconds(png))
    renderer()
    png()  # first image of a fresh browser warms plotly.js's caches
    warm = [seconds(png) for _ in range(4 * args.runs)]
    packs = {
        name: statistics.median(seconds(lambda f=formats: build_pack(items, f, "zh")) for _ in range(args.runs))
        for name, formats in [("pptx", ("pptx",)), ("pdf", ("pdf",)), ("pptx+pdf", ("pptx", "pdf"))]
    }
    shutdown()

    print(f"Chromium: {chromium_path()}; kaleido tabs: {TABS}; medians of {args.runs} runs (warm PNG: {4 * args.runs})")
    print(f"{'what':<34}{'seconds':>9}")
    print(f"{'one PNG, cold (browser start)':<34}{statistics.median(cold):>9.2f}")
    print(f"{'one PNG, warm':<34}{statistics.median(warm):>9.2f}")
    for name, value in packs.items():
        flag = "" if value < TARGET_PACK_S else f"  (over the {TARGET_PACK_S:.0f} s target)"
        print(f"{'pack of 8 charts, ' + name:<34}{value:>9.2f}{flag}")


if __name__ == "__main__":
    main()
