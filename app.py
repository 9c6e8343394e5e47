"""决策驾驶舱 — the app frame: page config, navigation over the declared pages, the shared sidebar."""

import streamlit as st

from ui.i18n import LANGS, current_lang, t

st.set_page_config(page_title="决策驾驶舱 · Decision Cockpit", page_icon="📊", layout="wide")

# Pages that really work, in navigation order: (file, title key, icon, url path).
PAGES = [
    ("pages/indicators.py", "nav.indicators", "📈", "indicators"),
]

lang = current_lang()
with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.caption(t("app.tagline"))
    chosen = st.radio(
        t("app.language"),
        LANGS,
        index=LANGS.index(lang),
        horizontal=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )
    if chosen != lang:
        st.session_state["lang"] = chosen
        st.query_params["lang"] = chosen
        st.rerun()

pages = [
    st.Page(path, title=t(key), icon=icon, url_path=url, default=(i == 0))
    for i, (path, key, icon, url) in enumerate(PAGES)
]
st.navigation(pages).run()

with st.sidebar:
    st.caption(t("app.offline_note"))
