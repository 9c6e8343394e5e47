"""Static chart images (PNG at 2×, SVG, PDF) of any Plotly figure, each with a footer naming what it shows.

The footer carries title, unit, period, source, licence and export date, so an image copied out of a briefing
still says where its numbers come from. `decorate` works on a copy; the caller's figure is never changed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from briefing.axes import date_axes, number_axes
from briefing.errors import BadItem, UnsupportedFormat, UnsupportedLanguage
from briefing.renderer import with_renderer
from briefing.text import text_width, wrap
from common import periods
from common.text import check_lang, render
from data.citation import Citation, source_line
from indicators.metadata import Indicator

FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
SCALE = {"png": 2, "svg": 1, "pdf": 1}  # PNG at 2× for sharp slides and screens; vectors need no scale
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1000, 560
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
FOOTER_FONT = 11
LINE_HEIGHT = 15
PLOTLY_MARGIN = {"l": 80, "b": 80}  # plotly.js defaults when a figure sets none
TITLE_MIN_X = 0.012  # a left-anchored title on the whole figure starts at least this far in (12 px of 1000)


@dataclass(frozen=True)
class ChartMeta:
    """What a chart's footer says. `source` may already be a full source line (as pages show under charts)."""

    title: str
    source: str
    unit: str = ""
    period: str = ""
    licence: str = ""
    exported: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def from_indicator(
        cls, ind: Indicator, last_period: pd.Timestamp | None, lang: str, title: str | None = None
    ) -> ChartMeta:
        """Footer facts of a chart of one indicator: the citation of its dataset with the data date (the shipped
        release; a page passes its own source line when an uploaded version is read)."""
        freq = {"annual": "A", "quarterly": "Q", "monthly": "M"}.get(ind.frequency, "A")
        return cls(
            title=title or ind.name[lang],
            source=source_line([Citation(ind.source, freq)], lang, last_period, freq),
            unit=ind.unit[lang],
            period=periods.display(last_period, freq, lang) if last_period is not None else "",
        )


def footer_lines(meta: ChartMeta, lang: str) -> list[str]:
    """The footer's lines: what (title, unit, period), where from (source, licence), when exported."""
    sep = " · "
    what = [meta.title]
    if meta.unit:
        what.append(render("pack.footer.unit", lang, unit=meta.unit))
    if meta.period:
        what.append(render("pack.footer.period", lang, period=meta.period))
    origin = [meta.source]
    if meta.licence and meta.licence not in meta.source:
        origin.append(render("pack.footer.licence", lang, licence=meta.licence))
    return [sep.join(what), sep.join(origin), render("pack.footer.exported", lang, date=meta.exported.isoformat())]


def _html(text: str) -> str:
    # Plotly text is HTML-like: escape what it would read as tags (a caption may contain "<")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def legend_names(fig: go.Figure) -> list[str]:
    """The entries a figure's legend shows (none when plotly would hide it: a single trace, or showlegend off)."""
    if fig.layout.showlegend is False:
        return []
    names = []
    for trace in fig.data:
        if trace.showlegend is False or getattr(trace, "visible", True) is False:
            continue
        labels = getattr(trace, "labels", None) if trace.type in ("pie", "funnelarea") else None
        names.extend(str(label) for label in labels) if labels is not None else names.append(str(trace.name or ""))
    return names if len(names) > 1 or fig.layout.showlegend else []


def legend_height(fig: go.Figure, width: int) -> int:
    """A generous estimate of a horizontal legend's height in pixels: items packed into rows across `width`."""
    names = legend_names(fig)
    if not names:
        return 0
    legend, font = fig.layout.legend, fig.layout.font
    size = (legend.font.size if legend.font else None) or (font.size if font else None) or 12
    rows, used = 1, 0.0
    for name in names:
        item = 46 + text_width(name) * size  # symbol, gaps and text
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    title = 1 if legend.title and legend.title.text else 0
    return int((rows + title) * (size * 1.6 + 6) + 12)


