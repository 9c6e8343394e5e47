"""The briefing basket: charts and tables a user collects on any page, kept in `st.session_state`, built into a
pack on the Briefing page. Also the direct downloads (PNG/SVG/PDF per chart, CSV/XLSX per table).

Pages reach it through :func:`ui.show.chart` and :func:`ui.show.table`, which call, under the chart or table::

    basket.controls("chart", fig, title, source_line, key=f"ind-ts-{ind.id}-{view}", meta=chart_meta, facts=facts)

`key` names what is shown (include the selections that change it): the same key means the same basket entry.
Call it once the figure or frame is final: the basket copies it when the button is clicked (copying on every
rerun would cost each page time for nothing), and files are generated only when a download button is clicked
(Streamlit's deferred download data).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from briefing import (
    MIME,
    PACK_MIME,
    BriefingError,
    ChartMeta,
    ChromiumMissing,
    EmptyPack,
    Facts,
    PackItem,
    RenderError,
    TableMeta,
    build_pack,
    chart_bytes,
    file_name,
    narrative,
    pack_file_name,
    to_csv,
    to_xlsx,
)
from common.text import LANG_NAMES
from ui import auth
from ui.i18n import current_lang, t
from ui.inert import inert

BASKET = "briefing_basket"  # list[Entry], shared by every page of the session
VERSION = "briefing_basket_version"  # bumped on every change, so a built pack knows when it is stale
TABLE_MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Entry:
    """One basket entry: the page's key and the pack item (a copy of the figure or frame at the time of adding)."""

    key: str
    item: PackItem


def entries() -> list[Entry]:
    """The basket, in pack order."""
    return st.session_state.setdefault(BASKET, [])


def items() -> list[PackItem]:
    return [entry.item for entry in entries()]


def version() -> int:
    return st.session_state.setdefault(VERSION, 0)


def _changed(new: list[Entry]) -> None:
    st.session_state[BASKET] = new
    st.session_state[VERSION] = version() + 1


def contains(key: str) -> bool:
    return any(entry.key == key for entry in entries())


def make_item(kind: str, obj: Any, title: str, caption: str, source_line: str, meta=None, facts=None) -> PackItem:
    """A pack item holding its own copy of the figure or frame, so later changes on the page do not leak in."""
    lang = current_lang()  # the page's: its words are in the chart and the table as drawn
    if kind == "chart":
        figure = go.Figure(obj)
        return PackItem("chart", title, caption, source_line, figure=figure, chart_meta=meta, facts=facts, lang=lang)
    frame = obj.copy() if isinstance(obj, pd.DataFrame) else obj
    return PackItem("table", title, caption, source_line, frame=frame, table_meta=meta, facts=facts, lang=lang)


def add(key: str, item: PackItem) -> None:
    """Put `item` in the basket under `key` (replacing an entry with the same key, in place)."""
    current = entries()
    if contains(key):
        _changed([Entry(key, item) if e.key == key else e for e in current])
    else:
        _changed([*current, Entry(key, item)])


def remove(key: str) -> None:
    _changed([e for e in entries() if e.key != key])


def move(key: str, step: int) -> None:
    """Move an entry `step` places (-1 up, +1 down), staying within the list."""
    current = list(entries())
    i = next((n for n, e in enumerate(current) if e.key == key), None)
    if i is None:
        return
    j = min(max(i + step, 0), len(current) - 1)
    current.insert(j, current.pop(i))
    _changed(current)


def set_caption(key: str, caption: str) -> None:
    current = entries()
    if any(e.key == key and e.item.caption != caption for e in current):
        _changed([Entry(e.key, replace(e.item, caption=caption)) if e.key == key else e for e in current])


def clear() -> None:
    _changed([])


def contains_in(key: str, lang: str) -> bool:
    """The entry is in the basket as drawn in `lang` (an entry added on a page in the other language is not)."""
    return any(entry.key == key and entry.item.lang in ("", lang) for entry in entries())


def _toggle(key: str, make: Callable[[], PackItem]) -> None:
    """Remove the entry; or add it, replacing in place an entry added while the page spoke the other language."""
    if contains_in(key, current_lang()):
        remove(key)
    else:
        add(key, make())


def add_button(kind: str, obj: Any, title: str, caption: str, source_line: str, key: str, *, meta=None, facts=None):
    """A button that adds the chart or table to the basket, or removes it when it is already there."""
    inside = contains_in(key, current_lang())
    st.button(
        t("briefing.added") if inside else t("briefing.add"),
        key=f"basket_add_{key}",
        icon=":material/playlist_add_check:" if inside else ":material/playlist_add:",
        type="tertiary",
        on_click=_toggle,
        args=(key, lambda: make_item(kind, obj, title, caption, source_line, meta, facts)),
    )


def download_data(kind: str, obj: Any, fmt: str, meta: ChartMeta | TableMeta, lang: str) -> Callable[[], bytes]:
    """The bytes of one direct download, made only when called (Streamlit calls it when the button is clicked).

    Nothing is copied per rerun: `chart_bytes` renders its own copy of the figure, and the table writers only read
    the frame; the page hands over its figure or frame once it is final (see the module docstring).
    """
    if kind == "chart":
        return lambda: chart_bytes(obj, fmt, meta, lang)
    write = {"csv": to_csv, "xlsx": to_xlsx}[fmt]
    return lambda: write(obj, meta, lang)


