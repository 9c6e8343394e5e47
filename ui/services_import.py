"""The Public services page's import section: an office's export read with the upload limits, the proposed column
mapping confirmed (or changed) by a data steward, the report (personal columns dropped, unreadable cells by row and
column), the commit as a new version of the log; and each imported log's history with rollback.

Headers, values and titles come from files and people: they are shown as text (`inert`) or dataframe cells.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from data.access import Actor
from data.errors import DataError
from services import importer
from services.indicators import partial_months
from services.logs import store_import
from ui import cache, show
from ui import services_view as sv
from ui.i18n import t
from ui.inert import inert
from ui.landed import data_landed

READ = "svc_import_read"  # (file id, RawTable) of the file read in this session
DONE = "svc_import_done"  # (title, version) of the last commit, shown once
COMMITS = "svc_import_commits"  # a new uploader key after each commit empties it
IMPORT_OPEN = "svc_import_open"  # the import expander's state: open or closed


def log_id_for(title: str) -> str:
    """A stable id for a log named by a steward (titles may be any text; ids stay short and plain)."""
    return "caselog_" + hashlib.sha256(title.strip().encode("utf-8")).hexdigest()[:12]


def _read(upload) -> importer.RawTable:
    kept = st.session_state.get(READ)
    if kept is not None and kept[0] == upload.file_id:
        return kept[1]
    table = importer.read_export(upload.getvalue(), upload.name)
    st.session_state[READ] = (upload.file_id, table)
    return table


def problems_frame(report: importer.ImportReport, lang: str) -> pd.DataFrame:
    """The unreadable cells, one row each: row, column, what is wrong, the value (all as text cells)."""
    return pd.DataFrame(
        {
            t("services.import_col_row", lang): [p.row for p in report.problems],
            t("services.import_col_column", lang): [p.column for p in report.problems],
            t("services.import_col_problem", lang): [t(f"services.import_{p.code}", lang) for p in report.problems],
            t("services.import_col_value", lang): [p.value for p in report.problems],
        }
    )


def _mapping(proposal: importer.Proposal, file_id: str, lang: str) -> dict[str, str | None]:
    options = [None, *proposal.usable]
    columns = st.columns(3)
    chosen = {}
    for i, name in enumerate(importer.FIELDS):
        proposed = proposal.mapping.get(name)
        chosen[name] = columns[i % 3].selectbox(
            t(f"services.field_{name}", lang),
            options,
            index=options.index(proposed) if proposed in options else 0,
            format_func=lambda h: t("services.import_none", lang) if h is None else h,
            key=f"svc_map_{name}_{file_id}",
        )
    return chosen


REGION_KINDS = ("province", "city", "national", "country", "jurisdiction")  # the order the region choice lists them


def region_options() -> list[str | None]:
    """Every region of the registry a log can cover (provinces, prefecture cities, the country, countries,
    jurisdictions), after an empty first choice: the steward must pick one."""
    registry = cache.regions()
    return [None, *(r.code for kind in REGION_KINDS for r in registry.of_kind(kind))]


def _region(source: str, lang: str) -> str | None:
    """The region the log covers, chosen by the steward (the one last chosen for `source` proposed)."""
    options = region_options()
    remembered = cache.store().case_logs.region(source) if source else None
    key = "svc_import_region"
    if remembered in options and st.session_state.get("svc_import_region_for") != source:
        st.session_state[key] = remembered  # a newly named source proposes its region once
        st.session_state["svc_import_region_for"] = source
    registry = cache.regions()

    def label(code: str | None) -> str:
        return t("services.import_region_pick", lang) if code is None else f"{registry.name(code, lang)} ({code})"

    return st.selectbox(t("services.import_region", lang), options, format_func=label, key=key)


def section(actor: Actor, lang: str) -> None:
    """The import expander: for stewards the uploader, mapping, report and commit; for others a note.

    Its contents are drawn only while it is open (Streamlit's lazy expander: opening it reruns the page): the form,
    its region picker of every province and city included, was ~8% of every view of the page (issue 17)."""
    with st.expander(t("services.import_heading", lang), key=IMPORT_OPEN, on_change="rerun") as box:
        if not box.open:
            return
        done = st.session_state.pop(DONE, None)
        if done:
            st.success(inert(t("services.import_done", lang, title=done[0], version=done[1])))
        if not actor.may("upload.commit"):
            st.info(t("auth.steward_only", lang))
            return
        st.caption(t("services.import_intro", lang))
        commits = st.session_state.get(COMMITS, 0)
        upload = st.file_uploader(
            t("services.import_file", lang),
            type=["csv", "xlsx", "txt"],
            key="svc_file" + (f"_{commits}" if commits else ""),
        )
        col_title, col_source = st.columns(2)
        title = col_title.text_input(t("services.import_title", lang), key="svc_import_title", max_chars=200).strip()
        source = col_source.text_input(t("services.import_source", lang), key="svc_import_source", max_chars=200)
        region = _region(source.strip(), lang)
        col_cite, col_licence = st.columns(2)
        citation = col_cite.text_input(t("services.import_citation", lang), key="svc_import_citation", max_chars=200)
        licence = col_licence.text_input(t("services.import_licence", lang), key="svc_import_licence", max_chars=200)
        if upload is None:
            return
        try:
            table = _read(upload)
        except DataError as err:
            st.error(inert(err.message(lang)))
            return
        remembered = cache.store().case_logs.mapping(source.strip()) if source.strip() else None
        proposal = importer.propose(importer.headers_of(table), remembered)
        st.markdown(f"**{t('services.import_mapping', lang)}**")
        if remembered:
            st.caption(inert(t("services.import_remembered", lang, source=source.strip())))
        mapping = _mapping(proposal, upload.file_id, lang)
        report = importer.convert(table, mapping)
        if report.dropped:
            st.warning(inert(t("services.import_dropped", lang, columns=report.dropped)))
        if report.unused:
            st.caption(inert(t("services.import_unused", lang, columns=report.unused)))
        if report.missing:
            fields = [t(f"services.field_{name}", lang) for name in report.missing]
            st.error(t("services.import_missing", lang, fields=fields))
        if report.problems:
            st.error(t("services.import_problems", lang, count=report.problem_count, shown=len(report.problems)))
            show.dataframe(problems_frame(report, lang), hide_index=True)
        if not report.ok:
            return
        st.success(t("services.import_ready", lang, rows=len(report.cases), duplicates=report.duplicates))
        if report.due_from_days:
            st.caption(t("services.import_due_days", lang))
        partial = partial_months(report.cases)
        if partial:
            st.caption(t("services.import_partial", lang, months=", ".join(m.strftime("%Y-%m") for m in partial)))
        if not title:
            st.info(t("services.import_need_title", lang))
            return
        if region is None:
            st.info(t("services.import_need_region", lang))
            return
        st.caption(inert(t("services.import_figures", lang, region=cache.regions().name(region, lang))))
        log_id = log_id_for(title)
        merge = log_id in sv.stored_logs() and st.checkbox(t("services.import_merge", lang), key="svc_import_merge")
        if st.button(t("services.import_commit", lang), key="svc_import_commit", type="primary"):
            try:
                version = store_import(
                    cache.store(), log_id, title, table, report, mapping, actor=actor, region=region,
                    citation=citation, licence=licence, source=source.strip() or None, merge=merge,
                )  # fmt: skip
            except DataError as err:
                st.error(inert(err.message(lang)))
                return
            sv.stored_logs.clear()
            data_landed(cache.store(), log_id)  # the figures are indicators now: warnings, scoring, caches
            st.session_state[COMMITS] = commits + 1
            st.session_state.pop(READ, None)
            st.session_state[DONE] = (title, version.number)
            st.rerun()


def history(log_id: str, actor: Actor, lang: str) -> None:
    """An imported log's versions, newest first, with a rollback for stewards."""
    if log_id not in sv.stored_logs():
        return
    versions = cache.store().case_logs.history(log_id)
    with st.expander(t("services.history_heading", lang, count=len(versions))):
        frame = pd.DataFrame(
            {
                t("services.history_version", lang): [f"v{v.number}" for v in versions],
                t("services.history_current", lang): ["✓" if v.current else "" for v in versions],
                t("services.history_by", lang): [v.created_by for v in versions],
                t("services.history_at", lang): [v.created_at.strftime("%Y-%m-%d %H:%M") for v in versions],
                t("services.history_file", lang): [v.file_name for v in versions],
                t("services.history_rows", lang): [v.row_count for v in versions],
                t("services.history_dropped", lang): [", ".join(v.dropped) for v in versions],
            }
        )
        show.dataframe(frame, hide_index=True)
        if not actor.may("data.rollback") or len(versions) < 2:
            return
        numbers = [v.number for v in versions if not v.current]
        number = st.selectbox(t("services.history_pick", lang), numbers, format_func=lambda n: f"v{n}", key="svc_back")
        if st.button(t("services.history_rollback", lang), key="svc_rollback"):
            try:
                cache.store().case_logs.rollback(log_id, number, actor=actor)
            except DataError as err:
                st.error(inert(err.message(lang)))
                return
            sv.stored_logs.clear()
            data_landed(cache.store(), log_id)  # the log's figures rolled back with it
            st.rerun()
