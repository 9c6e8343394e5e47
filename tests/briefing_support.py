"""Helpers shared by the briefing tests: sample figures and a PDF page counter that needs no PDF library."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from briefing import Facts
from briefing.charts import FONT_FAMILY

TITLE = "地区生产总值：广东与江苏"
# The facts of one series (Guangdong's GDP 2022) that the narrative writes about.
GDP_FACTS = Facts(
    name={"zh": "地区生产总值", "en": "Gross regional product"},
    unit={"zh": "亿元", "en": "100 million yuan"},
    decimals=1,
    freq="A",
    latest=129118.6,
    period=pd.Timestamp("2022-01-01"),
    region={"zh": "广东", "en": "Guangdong"},
)


def sample_figure(title: str = TITLE, width: int | None = 800, height: int | None = 450) -> go.Figure:
    """A small line chart with a Chinese title and legend, in the app's font."""
    years = list(range(2013, 2023))
    fig = go.Figure(
        [
            go.Scatter(x=years, y=np.linspace(60000, 129118.6, 10), name="广东", mode="lines+markers"),
            go.Scatter(x=years, y=np.linspace(59000, 122875.6, 10), name="江苏", mode="lines+markers"),
        ]
    )
    fig.update_layout(title=title, font={"family": FONT_FAMILY}, yaxis_title="亿元", width=width, height=height)
    return fig


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF written by Chromium (Skia writes plain, uncompressed page objects and a /Count).

    Both the page-tree count and the number of page objects must agree, so a malformed file fails loudly.
    """
    assert data.startswith(b"%PDF-"), data[:20]
    assert data.rstrip().endswith(b"%%EOF")
    objects = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data, flags=re.S)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data, flags=re.S)]
    assert counts, "no page tree with /Count found"
    assert max(counts) == objects, (counts, objects)
    return objects


def pdf_fonts(data: bytes) -> set[str]:
    """Base names of the fonts embedded in a PDF (subset prefixes removed)."""
    return {name.split(b"+")[-1].decode() for name in re.findall(rb"/FontName\s*/([^\s/>]+)", data)}