def download_buttons(kind: str, obj: Any, title: str, source_line: str, key: str, *, meta=None) -> None:
    """Direct downloads: PNG, SVG and PDF of a chart (with its footer) or CSV and XLSX of a table."""
    lang = current_lang()
    if kind == "chart":
        meta, formats = meta or ChartMeta(title=title, source=source_line), {f: MIME[f] for f in ("png", "svg", "pdf")}
    else:
        meta, formats = meta or TableMeta(title=title, source=source_line), TABLE_MIME
    for fmt, mime in formats.items():
        st.download_button(
            t(f"briefing.download_{fmt}"),
            data=auth.audited_download(
                f"export.{kind}", file_name(title, fmt), download_data(kind, obj, fmt, meta, lang)
            ),
            file_name=file_name(title, fmt),
            mime=mime,
            key=f"basket_dl_{key}_{fmt}",
            on_click="ignore",
        )


def controls(kind: str, obj: Any, title: str, source_line: str, key: str, *, caption="", meta=None, facts=None):
    """The "add to briefing" button and a download popover side by side, under a chart or table."""
    with st.container(horizontal=True, vertical_alignment="center"):
        add_button(kind, obj, title, caption, source_line, key, meta=meta, facts=facts)
        with st.popover(t("briefing.download"), icon=":material/download:", type="tertiary"):
            download_buttons(kind, obj, title, source_line, key, meta=meta)


def error_text(exc: BriefingError) -> str:
    """A library error as a message in the user's language."""
    if isinstance(exc, EmptyPack):
        return t("briefing.empty")
    if isinstance(exc, ChromiumMissing):
        return t("briefing.no_chromium", error=inert(exc))
    if isinstance(exc, RenderError):
        return t("briefing.render_failed", error=inert(exc))
    return t("briefing.error", error=inert(exc))


def build(formats: tuple[str, ...], lang: str, title: str, scope: str) -> dict | None:
    """Build the pack from the basket with a progress bar; the result (files, basket version) or None on error."""
    bar = st.progress(0.0, text=t("briefing.building"))
    start = time.perf_counter()
    try:
        files = build_pack(
            items(),
            formats,
            lang,
            title=title,
            scope=scope,
            progress=lambda done, total, text: bar.progress(done / total, text=text),
        )
    except BriefingError as exc:
        bar.empty()
        st.error(error_text(exc))
        return None
    seconds = time.perf_counter() - start
    return {"files": files, "version": version(), "items": len(items()), "seconds": round(seconds, 1), "lang": lang}


def narrative_preview(facts: Facts | dict | None, lang: str) -> str:
    """The narrative an item will carry in `lang` ("" without facts)."""
    return narrative(facts, lang) if facts is not None else ""


def show_entry(n: int, entry: Entry, count: int, pack_lang: str) -> None:
    """One basket entry on the Briefing page: title and kind, up/down/remove, editable caption, narrative, source."""
    item = entry.item
    with st.container(border=True):
        head, up, down, drop = st.columns([12, 1, 1, 1], vertical_alignment="center")
        head.markdown(f"**{n + 1}. {item.title}** · {t(f'briefing.kind_{item.kind}')}")
        moves = [(up, "arrow_upward", "up", -1, n == 0), (down, "arrow_downward", "down", 1, n == count - 1)]
        for column, icon, name, step, disabled in moves:
            column.button(
                "",
                icon=f":material/{icon}:",
                key=f"brief_{name}_{entry.key}",
                help=t(f"briefing.{name}"),
                disabled=disabled,
                on_click=move,
                args=(entry.key, step),
            )
        drop.button(
            "",
            icon=":material/delete:",
            key=f"brief_remove_{entry.key}",
            help=t("briefing.remove"),
            on_click=remove,
            args=(entry.key,),
        )
        if item.lang and item.lang != pack_lang:
            st.warning(t("briefing.other_language", collected=LANG_NAMES[item.lang], pack=LANG_NAMES[pack_lang]))
        caption = st.text_area(t("briefing.caption"), value=item.caption, key=f"brief_caption_{entry.key}", height=68)
        set_caption(entry.key, caption)
        if text := narrative_preview(item.facts, pack_lang):
            st.caption(t("briefing.narrative", text=inert(text)))
        st.caption(item.source)


def pack_download_buttons(result: dict) -> None:
    """Download buttons for a built pack's files."""
    for fmt, data in result["files"].items():
        name = pack_file_name(fmt, result["lang"], dt.date.today())
        st.download_button(
            t(f"briefing.download_pack_{fmt}"),
            data=auth.audited_download("export.pack", name, lambda data=data: data),
            file_name=name,
            mime=PACK_MIME[fmt],
            key=f"brief_download_{fmt}",
            type="primary",
            on_click="ignore",
        )
