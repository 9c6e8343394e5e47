"""Data / 数据: datasets and their origins, version history with rollback, upload → report → commit."""

import streamlit as st

import data
import data.store
import data.upload
import data.vintage
from ui import auth, basket, cache, state
from ui import data_view as dv
from ui.i18n import current_lang, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
steward = actor.may("upload.commit")  # pages only hide what a role cannot use; the store checks every write
store = cache.store()
st.title(t("data.title"))

tab_sets, tab_vintage, tab_history, tab_upload = st.tabs(
    [t("data.tab_datasets"), t("data.tab_vintage"), t("data.tab_history"), t("data.tab_upload")]
)

with tab_sets:
    st.dataframe(dv.datasets_table(store.stored_datasets(), lang), hide_index=True)
    st.caption(t("data.store_at", backend=store.backend, url=store.url))
    for meta in data.datasets().values():
        with st.expander(t("data.origin_of", title=meta.title[lang])):
            colon = "：" if lang == "zh" else ": "
            st.markdown(
                f"**{t('data.col_producer')}**{colon}{meta.producer[lang]} · {meta.distributor} · {meta.version}"
            )
            st.markdown(f"**{t('data.col_licence')}**{colon}{meta.licence[lang]} · {meta.url}")
            st.code(meta.source_text(), language="markdown")
    if not steward:
        st.caption(t("auth.steward_only"))
    elif st.button(t("data.check_release"), key="data_check_release"):
        st.session_state["data_release"] = store.shipped_updates()
    updates = st.session_state.get("data_release")
    if updates is not None and not updates:
        st.info(t("data.release_none"))
    for dataset_id, diff in (updates or {}).items():
        st.write(
            t("data.release_diff", dataset=dataset_id, added=diff.added, changed=diff.changed, removed=diff.removed)
        )
        if st.button(t("data.release_apply", dataset=dataset_id), key=f"data_release_{dataset_id}"):
            version = store.update_shipped(dataset_id, actor=actor)
            st.session_state.pop("data_release")
            cache.data_changed()
            st.success(t("data.committed", dataset=dataset_id, version=version.number))

with tab_vintage:
    st.write(t("data.vintage_intro"))
    st.subheader(t("data.joins_heading"))
    st.dataframe(dv.joins_table(cache.join_decisions(), cache.catalogue(), lang), hide_index=True)
    rule = data.vintage.join_rule()
    st.caption(t("data.joins_note", years=rule.overlap_years, tolerance=f"{rule.tolerance:.0%}"))
    st.subheader(t("data.sources_heading"))
    st.dataframe(dv.sources_table(cache.coverage(), cache.catalogue(), lang), hide_index=True)
    st.subheader(t("data.revisions_heading"))
    found = cache.revisions()
    if found:
        st.warning(t("data.revisions_found", count=len(found)))
        st.dataframe(dv.revisions_table(found, cache.catalogue(), cache.regions(), lang), hide_index=True)
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
    st.dataframe(history_frame, hide_index=True)
    # Names and file names are stored as typed: the download goes through the writers that neutralise formulas.
    title = t("data.history_of", dataset=data.dataset(chosen).title[lang])
    basket.download_buttons("table", history_frame, title, "", f"data-history-{chosen}")
    numbers = [v.number for v in history if not v.current]
    if numbers and steward:
        col_version, col_button = st.columns([2, 1])
        target = col_version.selectbox(t("data.rollback_to"), numbers, key="data_rollback_version")
        if col_button.button(t("data.rollback"), key="data_rollback"):
            try:
                store.rollback(chosen, target, actor=actor)
            except data.store.StoreError as err:  # another change in progress, a name too long
                st.error(inert(err.message(lang)))
                st.stop()
            cache.data_changed()
            st.success(t("data.rolled_back", dataset=chosen, version=target))
            st.rerun()


def show_progress(bar, stage: str, done: int, total: int) -> None:
    bar.progress(min(done / max(total, 1), 1.0), t(f"data.stage_{stage}"))  # never past full, whatever is reported


with tab_upload:
    st.write(t("data.upload_intro"))
    if not steward:
        st.info(t("auth.steward_only"))
        st.stop()
    upload_file = st.file_uploader(t("data.file"), type=["csv", "xlsx", "txt"], key="data_file")
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
        options = data.upload.UploadOptions(sheet=sheet or None, layout=None if layout == "auto" else layout, mode=mode)
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
                    indicators=dv.upload_specs(cache.catalogue()),
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
        st.subheader(t("data.preview"))
        st.dataframe(upload.preview(), height=240)
        report = upload.report
        st.subheader(t("data.report", errors=report.error_count, warnings=report.warning_count))
        if report.problems:
            st.dataframe(dv.report_table(report, lang), hide_index=True)
        diff = report.diff
        if diff is not None:
            st.write(
                t(
                    "data.would_change",
                    dataset=upload.dataset_id,
                    added=diff.added,
                    changed=diff.changed,
                    removed=diff.removed,
                )
            )
        if not upload.ok:
            st.error(t("data.blocked", errors=report.error_count))
        elif st.button(t("data.commit"), key="data_commit", type="primary"):
            try:
                version = data.upload.commit(store, upload, actor=actor)
            except (data.store.StoreError, data.upload.UploadError) as err:
                st.error(inert(err.message(lang)))
                st.stop()
            cache.data_changed()
            st.success(t("data.committed", dataset=upload.dataset_id, version=version.number))
