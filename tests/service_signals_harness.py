# A page stand-in for the AppTest of ui/service_signals.py: a synthetic case log (one topic surging in its last week,
# one calm, one named in Markdown) drawn by `show_signals` in the session's language. (A comment, not a docstring:
# Streamlit would draw a docstring.) `scale` in the session multiplies every count: another log, another cases key.

import streamlit as st

from tests.service_logs import log_from_counts, weekly_counts
from ui import auth
from ui.i18n import current_lang
from ui.service_signals import show_signals

auth.gate()  # as every page: the basket buttons belong to the signed-in user

surging = weekly_counts(40, 60, seed=1, surge_at=38, surge_factor=3)
calm = weekly_counts(40, 80, seed=2)
lids = weekly_counts(40, 15, seed=3, surge_at=38, surge_factor=4)  # a topic name with Markdown in it, surging too
scale = st.session_state.get("scale", 1)
counts = {
    ("路灯", "朝阳区"): surging,
    ("路灯", "海淀区"): calm // 2,
    ("噪音", "海淀区"): calm,
    ("**井盖**", "海淀区"): lids,
}
log = log_from_counts({name: weekly * scale for name, weekly in counts.items()})
show_signals(
    log, cases_key=f"harness-{scale}", lang=current_lang(), key_prefix="sig", source="来源：测试工单", holidays=None
)
