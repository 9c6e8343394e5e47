"""The briefing basket: charts and tables a user collects on any page, kept in the store per signed-in user
(`store.baskets`), built into a pack on the Briefing page. Also the direct downloads (PNG/SVG/PDF per chart,
CSV/XLSX per table).

Pages reach it through :func:`ui.show.chart` and :func:`ui.show.table`, which call, under the chart or table::

    basket.controls("chart", fig, title, source_line, key=f"ind-ts-{ind.id}-{view}", meta=chart_meta, facts=facts)

`key` names what is shown (include the selections that change it): the same key means the same basket entry.
Call it once the figure or frame is final: the basket writes it to the store when the button is clicked (as JSON,
`briefing.stored`), and files are generated only when a download button is clicked (Streamlit's deferred download
data). Because the basket lives in the store, a reload, a crash or a second tab of the same user loses nothing:
every run reads the user's list (keys, titles, captions; a small query), and the Briefing page decodes each item
once per session (kept by its token, which changes whenever the item does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from briefing import (
    MIME,
    PACK_MIME,
    BadItem,
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
from briefing.stored import item_from_json, item_to_json
from common.text import LANG_NAMES
from data.errors import DataError
from data.store import BasketRow, Baskets
from ui import admission, auth, cache
from ui.i18n import current_lang, t
from ui.inert import inert

DECODED = "briefing_basket_items"  # token → PackItem (None: unreadable), the items this session has decoded
NOTICE = "briefing_basket_notice"  # (key, error) of the last change the store refused, shown once beside the key
TABLE_MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LOG = logging.getLogger("cockpit.basket")


@dataclass(frozen=True)
class Entry:
    """One basket entry: the page's key and the pack item (a copy of the figure or frame at the time of adding)."""

    key: str
    item: PackItem


def _baskets() -> Baskets:
    return cache.store().baskets


LISTED = "briefing_basket_listed"  # (run, user, rows): the listing this session read in its current script run


def _this_run() -> object:
    """Something that is the same object throughout one script run and new in the next: Streamlit gives every run
    fresh cursors (held in the session's state until the next run, so a new run's can never be mistaken for it)."""
    ctx = get_script_run_ctx()
    return ctx.cursors if ctx is not None else object()


def rows() -> list[BasketRow]:
    """The signed-in user's basket as listed in the store (no payloads), in pack order: read once per script run —
    every chart and table asks whether it is in the basket, and a store read per button cost a page with ten of them
    6 ms a view (issue 17). The next run reads again, so a change made in another tab or replica shows at once."""
    user, run = auth.current().user, _this_run()
    listed = st.session_state.get(LISTED)
    if listed is None or listed[0] is not run or listed[1] != user:
        listed = st.session_state[LISTED] = (run, user, _baskets().rows(user))
    return listed[2]


def _changed() -> None:
    st.session_state.pop(LISTED, None)


def readable(item: PackItem) -> bool:
    """False for an entry whose stored chart or table this release cannot read (it can only be removed)."""
    return item.figure is not None or item.frame is not None


def _decoded(listing: list[BasketRow]) -> dict[str, PackItem | None]:
    """The items of `listing` by token, decoded once per session and item version (None: unreadable)."""
    decoded: dict[str, PackItem | None] = st.session_state.get(DECODED, {})
    missing = [r.token for r in listing if r.token not in decoded]
    if missing:
        for token, text in _baskets().payloads(auth.current().user, missing).items():
            try:
                decoded[token] = item_from_json(text)
            except BadItem as exc:
                LOG.warning("a stored basket item cannot be read: %s", exc)
                decoded[token] = None
        st.session_state[DECODED] = decoded
    return decoded


def entries() -> list[Entry]:
    """The basket, in pack order, with each item decoded (once per session and item version)."""
    listing = rows()
    decoded = _decoded(listing)
    # Keep only what is listed now; a row removed meanwhile (another tab) has no payload and is left out.
    decoded = {r.token: decoded[r.token] for r in listing if r.token in decoded}
    st.session_state[DECODED] = decoded
    return [Entry(r.key, _with_caption(r, decoded[r.token])) for r in listing if r.token in decoded]


def _with_caption(row: BasketRow, item: PackItem | None) -> PackItem:
    """The decoded item with its current caption; an unreadable one as a bare entry that can only be removed."""
    return PackItem(row.kind, row.title, row.caption) if item is None else replace(item, caption=row.caption)


def items() -> list[PackItem]:
    return [entry.item for entry in entries()]


def version() -> str:
    """A fingerprint of the basket (order, items, captions): a built pack is stale once it differs."""
    listing = [(r.key, r.token, r.caption) for r in rows()]
    return hashlib.sha256(repr(listing).encode("utf-8")).hexdigest()[:16]


def make_item(kind: str, obj: Any, title: str, caption: str, source_line: str, meta=None, facts=None) -> PackItem:
    """A pack item of the page's figure or frame, in the page's language (its words are in the chart and the table as
    drawn). No copy is needed: `add` writes it to the store at once, so later changes on the page cannot leak in.
    `facts` may be a function that makes them: a page's facts are worked out only when the item is added."""
    lang = current_lang()
    facts = facts() if callable(facts) else facts
    if kind == "chart":
        return PackItem("chart", title, caption, source_line, figure=obj, chart_meta=meta, facts=facts, lang=lang)
    return PackItem("table", title, caption, source_line, frame=obj, table_meta=meta, facts=facts, lang=lang)


def add(key: str, item: PackItem) -> None:
    """Put `item` in the basket under `key` (replacing an entry with the same key, in place).

    Raises:
        BasketFull, BasketItemTooLarge, StoreBusy: the store refused (the basket is unchanged).
        BadItem: the item holds something that cannot be stored as JSON.
    """
    _changed()  # also when the store refuses: read again
    _baskets().put(key, item.kind, item.title, item.caption, item_to_json(item), actor=auth.current())


