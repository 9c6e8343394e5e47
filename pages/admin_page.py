"""Admin / 管理: users, roles and region scopes; the audit trail, filtered and exported. Administrators only."""

import datetime as dt

import streamlit as st

from alerts.config import AlertConfigError, load_settings
from alerts.deliver import failures
from briefing.tables import to_csv, to_xlsx
from data.access import ACTIONS, SYSTEM_ACTIONS, Role
from data.store import StoreError
from data.store.audit import RESULTS
from ui import admin_view as av
from ui import alerts_view, auth, cache, show, state
from ui.i18n import current_lang, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
st.title(t("admin.title"))
auth.require("users.edit")
store = cache.store()
regions = cache.regions()


def users_tab() -> None:
    """Users, their roles and region scopes: the list, the form that adds or changes one, the removal."""
    st.caption(t("admin.users_intro"))
    users = store.users.list()
    if users:
        show.dataframe(av.users_table(users, regions, lang), hide_index=True)
    else:
        st.info(t("admin.no_users"))
    scopes = [None] + [r.code for r in regions.provinces()]
    with st.form("admin_user_form"):
        c1, c2, c3, c4 = st.columns(4)
        user = c1.text_input(t("admin.user"), key="admin_user", max_chars=200)
        role = c2.selectbox(
            t("admin.role"), list(Role), key="admin_role", format_func=lambda r: auth.role_name(r, lang)
        )
        scope = c3.selectbox(
            t("admin.scope"),
            scopes,
            key="admin_scope",
            format_func=lambda c: regions.name(c, lang) if c else t("admin.scope_all"),
        )
        name = c4.text_input(t("admin.name"), key="admin_name", max_chars=200)
        if st.form_submit_button(t("admin.save_user"), key="admin_save_user"):
            try:
                saved = store.users.set(user, role, actor=actor, scope=scope, name=name)
            except StoreError as err:
                st.error(err.message(lang))
            else:
                st.success(t("admin.saved_user", user=saved.user))
    if users:
        c1, c2 = st.columns([3, 1])
        gone = c1.selectbox(t("admin.user"), [u.user for u in users], key="admin_remove_choice")
        if c2.button(t("admin.remove_user"), key="admin_remove_user"):
            try:
                store.users.remove(gone, actor=actor)
            except StoreError as err:
                st.error(err.message(lang))
            else:
                st.success(t("admin.removed_user", user=gone))


def audit_tab() -> None:
    """The audit trail, filtered by user, action, result and dates, and its exports."""
    c1, c2, c3, c4 = st.columns(4)
    anyone = t("admin.any")
    who = c1.selectbox(t("admin.filter_user"), [None, *store.audit.users()], key="admin_f_user",
                       format_func=lambda u: u or anyone)  # fmt: skip
    actions = [None, *av.action_filters(ACTIONS, SYSTEM_ACTIONS)]
    what = c2.selectbox(t("admin.filter_action"), actions, key="admin_f_action", format_func=lambda a: a or anyone)
    result = c3.selectbox(t("admin.filter_result"), [None, *RESULTS], key="admin_f_result",
                          format_func=lambda r: r or anyone)  # fmt: skip
    today = dt.datetime.now(dt.UTC).date()
    days = c4.date_input(t("admin.filter_dates"), (today - dt.timedelta(days=30), today), key="admin_f_dates")
    since, until = (days[0], days[-1]) if isinstance(days, tuple) and days else (None, None)
    entries = store.audit.trail(user=who, action=what, result=result, since=since, until=until)
    st.caption(t("admin.entries", n=len(entries)))
    table = av.trail_table(entries, lang)
    show.dataframe(table, hide_index=True)
    meta = av.trail_meta(store.backend, lang)
    stamp = today.strftime("%Y%m%d")
    for fmt, write, mime in (("csv", to_csv, "text/csv"), ("xlsx", to_xlsx, av.XLSX_MIME)):
        st.download_button(
            t(f"admin.export_{fmt}"),
            data=auth.audited_download("audit.export", f"audit-{stamp}.{fmt}", lambda w=write: w(table, meta, lang)),
            file_name=f"audit-{stamp}.{fmt}",
            mime=mime,
            key=f"admin_export_{fmt}",
            on_click="ignore",
        )


def alerts_tab() -> None:
    """Delivery of warnings (issue 21): the office's settings without secrets, and what keeps failing."""
    st.caption(t("admin.alerts_settings"))
    try:
        show.dataframe(alerts_view.settings_table(load_settings(), lang), hide_index=True)
    except AlertConfigError as err:
        st.error(t("admin.alerts_bad_config", error=inert(str(err))))
    failing = failures(store.engine)
    if failing:
        st.warning(t("admin.alerts_failures", n=len(failing)))
        show.dataframe(alerts_view.failures_table(failing, lang), hide_index=True)
    else:
        st.success(t("admin.alerts_no_failures"))


# Only the open tab is read and drawn (a click reruns the page; the tab is kept in the link): the audit trail, read
# from the store and drawn with its filters and exports on every view, grows with every sign-in (issue 17).
url = state.PageUrl("admin")
labels = {"users": t("admin.tab_users"), "audit": t("admin.tab_audit"), "alerts": t("admin.tab_alerts")}
active, tabs = url.tabs(st.tabs, "tab", labels, default="users")
with tabs[active]:
    {"users": users_tab, "audit": audit_tab, "alerts": alerts_tab}[active]()
url.write()
