"""Offline rendering: Plotly geo maps never reach a CDN, in the browser or in static export.

plotly.js fetches ``<topojsonURL>/<scope>_<resolution>m.json`` (here ``world_110m.json``) for every geo subplot that
has a choropleth, even when all base layers are hidden and the regions come from our GeoJSON, and draws nothing
until it arrives (plotly.js issue #6767; in the bundled plotly.js the fetch runs whenever a trace has a
``locationmode``, which a GeoJSON choropleth always has: "geojson-id"). The app therefore serves an empty topology
from ``static/topojson/``; the figures hide every base layer, so nothing of it is drawn.
"""

from __future__ import annotations

from pathlib import Path

import plotly.io as pio

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TOPOJSON_DIR = STATIC_DIR / "topojson"
# Relative, like Streamlit's own examples of static files: resolves against the page URL, so it also works when
# the app runs under a server.baseUrlPath. plotly.js appends "/" when missing, then "<name>.json".
# The app passes it to plotly.js as ``topojsonURL`` in every chart's config (ui.show.PLOTLY_CONFIG).
TOPOJSON_URL = "app/static/topojson/"


def use_local_topojson() -> str:
    """Point static export (``fig.to_image``/``write_image`` through kaleido) at the local stubs.

    Sets ``plotly.io.defaults.topojson`` to the stub folder as a file URL (kaleido passes it to plotly.js as
    ``topojsonURL``) and returns it. Process-wide and idempotent; call once before exporting maps.
    """
    url = TOPOJSON_DIR.as_uri() + "/"
    pio.defaults.topojson = url
    return url
