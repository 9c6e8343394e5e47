"""Alerts / 预警: every warning raised, sent, acknowledged and cleared; the signed-in user's subscriptions; the
office's own rules (analysts and above write them). Logic in alerts/ and ui/alerts_view.py."""

import streamlit as st

from alerts.book import MODES, TARGET_KINDS, AlertBook
from alerts.channels import CHANNELS
from alerts.findings import SEVERITIES
from alerts.kinds import RULE_KINDS, BadRule, UserRule
from alerts.ledger import acknowledge, history
from common.text import LANG_NAMES, LANGS
from data.access import in_scope
from data.regions import NATIONAL_CODE
from data.store import StoreError
from ui import alerts_view as av
from ui import auth, cache, show
from ui.i18n import current_lang, t
from ui.inert import inert

lang = current_lang()
actor = auth.gate()
st.title(t("alerts.title"))
st.caption(t("alerts.intro"))
store, cat, regions = cache.store(), cache.catalogue(), cache.regions()
book = AlertBook(store.engine)
user_rules = book.rules()
names = av.rule_names(cache.warning_rules(), user_rules, cat, lang)
tab_history, tab_subs, tab_rules = st.tabs([t("alerts.tab_history"), t("alerts.tab_subscriptions"),
                                            t("alerts.tab_rules")])  # fmt: skip

with tab_history:
    open_only = st.toggle(t("alerts.open_only"), key="alerts_open_only")
    rows = [r for r in history(store.engine, scope=actor.scope) if not open_only or r.cleared_at is None]
    waiting = {r.id: r for r in rows if r.acknowledged_at is None}
    if waiting:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        chosen = c1.selectbox(t("alerts.ack_choice"), list(waiting), key="alerts_ack_choice",
                              format_func=lambda i: f"{i} · {cat.get(waiting[i].finding.indicator_id).name[lang]} · "
                              f"{regions.name(waiting[i].finding.region_code, lang)}")  # fmt: skip
        if c2.button(t("alerts.ack_button"), key="alerts_ack"):
            try:
                done = acknowledge(store.engine, chosen, actor=actor)
            except StoreError as err:
                st.error(inert(err.message(lang)))
            else:
                st.success(t("alerts.acked" if done else "alerts.ack_already", id=chosen))
                rows = [r for r in history(store.engine, scope=actor.scope) if not open_only or r.cleared_at is None]
    if rows:
        show.dataframe(av.history_table(rows, cat, regions, names, lang), hide_index=True)
    else:
        st.info(t("alerts.no_warnings"))

with tab_subs:
    st.caption(t("alerts.subs_intro"))
    c1, c2 = st.columns(2)
    kind = c1.selectbox(t("alerts.target_kind"), TARGET_KINDS, key="alerts_sub_kind",
                        format_func=lambda k: t(f"alerts.target_kind_{k}", lang))  # fmt: skip
    places = [NATIONAL_CODE] + [r.code for r in regions.provinces() if in_scope(r.code, actor.scope)]
    options = {"rule": list(names), "indicator": list(cat.ids), "region": places, "all": [""]}[kind]
    label = {"rule": names.get, "indicator": lambda i: cat.get(i).name[lang], "all": lambda _: "–",
             "region": lambda c: regions.name(c, lang)}[kind]  # fmt: skip
    target = c2.selectbox(t("alerts.target"), options, key=f"alerts_sub_target_{kind}", format_func=label)
    c1, c2, c3, c4 = st.columns([1, 1, 2, 1])
    mode = c1.selectbox(
        t("alerts.mode"), MODES, key="alerts_sub_mode", format_func=lambda m: t(f"alerts.mode_{m}", lang)
    )
    channel = c2.selectbox(t("alerts.channel"), list(CHANNELS), key="alerts_sub_channel",
                           format_func=lambda c: t(f"alerts.channel_{c}", lang))  # fmt: skip
    address = c3.text_input(t("alerts.address"), key="alerts_sub_address", max_chars=500)
    sub_lang = c4.selectbox(t("alerts.sub_lang"), LANGS, index=LANGS.index(lang), key="alerts_sub_lang",
                            format_func=LANG_NAMES.get)  # fmt: skip
    if st.button(t("alerts.subscribe"), key="alerts_subscribe", type="primary"):
        try:
            book.subscribe(kind, target, mode, channel, address, sub_lang, actor=actor)
        except StoreError as err:
            st.error(inert(err.message(lang)))
        except ValueError:
            st.error(inert(t("alerts.bad_address", address=address)))
        else:
            st.success(t("alerts.subscribed"))
    mine = book.subscriptions(actor.user)
    if mine:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        gone = c1.selectbox(t("alerts.unsubscribe_choice"), [s.id for s in mine], key="alerts_unsub_choice")
        if c2.button(t("alerts.unsubscribe"), key="alerts_unsubscribe"):
            book.unsubscribe(gone, actor=actor)
            st.success(t("alerts.unsubscribed"))
            mine = book.subscriptions(actor.user)
    if mine:
        show.dataframe(av.subscriptions_table(mine, cat, regions, names, lang), hide_index=True)
    else:
        st.info(t("alerts.no_subscriptions"))

with tab_rules:
    st.caption(t("alerts.rules_intro"))
    if not actor.may("alert.rule_save"):
        st.info(t("alerts.analyst_only"))
    else:
        c1, c2 = st.columns(2)
        indicator = c1.selectbox(t("alerts.indicator"), list(cat.ids), key="alerts_rule_indicator",
                                 format_func=lambda i: cat.get(i).name[lang])  # fmt: skip
        present = sorted(set(cache.indicator_rows(indicator)["region_code"]))
        chosen_regions = c2.multiselect(t("alerts.regions"), present, key=f"alerts_rule_regions_{indicator}",
                                        format_func=lambda c: regions.name(c, lang))  # fmt: skip
        c1, c2, c3 = st.columns(3)
        rule_kind = c1.selectbox(t("alerts.kind"), list(RULE_KINDS), key="alerts_rule_kind",
                                 format_func=lambda k: t(f"alerts.kind_{k}", lang))  # fmt: skip
        value = c2.number_input(t("alerts.value"), value=None, key="alerts_rule_value",
                                disabled=not RULE_KINDS[rule_kind].needs_value)  # fmt: skip
        severity = c3.selectbox(t("alerts.severity"), SEVERITIES, index=1, key="alerts_rule_severity",
                                format_func=lambda s: t(f"alerts.severity_{s}", lang))  # fmt: skip
        note = st.text_input(t("alerts.note"), key="alerts_rule_note", max_chars=500)
        if st.button(t("alerts.save_rule"), key="alerts_save_rule", type="primary"):
            rule = UserRule("", indicator, tuple(chosen_regions), rule_kind, value, severity, note)
            try:
                saved = book.save_rule(rule, cat, actor=actor)
            except BadRule:
                st.error(t("alerts.bad_rule"))
            except StoreError as err:
                st.error(inert(err.message(lang)))
            else:
                st.success(t("alerts.saved_rule", rule=saved.rule_id, version=saved.version))
                user_rules = book.rules()
        if user_rules:
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            ending = c1.selectbox(t("alerts.delete_choice"), [r.rule_id for r in user_rules], key="alerts_end_choice")
            if c2.button(t("alerts.delete_rule"), key="alerts_end_rule"):
                book.delete_rule(ending, actor=actor)
                st.success(t("alerts.deleted_rule", rule=ending))
                user_rules = book.rules()
    if user_rules:
        show.dataframe(av.rules_table(user_rules, cat, regions, lang), hide_index=True)
    else:
        st.info(t("alerts.no_rules"))
