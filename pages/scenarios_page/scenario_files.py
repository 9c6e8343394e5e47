"""The Scenarios page's save, load and share section: sets saved in the store, a JSON file, a link.

A saved set is an app object of kind ``scenario_set`` (:data:`scenario_view.SET_KIND`) whose payload is
``{"file": <scenario file JSON>}``, saved with a name and who saved it. Whatever the source, a set is opened only
after it was read whole and checked (:mod:`scenario_state`); a bad one is reported and changes nothing.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from data.errors import ObjectNotFound, StoreError
from forecasting.scenarios import ScenarioError, ScenarioFile, dumps, loads
from forecasting.scenarios.sets import compact
from pages.scenarios_page import scenario_state as ss
from pages.scenarios_page.scenario_view import SET_KIND, error_text
from ui import auth, cache
from ui.i18n import t
from ui.inert import inert


def saved_sets(work: ScenarioFile, check: ss.Check, lang: str) -> None:
    """Save the working set under a name (an analyst or above; saved as the signed-in user); load or delete a
    saved set."""
    objects, actor = cache.store().objects, auth.current()
    may_save = actor.may("scenario.save")  # hidden below analyst; the store checks again
    if may_save:
        with st.form("sc_save_form"):
            name = st.text_input(t("scenarios.set_name", lang), key="sc_save_name", max_chars=200).strip()
            if st.form_submit_button(t("scenarios.save", lang), key="sc_save"):
                if not work.scenarios:
                    st.error(t("scenarios.nothing_to_save", lang))
                elif not name:
                    st.error(t("scenarios.save_needs", lang))
                else:
                    try:
                        objects.save(SET_KIND, name, {"file": compact(work)}, actor=actor)
                    except StoreError as err:  # another change in progress, a name too long
                        st.error(inert(err.message(lang)))
                    else:
                        st.success(t("scenarios.saved", lang, name=inert(name)))
    else:
        st.caption(t("auth.analyst_only", lang))
    saved = {o.name: o for o in objects.list(SET_KIND)}
    if not saved:
        st.caption(t("scenarios.none_saved", lang))
        return
    chosen = st.selectbox(
        t("scenarios.saved_sets", lang),
        list(saved),
        key="sc_saved",
        format_func=lambda n: t(
            "scenarios.saved_entry", lang, name=n, by=saved[n].updated_by, at=f"{saved[n].updated_at:%Y-%m-%d %H:%M}"
        ),
    )
    c1, c2 = st.columns(2)
    if c1.button(t("scenarios.load", lang), key="sc_load"):
        try:
            payload = objects.load(SET_KIND, chosen).payload
            opened = loads(payload.get("file") if isinstance(payload, dict) else None)
            check(opened)
        except ObjectNotFound as err:
            st.error(inert(err.message(lang)))
        except ScenarioError as err:
            st.error(t("scenarios.load_bad", lang, name=inert(chosen), error=inert(error_text(err, lang))))
        else:
            ss.request_open(opened, t("scenarios.opened_saved", lang, name=inert(chosen), n=len(opened.scenarios)))
    if may_save and c2.button(t("scenarios.delete_saved", lang), key="sc_delete_saved"):
        try:
            objects.delete(SET_KIND, chosen, actor=actor)
        except (ObjectNotFound, StoreError) as err:
            st.error(inert(err.message(lang)))
        else:
            ss.notify("success", t("scenarios.deleted_saved", lang, name=inert(chosen)))
            st.rerun()


def json_file(work: ScenarioFile, file_name: str, check: ss.Check, lang: str) -> None:
    """Download the working set as a scenario file; open an uploaded one."""
    st.download_button(
        t("scenarios.download", lang),
        dumps(work.scenarios, work.target).encode("utf-8"),
        file_name=file_name,
        mime="application/json",
        disabled=not work.scenarios,
        key="sc_download",
    )
    uploaded = st.file_uploader(t("scenarios.upload", lang), type=["json"], key="sc_upload")
    ss.take_upload(uploaded, check, lang)


def share_link(has_set: bool, lang: str) -> None:
    """The link that reproduces the view: the page's address with its query (series, horizon, model, ``set``)."""
    if not has_set:
        st.caption(t("scenarios.link_empty", lang))
        return
    st.code((st.context.url or "") + "?" + urlencode(dict(st.query_params)), language=None, wrap_lines=True)
    st.caption(t("scenarios.link_note", lang))
