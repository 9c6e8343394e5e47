"""Data / 数据: datasets and their origins, version history with rollback, upload → report → commit."""

import streamlit as st

import data
import data.store
import data.upload
import data.vintage
from ui import auth, basket, cache, show, state
from ui import data_view as dv
from ui import precompute_view as pv
from ui.i18n import current_lang, t
from ui.inert import inert
from ui.landed import data_landed

lang = current_lang()
actor = auth.gate()
steward = actor.may("upload.commit")  # pages only hide what a role cannot use; the store checks every write
store = cache.store()
st.title(t("data.title"))
pv.show_status(store, lang)  # the pages' results for the current data: being computed, or when they were
done = st.session_state.pop("data_done", None)  # what the last commit or rollback did, said after its rerun
if done is not None:
    st.success(t(done[0], **done[1]))

tab_sets, tab_vintage, tab_history, tab_upload = st.tabs(
    [t("data.tab_datasets"), t("data.tab_vintage"), t("data.tab_history"), t("data.tab_upload")]
)

with tab_sets:
    show.dataframe(
        dv.datasets_table(cache.stored_datasets(), lang, cache.current_uploads()),
        hide_index=True,
        column_config={t("data.col_released"): st.column_config.TextColumn(width="medium")},  # a release is a phrase
    )
    st.caption(t("data.provenance_note"))
    for meta in data.datasets().values():
        with st.expander(t("data.origin_of", title=meta.title[lang])):
            st.text("\n".join(dv.provenance_lines(meta, lang)))  # one element, a fact a line
            st.code(meta.source_text(), language="markdown")
    with st.expander(t("data.store_detail")):
        st.text(t("data.store_at", backend=store.backend, url=store.url))
    if not steward:
        st.caption(t("auth.steward_only"))
    elif st.button(t("data.check_release"), key="data_check_release"):
        st.session_state["data_release"] = store.shipped_updates()
    updates = st.session_state.get("data_release")
    if updates is not None and not updates:
        st.info(t("data.release_none"))
    for dataset_id, diff in (updates or {}).items():
        name = dv.dataset_title(dataset_id, lang)
        st.write(t("data.release_diff", dataset=name, added=diff.added, changed=diff.changed, removed=diff.removed))
        if st.button(t("data.release_apply", dataset=name), key=f"data_release_{dataset_id}"):
            version = store.update_shipped(dataset_id, actor=actor)
            data_landed(store, dataset_id)  # warnings checked, forecasts scored: in the background
            st.session_state.pop("data_release")
            st.session_state["data_done"] = ("data.committed", {"dataset": name, "version": version.number})
            st.rerun()

with tab_vintage:
    st.write(t("data.vintage_intro"))
    st.subheader(t("data.joins_heading"))
    joins = cache.shared(("data-joins", lang), lambda: dv.joins_table(cache.join_decisions(), cache.catalogue(), lang))
    show.dataframe(joins, hide_index=True)
    rule = data.vintage.join_rule()
    st.caption(t("data.joins_note", years=rule.overlap_years, tolerance=f"{rule.tolerance:.0%}"))
    st.subheader(t("data.sources_heading"))
    sources = cache.shared(("data-sources", lang), lambda: dv.sources_table(cache.coverage(), cache.catalogue(), lang))
    show.dataframe(sources, hide_index=True)
    st.subheader(t("data.revisions_heading"))
    found = cache.revisions()
    if found:
        st.warning(t("data.revisions_found", count=len(found)))
        revised = cache.shared(
            ("data-revisions", lang), lambda: dv.revisions_table(found, cache.catalogue(), cache.regions(), lang)
        )
        show.dataframe(revised, hide_index=True)
    else:
        st.success(t("data.no_revisions"))

with tab_history:
    url, ids = state.PageUrl("data"), list(data.OBSERVATION_LOADERS)
    chosen = url.choice(
        st.selectbox,
        "dataset",
        ids,
        default=ids[0],
        label=t("data.dataset"),
        format_func=lambda i: data.dataset(i).title[lang],
    )
    url.write()
    history = store.history(chosen)
    history_frame = dv.history_table(history, lang)
    show.dataframe(history_frame, hide_index=True)
    # Names and file names are stored as typed: the download goes through the writers that neutralise formulas.
    title = t("data.history_of", dataset=data.dataset(chosen).title[lang])
    basket.download_buttons("table", history_frame, title, "", f"data-history-{chosen}")
    numbers = [v.number for v in history if not v.current]
    current = next((v.number for v in history if v.current), None)
    if numbers and steward:
        col_version, col_button = st.columns([2, 1])
        target = col_version.selectbox(t("data.rollback_to"), numbers, key="data_rollback_version")
        if col_button.button(t("data.rollback"), key="data_rollback"):
            st.session_state["data_rollback_asked"] = (chosen, target, current)
        asked = st.session_state.get("data_rollback_asked")
        if asked is not None and asked[0] == chosen:  # a rollback changes what every page shows: ask first
            name = dv.dataset_title(chosen, lang)
            st.warning(t("data.rollback_confirm", dataset=name, version=asked[1], current=asked[2]))
            col_yes, col_no = st.columns(2)
            if col_yes.button(t("data.rollback_yes"), key="data_rollback_yes", type="primary"):
                st.session_state.pop("data_rollback_asked")
                try:
                    store.rollback(chosen, asked[1], actor=actor)
                except data.store.StoreError as err:  # another change in progress, a name too long
                    st.error(inert(err.message(lang)))
                    st.stop()
                data_landed(store, chosen)
                said = {"dataset": name, "version": asked[1], "before": asked[2]}
                st.session_state["data_done"] = ("data.rolled_back", said)
                st.rerun()
            if col_no.button(t("data.rollback_no"), key="data_rollback_no"):
                st.session_state.pop("data_rollback_asked")
                st.rerun()


