"""Briefing export: static chart images, table files, and briefing packs (PPTX and PDF) with a narrative.

Plain library code (no Streamlit); imports data and indicators (and maps, for map topojson) only.

* Charts: :func:`chart_bytes` — PNG (2×), SVG or PDF of any Plotly figure via kaleido on one persistent headless
  Chromium (:mod:`briefing.renderer`); :func:`decorate` adds the footer from a :class:`ChartMeta` (title, unit,
  period, source, licence, export date) to a copy of the figure.
* Tables: :func:`to_csv` (UTF-8 with BOM) and :func:`to_xlsx`, units in headers, formula injection neutralised.
* Packs: :func:`build_pack` — :class:`PackItem` list → PPTX and/or PDF, with ``progress(done, total, label)``.
* Narrative: :func:`narrative` / :func:`sentences` from :class:`Facts` (:func:`series_facts` computes them from the
  long frame).
"""

from briefing.charts import FORMATS, MIME, ChartMeta, chart_bytes, decorate, file_name
from briefing.errors import BadItem, BriefingError, ChromiumMissing, EmptyPack, RenderError, UnsupportedFormat
from briefing.facts import series_facts
from briefing.narrative import Facts, narrative, sentences
from briefing.pack import PACK_FORMATS, PACK_MIME, build_pack, pack_file_name
from briefing.pack_content import PackItem
from briefing.renderer import chromium_path, shutdown
from briefing.tables import TableMeta, neutralise, to_csv, to_xlsx

__all__ = [
    "FORMATS",
    "MIME",
    "PACK_FORMATS",
    "PACK_MIME",
    "BadItem",
    "BriefingError",
    "ChartMeta",
    "ChromiumMissing",
    "EmptyPack",
    "Facts",
    "PackItem",
    "RenderError",
    "TableMeta",
    "UnsupportedFormat",
    "build_pack",
    "chart_bytes",
    "chromium_path",
    "decorate",
    "file_name",
    "narrative",
    "pack_file_name",
    "neutralise",
    "sentences",
    "series_facts",
    "shutdown",
    "to_csv",
    "to_xlsx",
]
