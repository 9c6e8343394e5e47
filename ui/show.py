"""Charts and tables as every page shows them: the element, the briefing basket's buttons under it, then captions.

    show.chart(fig, ChartMeta(title, footer, unit), f"ind-ts-{selection}", facts=facts, notes=[footer])
    show.table(ranking, TableMeta(title, footer), f"ind-rank-{selection}")

`key` names what is shown (include the selections that change it): the same key is the same basket entry. The
meta's title and source name the entry (a chart's `source` overrides the entry's source line where the export
footer words it differently). `caption` goes with the entry into the pack and is shown first under the element;
`notes` follow, one caption line each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st
from plotly.basedatatypes import BaseFigure

from briefing import ChartMeta, Facts, TableMeta
from briefing.axes import date_axes, date_steps, number_axes, unlabelled
from briefing.tables import column_formats
from maps import TOPOJSON_URL
from ui import basket
from ui.i18n import current_lang
from ui.inert import inert

# Every Plotly chart: no logo link, sharp PNG downloads, and the local topojson stub for geo plots (plotly.js would
# fetch world_110m.json from a CDN otherwise, see maps.offline). Nothing in it reaches outside the machine.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "showLink": False,
    "toImageButtonOptions": {"scale": 2},
    "topojsonURL": TOPOJSON_URL,
}


def _captions(caption: str, notes: Sequence[str]) -> None:
    for line in (caption, *notes):
        if line:
            st.caption(inert(line))  # a footer can name who uploaded the data: text, never Markdown


#: A cached figure is one object shared by every session of the process, and Plotly objects are not safe to read from
#: two threads at once (they set parts of themselves up on first read): six concurrent first views of the Scenarios
#: page broke one in three with ``KeyError: 'type'`` inside Plotly. Making a figure's dict takes turns; drawing the
#: dict does not (it is only read then): a lock held while Streamlit encodes and sends a chart made twenty sessions
#: queue behind one another's charts, each slowed by the others' turns at the interpreter (issue 17: the Overview's
#: nine sparklines, p95 1.3 s at 20 sessions).
_SHARED_FIGURES = threading.Lock()


class _Drawn(BaseFigure):
    """What `st.plotly_chart` is handed: a figure's dict, made once per figure and language.

    Streamlit turns a figure into its dict with `to_dict()`, a deep copy, on every call — 29 ms a view for the China
    map, and a fan chart's labelled copy cost more (issue 17). The dict is made at a figure's first drawing and kept on
    the figure, so a figure is drawn as it was then: build it whole before showing it, never change it after.
    """

    def __init__(self, spec: dict):  # no BaseFigure.__init__: nothing is validated or copied again
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def _drawn(fig: go.Figure, lang: str) -> _Drawn:
    """`fig` as drawn in `lang`: its numeric axes labelled in the language's convention when it has none of its own
    (fans and scenarios are cached without the language) and its date axes written in the language, on a copy,
    never on the shared figure."""
    specs = fig.__dict__.setdefault("_cockpit_specs", {})
    if lang not in specs:
        numbers, dates = unlabelled(fig), date_steps(fig)
        labelled = go.Figure(fig) if numbers or dates else fig
        if numbers:
            number_axes(labelled, lang)
        if dates:
            date_axes(labelled, lang)
        spec = labelled.to_dict()
        for trace in spec.get("data", []):
            trace.pop("uid", None)  # what `plotly.io.to_json` pops from the dict it gets: then the dict is only read
        specs[lang] = spec
    return _Drawn(specs[lang])


def chart(
    fig: go.Figure,
    meta: ChartMeta | None = None,
    key: str | None = None,
    *,
    source: str | None = None,
    caption: str = "",
    notes: Sequence[str] = (),
    facts: Facts | Callable[[], Facts] | None = None,
    widget_key: str | None = None,
    **plotly: Any,
) -> Any:
    """Draw `fig` with the shared Plotly config, its basket buttons (when `key` is given) and its captions.

    Args:
        meta: the export footer's facts (title, source, unit); required with `key`.
        facts: what the pack's narrative says about the chart (or a function that makes them when it is added).
        widget_key, plotly: the chart's own widget key and other `st.plotly_chart` options (``on_select`` …).

    Returns:
        What `st.plotly_chart` returns: the selection event when ``on_select`` is given.
    """
    with _SHARED_FIGURES:
        drawn = _drawn(fig, current_lang())
    event = st.plotly_chart(drawn, config=PLOTLY_CONFIG, key=widget_key, **plotly)
    if key is not None:
        if meta is None:
            raise ValueError(f"chart {key!r}: a basket entry needs the chart's meta (title and source)")
        line = meta.source if source is None else source
        basket.controls("chart", fig, meta.title, line, key, caption=caption, meta=meta, facts=facts)
    _captions(caption, notes)
    return event


def number_format(decimals: int, thousands: bool) -> str:
    """A table column's printf format: thousands separators (not for years) and one number of decimals."""
    return f"%{',' if thousands else ''}.{decimals}f"


