"""URL-synced widgets (ui.state.PageUrl) driven through AppTest: seeded from the URL, stale values dropped, the URL
replaced once per run with exactly what the view shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    """A page with one widget of every kind; options and what the horizon follows come from the session."""
    import streamlit as st

    from ui import state

    url = state.PageUrl("t")
    url.choice(st.selectbox, "region", st.session_state.get("opts", ["a", "b", "c"]), default="b", label="Region")
    kind = st.session_state.get("kind", "national")
    url.choices(st.multiselect, "cards", ["x", "y", "z"], default=["x"], label="Cards", omit_default=True, follows=kind)
    freq = st.session_state.get("freq", "A")
    url.number(st.slider, "h", 1, 36, default={"A": 5, "M": 12}[freq], label="Horizon", follows=freq)
    url.span(st.slider, "years", 2000, 2020, default=(2010, 2020), label="Years")
    url.text(st.text_input, "q", key="t_search", label="Search")
    url.choice(st.selectbox, "year", [2020, 2021, 2022], default=2022, label="Year")
    url.write()


def run(query: dict[str, str] | None = None, **session) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["lang"] = "zh"
    for key, value in session.items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def values(at: AppTest) -> dict:
    return {
        "region": at.selectbox(key="t_region").value,
        "cards": at.multiselect(key="t_cards").value,
        "h": at.slider(key="t_h").value,
        "years": at.slider(key="t_years").value,
        "q": at.text_input(key="t_search").value,
        "year": at.selectbox(key="t_year").value,
    }


def test_a_link_seeds_every_kind_of_widget_and_is_written_back():
    query = {"region": "c", "cards": "y,z", "h": "7", "years": "2005-2015", "q": "gdp", "year": "2021"}
    at = run(query)
    assert not at.exception
    assert values(at) == {"region": "c", "cards": ["y", "z"], "h": 7, "years": (2005, 2015), "q": "gdp", "year": 2021}
    assert dict(at.query_params) == {"lang": "zh", **query}


def test_bad_link_values_fall_back_to_the_defaults():
    at = run({"region": "zzz", "cards": "nope,y", "h": "99", "years": "abc", "year": "1999", "stray": "1"})
    assert not at.exception
    assert values(at) == {"region": "b", "cards": ["y"], "h": 5, "years": (2010, 2020), "q": "", "year": 2022}
    # The URL is replaced, not merged: the stray parameter goes, an empty search and the default cards stay out.
    assert dict(at.query_params) == {
        "lang": "zh",
        "region": "b",
        "cards": "y",
        "h": "5",
        "years": "2010-2020",
        "year": "2022",
    }


def test_unparsable_numbers_and_ranges_fall_back():
    at = run({"h": "five", "years": "2015-2005"})
    assert values(at)["h"] == 5 and values(at)["years"] == (2010, 2020)


def test_a_stale_choice_is_dropped_and_a_default_not_offered_gives_way_to_the_first_option():
    at = run()
    at.selectbox(key="t_region").set_value("c").run()
    assert values(at)["region"] == "c"
    at.session_state["opts"] = ["a", "b"]  # "c" is no longer offered
    at.run()
    assert values(at)["region"] == "b" and at.query_params["region"] == "b"
    at.session_state["opts"] = ["a"]  # nor is the default
    at.run()
    assert values(at)["region"] == "a"
    assert not at.exception


def test_an_emptied_multiselect_stays_empty_and_so_does_its_link():
    at = run({"cards": "y"})
    at.multiselect(key="t_cards").set_value([]).run()
    assert values(at)["cards"] == [] and at.query_params["cards"] == ""
    at.run()  # a later run keeps the deliberate choice
    assert values(at)["cards"] == []
    again = run({"cards": ""})  # the link of an empty choice reopens it empty
    assert values(again)["cards"] == [] and again.query_params["cards"] == ""


def test_a_link_or_a_kept_choice_that_went_stale_falls_back_to_the_default():
    at = run({"cards": "nope,gone"})
    assert values(at)["cards"] == ["x"]
    at.session_state["t_cards"] = ["gone"]  # e.g. a region the newly chosen indicator lacks
    at.run()
    assert values(at)["cards"] == ["x"]


def _tabs_page() -> None:
    """Two keyed tabs whose labels follow the session's language."""
    import streamlit as st

    from ui import state

    words = {"zh": {"chart": "图", "table": "表"}, "en": {"chart": "Chart", "table": "Table"}}
    url = state.PageUrl("t")
    active, tabs = url.tabs(st.tabs, "tab", words[st.session_state["lang"]], default="chart")
    url.write()
    tabs[active].write(f"shown: {active}")


def run_tabs(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(_tabs_page, default_timeout=30)
    at.session_state["lang"] = "zh"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_the_active_tab_comes_from_the_link_and_goes_back_into_it():
    at = run_tabs({"tab": "table"})
    assert not at.exception
    assert at.session_state["t_tab"] == "表" and at.query_params["tab"] == "table"
    assert at.tabs[1].markdown[0].value == "shown: table"
    fresh = run_tabs()
    assert fresh.session_state["t_tab"] == "图" and fresh.query_params["tab"] == "chart"
    bad = run_tabs({"tab": "nope"})
    assert bad.query_params["tab"] == "chart"


def test_a_click_on_a_tab_is_written_to_the_link_and_survives_a_language_switch():
    at = run_tabs()
    at.session_state["t_tab"] = "表"  # what Streamlit stores when the user clicks the tab
    at.run()
    assert at.query_params["tab"] == "table"
    at.session_state["lang"] = "en"
    at.run()
    assert at.session_state["t_tab"] == "Table" and at.query_params["tab"] == "table"


def test_values_that_follow_something_start_afresh_when_it_changes():
    at = run({"h": "4", "cards": "z"})
    at.slider(key="t_h").set_value(8).run()
    assert values(at)["h"] == 8  # same frequency: the choice is kept
    at.session_state["freq"] = "M"
    at.run()
    assert values(at)["h"] == 12  # 5 years are not 5 months
    assert values(at)["cards"] == ["z"]
    at.session_state["kind"] = "province"
    at.run()
    assert values(at)["cards"] == ["x"]
    assert not at.exception


def _versioned() -> None:
    """A page drawn from data version 2.1 (given by the session, as a page gives `ui.cache.data_token()`)."""
    import streamlit as st

    from ui import state

    url = state.PageUrl("v", data=st.session_state.get("token", "2.1"))
    url.choice(st.selectbox, "region", ["a", "b"], default="a", label="Region")
    url.write()


def test_the_url_records_the_data_version_and_a_link_made_on_other_data_says_so_once():
    at = AppTest.from_function(_versioned, default_timeout=30)
    at.session_state["lang"] = "zh"
    at.run()
    assert dict(at.query_params) == {"lang": "zh", "region": "a", "data": "2.1"} and not at.info
    old = AppTest.from_function(_versioned, default_timeout=30)
    old.session_state["lang"] = "en"
    old.query_params["data"], old.query_params["region"] = "1.1", "b"
    old.run()
    assert [i.value for i in old.info] == [
        "This link was made on data version 1\\.1; the current one is 2.1, and the page shows the current data. "
        "Published forecasts are kept as published on the Track record page."
    ]
    assert dict(old.query_params) == {"lang": "en", "region": "b", "data": "2.1"}
    old.run()
    assert not old.info  # said once
