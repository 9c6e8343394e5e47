"""Offline rendering: the local topojson stub and its URL, and a real PNG drawn by kaleido in Chromium."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import plotly.colors
import plotly.io as pio
import pytest
from PIL import Image

from data import load_observations
from indicators.metadata import catalogue
from maps.figure import GEO_RESOLUTION, GEO_SCOPE, choropleth
from maps.offline import STATIC_DIR, TOPOJSON_DIR, TOPOJSON_URL, use_local_topojson

CHROMIUM = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def test_stub_is_an_empty_topology_named_as_plotly_asks():
    stub = TOPOJSON_DIR / f"{GEO_SCOPE}_{GEO_RESOLUTION}m.json"
    assert json.loads(stub.read_text()) == {"type": "Topology", "objects": {}, "arcs": []}
    assert stub.stat().st_size < 100


def test_config_url_points_at_the_stub_folder_as_streamlit_serves_it():
    # Streamlit serves <app dir>/static/<path> at app/static/<path>.
    served = "app/static/" + TOPOJSON_DIR.relative_to(STATIC_DIR).as_posix() + "/"
    assert served == TOPOJSON_URL
    assert Path(__file__).resolve().parent.parent / "static" == STATIC_DIR


def test_use_local_topojson_sets_a_file_url(monkeypatch):
    monkeypatch.setattr(pio.defaults, "topojson", None)
    url = use_local_topojson()
    assert url.startswith("file://") and url.endswith("/topojson/")
    assert pio.defaults.topojson == url


def rgb(colour: str) -> np.ndarray:
    """A Plotly colour ("#cccccc" or "rgb(8, 48, 107)") as an RGB triple."""
    converted = plotly.colors.convert_colors_to_same_type(colour, "rgb")[0][0]
    return np.array(plotly.colors.unlabel_rgb(converted), dtype=float)


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Debian's chromium is needed for static export")
def test_maps_render_offline_without_filling_the_frame(monkeypatch, tmp_path):
    """Kaleido draws both maps from the local stub (this machine has no route to the CDN)."""
    monkeypatch.setenv("BROWSER_PATH", CHROMIUM)
    monkeypatch.setattr(pio.defaults, "topojson", None)
    use_local_topojson()
    obs = load_observations()
    figs = {
        "china": choropleth(obs, "china", catalogue().get("gdp"), 2022, "quantiles", 5),
        "world": choropleth(obs, "world", catalogue().get("egdi"), 2024, "quantiles", 5),
    }
    paths = [tmp_path / f"{name}.png" for name in figs]
    pio.write_images(list(figs.values()), paths, width=800, height=600)
    for (name, fig), path in zip(figs.items(), paths, strict=True):
        image = np.asarray(Image.open(path).convert("RGB"), dtype=float)
        # A counter-clockwise ring paints the whole frame in one class colour: the corners must stay white.
        for y, x in [(5, 5), (5, 794), (594, 5), (594, 794)]:
            assert (image[y, x] == 255).all(), (name, x, y)
        for trace in fig.data:
            if trace.type == "choropleth" and trace.showlegend:  # every class and the no-data group is visible
                near = (np.abs(image - rgb(trace.colorscale[0][1])).max(axis=2) <= 2).sum()
                assert near > 50, (name, trace.name)
        painted = (image != 255).any(axis=2).mean()
        assert 0.1 < painted < 0.7, (name, painted)