def _kept(frame: pd.DataFrame, key: Hashable, make: Callable[[], Any]) -> Any:
    """`make()`, made at the frame's first drawing and kept on the frame (as `_Drawn` keeps a figure's dict).

    A cached table is drawn on every view, and Streamlit converted it to Arrow each time while we worked out its
    number formats again: 13% of a Services view (issue 17). So a frame is drawn as it was then: build it whole
    before showing it, never change it after.
    """
    memo = frame.__dict__.get("_cockpit_drawn")
    if memo is None:
        memo = {}
        object.__setattr__(frame, "_cockpit_drawn", memo)  # not a column: pandas' own setattr would warn
    if key not in memo:
        memo[key] = make()
    return memo[key]


def _formats(frame: pd.DataFrame, meta: TableMeta) -> dict[str, str]:
    """Each numeric column's number format (by this meta's decimals), kept on the frame."""
    return _kept(
        frame,
        ("formats", *sorted(meta.decimals.items())),
        lambda: {str(column): number_format(*style) for column, style in column_formats(frame, meta).items()},
    )


def _arrow_of(frame: pd.DataFrame) -> Any:
    """The frame as an Arrow table, or the frame itself where Arrow refuses it (mixed types in a column): Streamlit
    then converts and mends it as before."""
    return _kept(frame, "arrow", lambda: _arrow(frame))


def _arrow(frame: pd.DataFrame) -> Any:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


#: What a table shows for a missing value. Streamlit's default, a grey "None", reads like a value (and is English).
MISSING = "—"


def dataframe(data: Any, where: Any = st, **options: Any) -> None:
    """`st.dataframe` (in `where`: a column or container) with missing values shown as ``MISSING``; every table of
    the app goes through here or through `table` and `frame`."""
    where.dataframe(data, placeholder=MISSING, **options)


def frame(frame: pd.DataFrame, where: Any = st) -> None:
    """A plain table without basket buttons (in `where`: a column or container), drawn from its kept Arrow form."""
    dataframe(_arrow_of(frame), where, hide_index=True)


def table(
    frame: pd.DataFrame,
    meta: TableMeta,
    key: str,
    *,
    shown: Any = None,
    caption: str = "",
    notes: Sequence[str] = (),
    **options: Any,
) -> None:
    """Draw `frame` (or `shown`, a styled view of it) without its index, its basket buttons and its captions.

    Args:
        meta: the export's title, source line, column units and decimals (numeric columns are shown with thousands
            separators and one number of decimals each, as the exports write them).
        options: other `st.dataframe` options (height, column_config …).
    """
    # A screen copy (text in gaps) or a Styler is drawn instead of `frame`, which the export keeps: only the one drawn
    # is converted to Arrow.
    drawn = frame if shown is None else shown
    data = _arrow_of(drawn) if isinstance(drawn, pd.DataFrame) else drawn
    config: dict[str, Any] = {
        column: st.column_config.NumberColumn(format=f) for column, f in _formats(frame, meta).items()
    }
    config.update(options.pop("column_config", None) or {})
    dataframe(data, hide_index=True, column_config=config, **options)
    basket.controls("table", frame, meta.title, meta.source, key, caption=caption, meta=meta)
    _captions(caption, notes)
