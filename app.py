"""决策驾驶舱 — the app frame: page config, navigation over the declared pages, the shared sidebar."""

from pathlib import Path

import streamlit as st

from ui import admission, auth, cache, warm
from ui.i18n import current_lang, language_switch, t
from ui.navigation import HOME_ALIAS, visible

# A local image: an emoji or :material/…: page icon makes the browser fetch the favicon from a Google CDN.
FAVICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")
st.set_page_config(page_title="决策驾驶舱 · Decision Cockpit", page_icon=FAVICON, layout="wide")

cache.refresh_if_data_changed()
warm.start()  # this process reads a new data version's observations before a visitor asks (once per process)
current_lang()  # the session's language, settled from the URL before anything is drawn
# Before anything is drawn from the data: a visitor without an actor gets the sign-in or refusal page only.
actor = auth.gate()
with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.caption(t("app.tagline"))
    language_switch()
    # Before the page runs: a page may st.stop(), and nothing after navigation.run() would be drawn.
    auth.sidebar(actor)
    st.caption(t("app.offline_note"))

entries = visible(actor.role)
home = entries[0]
# The home page is served at "/", and Streamlit then no longer finds it at its own path: a bookmark or link to
# /overview would open "Page not found". A hidden copy serves that path too; the home page's internal path differs
# only so the two do not collide (both run the same script; the navigation shows the home page once).
pages = [
    st.Page(
        page.path,
        title=t(page.title_key),
        icon=page.icon,
        url_path=HOME_ALIAS if i == 0 else page.url_path,
        default=(i == 0),
    )
    for i, page in enumerate(entries)
]
pages.append(st.Page(home.path, title=t(home.title_key), icon=home.icon, url_path=home.url_path, visibility="hidden"))
navigation = st.navigation(pages)
with admission.admitted():  # one page run at a time, first come first served (ui.admission)
    navigation.run()