def show_progress(bar, stage: str, done: int, total: int) -> None:
    bar.progress(min(done / max(total, 1), 1.0), t(f"data.stage_{stage}"))  # never past full, whatever is reported


with tab_upload:
    st.write(t("data.upload_intro"))
    if not steward:
        st.info(t("auth.steward_only"))
        st.stop()
    # A new key after each commit empties the uploader: the committed file is not prepared again.
    commits = st.session_state.get("data_commits", 0)
    upload_file = st.file_uploader(
        t("data.file"), type=["csv", "xlsx", "txt"], key="data_file" + (f"_{commits}" if commits else "")
    )
    catalogue = cache.catalogue()
    chosen_indicator = st.selectbox(
        t("data.indicator"),
        [None, *(i.id for i in catalogue)],
        key="data_indicator",
        format_func=lambda i: t("data.indicator_auto", lang) if i is None else dv.indicator_label(catalogue, i, lang),
    )
    col_layout, col_mode, col_sheet = st.columns(3)
    layout = col_layout.selectbox(
        t("data.layout"), dv.LAYOUTS, key="data_layout", format_func=lambda v: t(f"data.layout_{v}", lang)
    )
    mode = col_mode.radio(
        t("data.mode"),
        ["merge", "replace"],
        key="data_mode",
        horizontal=True,
        format_func=lambda v: t(f"data.mode_{v}", lang),
    )
    sheet = col_sheet.text_input(t("data.sheet"), key="data_sheet")
    if upload_file is not None:
        options = data.upload.UploadOptions(
            sheet=sheet or None,
            layout=None if layout == "auto" else layout,
            indicator_id=chosen_indicator,
            mode=mode,
        )
        # Prepared once per file, choices and data version: a rerun (any click) neither reads the file again nor
        # records another "upload prepared" in the audit trail.
        prepared_key = (upload_file.file_id, options, cache.data_versions())
        kept = st.session_state.get("data_prepared")
        if kept is not None and kept[0] == prepared_key:
            upload = kept[1]
        else:
            bar = st.progress(0.0)
            try:
                upload = data.upload.prepare(
                    upload_file.getvalue(),
                    upload_file.name,
                    indicators=dv.upload_specs(catalogue),
                    store=store,
                    options=options,
                    actor=actor,
                    progress=lambda stage, done, total: show_progress(bar, stage, done, total),
                )
            except (data.upload.UploadError, data.store.StoreError, data.UnknownRegion) as err:
                st.error(inert(err.message(lang)))
                st.stop()
            bar.empty()
            st.session_state["data_prepared"] = (prepared_key, upload)
        if chosen_indicator is None and upload.stated_indicator is not None:
            stated = dv.indicator_label(catalogue, upload.stated_indicator, lang)
            st.caption(t("data.indicator_stated", indicator=stated))
        st.subheader(t("data.preview"))
        show.dataframe(upload.preview(), height=240)
        report = upload.report
        st.subheader(t("data.report", errors=report.error_count, warnings=report.warning_count))
        if report.problems:
            show.dataframe(dv.report_table(report, lang), hide_index=True)
        diff, name = report.diff, dv.dataset_title(upload.dataset_id, lang)
        if diff is not None:
            st.write(t("data.would_change", dataset=name, added=diff.added, changed=diff.changed, removed=diff.removed))
        if len(upload.changes):
            st.subheader(t("data.changes_heading", count=len(upload.changes)))
            show.dataframe(dv.changes_table(upload.changes, catalogue, cache.regions(), lang), hide_index=True)
        if not upload.ok:
            st.error(t("data.blocked", errors=report.error_count))
        elif st.button(t("data.commit"), key="data_commit", type="primary"):
            try:
                version = data.upload.commit(store, upload, actor=actor)
            except (data.store.StoreError, data.upload.UploadError) as err:
                st.error(inert(err.message(lang)))
                st.stop()
            data_landed(store, version.dataset_id)
            st.session_state.pop("data_prepared", None)
            st.session_state["data_commits"] = st.session_state.get("data_commits", 0) + 1
            st.session_state["data_done"] = ("data.committed", {"dataset": name, "version": version.number})
            st.rerun()  # from the top, so the Version history tab lists the new version at once
