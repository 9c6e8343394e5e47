"""Briefing / 简报: order and caption what was collected in the basket, then build the pack (PPTX and/or PDF)."""

import streamlit as st

from common.text import LANG_NAMES
from ui import auth, basket, track_export
from ui.i18n import LANGS, current_lang, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
st.title(t("briefing.title"))

entries = basket.entries()
if not entries:
    st.info(t("briefing.empty"))
    st.stop()

st.caption(t("briefing.count", count=len(entries)))
pack_lang = st.session_state.get("brief_lang", lang)
for n, entry in enumerate(entries):
    basket.show_entry(n, entry, len(entries), pack_lang)
st.button(t("briefing.clear"), key="brief_clear", on_click=basket.guarded, args=("", basket.clear), type="tertiary")
basket.notice("")

st.subheader(t("briefing.options"))
col_lang, col_format = st.columns(2)
pack_lang = col_lang.radio(
    t("briefing.lang"),
    LANGS,
    index=LANGS.index(lang),
    key="brief_lang",
    horizontal=True,
    format_func=LANG_NAMES.get,
)
choice = col_format.radio(
    t("briefing.format"),
    ["pptx", "pdf", "both"],
    key="brief_format",
    horizontal=True,
    format_func=lambda f: t(f"briefing.format_{f}", lang),
)
col_title, col_scope = st.columns(2)
title = col_title.text_input(t("briefing.pack_title"), key="brief_title", placeholder=t("briefing.pack_title_hint"))
scope = col_scope.text_input(t("briefing.scope"), key="brief_scope", placeholder=t("briefing.scope_hint"))

changes = track_export.pack_changes()
with st.expander(t("track.changes_heading")):
    for line in track_export.change_lines(changes, lang):
        st.text(line)

if st.button(t("briefing.build"), key="brief_build", type="primary", icon=":material/slideshow:"):
    formats = ("pptx", "pdf") if choice == "both" else (choice,)
    first = (track_export.changes_item(changes, pack_lang),)
    st.session_state["brief_result"] = basket.build(formats, pack_lang, title, scope, extra=first)
    if st.session_state["brief_result"]:  # what a pack carries is published: frozen and scored as outturns arrive
        st.session_state["brief_frozen"] = track_export.freeze_pack(actor, entries)
        track_export.note_pack(actor, st.session_state["brief_frozen"][0])

result = st.session_state.get("brief_result")
if result:
    if result["version"] != basket.version():
        st.warning(t("briefing.stale"))
    else:
        st.success(t("briefing.built", items=result["items"], seconds=result["seconds"]))
    basket.pack_download_buttons(result)
    frozen, skipped = st.session_state.get("brief_frozen", ([], []))
    if frozen:
        st.caption(t("track.pack_frozen", ids=", ".join(f"#{i}" for i in frozen)))
    if skipped:
        st.warning(t("track.pack_not_frozen", titles=inert("、".join(skipped) if lang == "zh" else "; ".join(skipped))))