def remove(key: str) -> None:
    _changed()  # also when the store refuses: read again
    _baskets().remove(key, actor=auth.current())


def move(key: str, step: int) -> None:
    """Move an entry `step` places (-1 up, +1 down), staying within the list."""
    _changed()  # also when the store refuses: read again
    _baskets().move(key, step, actor=auth.current())


def set_caption(key: str, caption: str) -> None:
    _changed()  # also when the store refuses: read again
    _baskets().set_caption(key, caption, actor=auth.current())


def clear() -> None:
    _changed()  # also when the store refuses: read again
    _baskets().clear(actor=auth.current())


def contains_in(key: str, lang: str) -> bool:
    """The entry is in the basket as drawn in `lang` (an entry added on a page in the other language is not). Only
    the entry itself is decoded, not the whole basket: every page's add buttons ask."""
    row = next((r for r in rows() if r.key == key), None)
    if row is None:
        return False
    item = _decoded([row]).get(row.token)
    return item is None or item.lang in ("", lang)


def guarded(key: str, change: Callable, *args) -> None:
    """Run a change from a widget's callback; a refusal is kept to be shown beside the entry `key` ("" for the basket
    as a whole) by `notice`."""
    try:
        change(*args)
    except (DataError, BriefingError) as exc:
        st.session_state[NOTICE] = (key, exc)


def notice(key: str) -> None:
    """Show (once) why the last change of the entry `key` was refused; "" for the basket as a whole."""
    pending = st.session_state.get(NOTICE)
    if pending is not None and pending[0] == key:
        del st.session_state[NOTICE]
        exc = pending[1]
        st.error(exc.message(current_lang()) if isinstance(exc, DataError) else error_text(exc))


def _toggle(key: str, shown_inside: bool, make: Callable[[], PackItem]) -> None:
    """Do what the button said when it was drawn: another tab may have changed the basket since, and a click on
    "add" must never remove."""
    if shown_inside:
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
        on_click=guarded,
        args=(key, _toggle, key, inside, lambda: make_item(kind, obj, title, caption, source_line, meta, facts)),
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
    """The "add to briefing" button and a download menu side by side, under a chart or table.

    The menu's buttons are drawn only while it is open (Streamlit's lazy popover: opening it reruns the page or the
    part it is in). Drawn on every view, the Services page's 24 download buttons and their deferred files were a
    large share of each view's work for a menu few open (issue 17).
    """
    with st.container(horizontal=True, vertical_alignment="center"):
        add_button(kind, obj, title, caption, source_line, key, meta=meta, facts=facts)
        menu = st.popover(
            t("briefing.download"), icon=":material/download:", type="tertiary", key=menu_key(key), on_change="rerun"
        )
        with menu:
            if menu.open:
                download_buttons(kind, obj, title, source_line, key, meta=meta)
    notice(key)


def menu_key(key: str) -> str:
    """The widget key of an item's download menu (its state: open or closed)."""
    return f"basket_menu_{key}"


def error_text(exc: BriefingError) -> str:
    """A library error as a message in the user's language."""
    if isinstance(exc, EmptyPack):
        return t("briefing.empty")
    if isinstance(exc, ChromiumMissing):
        return t("briefing.no_chromium", error=inert(exc))
    if isinstance(exc, RenderError):
        return t("briefing.render_failed", error=inert(exc))
    return t("briefing.error", error=inert(exc))


def build(formats: tuple[str, ...], lang: str, title: str, scope: str, extra: tuple = ()) -> dict | None:
    """Build the pack from the basket with a progress bar; the result (files, basket version) or None on error.

    `extra`: pack items put before the basket's (what changed since the last briefing)."""
    bar = st.progress(0.0, text=t("briefing.building"))
    admission.step_aside()  # seconds of rendering in a browser and writing files: the next visitor goes in
    start = time.perf_counter()
    try:
        files = build_pack(
            [*extra, *items()],
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
        head.markdown(f"**{n + 1}. {inert(item.title)}** · {t(f'briefing.kind_{item.kind}')}")
        moves = [(up, "arrow_upward", "up", -1, n == 0), (down, "arrow_downward", "down", 1, n == count - 1)]
        for column, icon, name, step, disabled in moves:
            column.button(
                "",
                icon=f":material/{icon}:",
                key=f"brief_{name}_{entry.key}",
                help=t(f"briefing.{name}"),
                disabled=disabled,
                on_click=guarded,
                args=(entry.key, move, entry.key, step),
            )
        drop.button(
            "",
            icon=":material/delete:",
            key=f"brief_remove_{entry.key}",
            help=t("briefing.remove"),
            on_click=guarded,
            args=(entry.key, remove, entry.key),
        )
        notice(entry.key)
        if not readable(item):
            st.warning(t("briefing.unreadable"))
        # The text area shows the stored caption (also one changed in another tab); only an edit here writes it.
        caption_key = f"brief_caption_{entry.key}"
        st.session_state[caption_key] = item.caption
        st.text_area(
            t("briefing.caption"),
            key=caption_key,
            height=68,
            on_change=_caption_edited,
            args=(entry.key, caption_key),
        )
        if item.lang and item.lang != pack_lang:
            st.warning(t("briefing.other_language", collected=LANG_NAMES[item.lang], pack=LANG_NAMES[pack_lang]))
        if text := narrative_preview(item.facts, pack_lang):
            st.caption(t("briefing.narrative", text=inert(text)))
        st.caption(inert(item.source))


def _caption_edited(key: str, widget_key: str) -> None:
    guarded(key, set_caption, key, st.session_state[widget_key])


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