def decorate(fig: go.Figure | dict, meta: ChartMeta, lang: str = "zh") -> go.Figure:
    """A copy of `fig` with an explicit size and the footer below everything it already shows.

    The figure grows by the footer's height, so the plot area keeps its size. The footer sits in pixels below the
    original bottom margin (annotation shifts), whatever the plot's height. A legend below the plot (anchored to
    the plot area, where plotly would widen the margin for it at render time, out of the footer's reach) is
    re-anchored to the figure's bottom edge just above the footer, with room reserved for it.
    """
    lang = check_lang(lang, UnsupportedLanguage)
    out = go.Figure(fig)  # a deep copy: the page's figure stays as it was
    layout = out.layout
    width = int(layout.width or DEFAULT_WIDTH)
    height = int(layout.height or DEFAULT_HEIGHT)
    margin_l = layout.margin.l if layout.margin.l is not None else PLOTLY_MARGIN["l"]
    margin_b = layout.margin.b if layout.margin.b is not None else PLOTLY_MARGIN["b"]
    max_em = (width - 24) / FOOTER_FONT
    lines = [part for line in footer_lines(meta, lang) for part in wrap(line, max_em)]
    footer_h = len(lines) * LINE_HEIGHT + 16
    below = layout.legend.y is not None and layout.legend.y < 0 and layout.legend.yref in (None, "paper")
    legend_h = legend_height(out, width - margin_l) if below else 0
    total = height + legend_h + footer_h
    if legend_h:
        out.update_layout(legend={"yref": "container", "y": (footer_h + 2) / total, "yanchor": "bottom"})
    if not (layout.title and layout.title.text):
        out.update_layout(title={"text": _html(meta.title), "x": 0.0, "xanchor": "left", "xref": "paper"})
    if not (layout.font and layout.font.family):
        out.update_layout(font={"family": FONT_FAMILY})
    out.update_layout(width=width, height=total, margin={"b": margin_b + legend_h + footer_h})
    out.add_annotation(
        text="<br>".join(_html(line) for line in lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        xshift=12 - margin_l,
        yshift=-(margin_b + legend_h) - 6,
        align="left",
        showarrow=False,
        font={"size": FOOTER_FONT, "color": "#555555", "family": FONT_FAMILY},
    )
    return out


def title_inside(fig: go.Figure) -> go.Figure:
    """`fig` (in place) with a left-anchored title on the whole figure moved off its very edge, where the image
    would cut its first glyph."""
    title = fig.layout.title
    edge = title.xref in (None, "container") and title.xanchor == "left" and (title.x or 0) < TITLE_MIN_X
    if title.text and edge:
        title.x = TITLE_MIN_X
    return fig


def check_format(fmt: str) -> str:
    """`fmt` in lower case if it is png, svg or pdf.

    Raises:
        UnsupportedFormat: any other format.
    """
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise UnsupportedFormat(fmt, FORMATS)
    return fmt


def topojson_url(figure: dict) -> str | None:
    """The local topojson for maps: `plotly.io.defaults.topojson`, set by the maps library on first need."""
    if pio.defaults.topojson:
        return pio.defaults.topojson
    if any(key.startswith("geo") for key in figure.get("layout", {})):
        # Imported here: only maps need it, and a figure without a geo subplot must not depend on maps/.
        from maps.offline import use_local_topojson

        return use_local_topojson()
    return None


def render_job(fig: go.Figure | dict, fmt: str, meta: ChartMeta | None = None, lang: str = "zh") -> dict:
    """The renderer's arguments for one image of `fig` (decorated when `meta` is given)."""
    fmt = check_format(fmt)
    if not isinstance(fig, go.Figure | dict):
        raise BadItem(f"expected a Plotly figure or figure dict; got {type(fig).__name__}")
    shown = decorate(fig, meta, lang) if meta is not None else go.Figure(fig)
    # the ticks in the pack's language, whatever page the chart came from; the title off the image's edge
    lang = check_lang(lang, UnsupportedLanguage)
    date_axes(number_axes(title_inside(shown), lang), lang)
    figure = shown.to_dict()
    layout = figure.get("layout", {})
    return {
        "figure": figure,
        "format": fmt,
        "width": int(layout.get("width") or DEFAULT_WIDTH),
        "height": int(layout.get("height") or DEFAULT_HEIGHT),
        "scale": SCALE[fmt],
        "topojson": topojson_url(figure),
    }


def chart_bytes(fig: go.Figure | dict, fmt: str, meta: ChartMeta | None = None, lang: str = "zh") -> bytes:
    """One image of `fig` as PNG (2×), SVG or PDF, with the footer from `meta` when given.

    Raises:
        UnsupportedFormat: `fmt` is not png, svg or pdf. ChromiumMissing / RenderError: no working Chromium.
    """
    job = render_job(fig, fmt, meta, lang)
    return with_renderer(lambda r: r.image(job))


def chart_images(jobs: list[dict]) -> list[bytes]:
    """Several prepared `render_job`s at once, in parallel on the renderer's tabs."""
    return with_renderer(lambda r: r.images(jobs)) if jobs else []


def file_name(title: str, ext: str) -> str:
    """A file name from a title: Chinese kept, path and shell characters replaced, at most 80 characters."""
    stem = re.sub(r"[\\/:*?\"<>|\s·]+", "_", title).strip("._") or "chart"
    return f"{stem[:80]}.{ext}"
