"""The Scenarios page's forms: one per adjustment type, and one for a target of one's own.

Each form returns a factory that builds the library object when its button was pressed (``None`` otherwise), so the
page decides what to do with it and a bad value surfaces as the library's :class:`ScenarioError` there. Periods are
offered from the horizon only, so a window cannot fall outside it; ``"open"`` stands for "to the end of the horizon"
(or "all the history" for an estimation sample).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from common.periods import display
from data.regions import RegionRegistry
from forecasting.scenarios import Adjustment, DriverChange, GrowthShock, LevelShift, Target, TargetPath
from indicators.metadata import Catalogue, Indicator
from ui import explore, state
from ui.defaults import defaults
from ui.i18n import t

OPEN = "open"
Factory = Callable[[], Adjustment]
# Inputs whose defaults depend on the series (values in its units, its periods): forgotten when the series changes.
SERIES_INPUTS = (
    "sc_g_start",
    "sc_g_end",
    "sc_l_amount",
    "sc_l_unit",
    "sc_l_start",
    "sc_l_end",
    "sc_p_value",
    "sc_p_period",
    "sc_d_start",
    "sc_d_end",
    "sc_d_since",
    "sc_t_measure",
    "sc_t_value",
    "sc_t_period",
    "sc_t_tolerance",
)


def _end(value: str) -> str | None:
    return None if value == OPEN else value


def _fmt(freq: str, lang: str, open_key: str = "scenarios.open_end") -> Callable[[str], str]:
    return lambda p: t(open_key, lang) if p == OPEN else display(p, freq, lang)


def growth_form(periods: Sequence[str], freq: str, lang: str) -> Factory | None:
    """+x percentage points of growth in a window (temporary) or from a period on (persistent)."""
    fmt = _fmt(freq, lang)
    with st.form("sc_growth_form"):
        c1, c2, c3 = st.columns(3)
        pp = c1.number_input(t("scenarios.pp_input", lang), value=1.0, step=0.1, key="sc_g_pp")
        start = c2.selectbox(t("scenarios.start", lang), periods, key="sc_g_start", format_func=fmt)
        end = c3.selectbox(t("scenarios.end", lang), [OPEN, *periods], key="sc_g_end", format_func=fmt)
        if st.form_submit_button(t("scenarios.add", lang), key="sc_g_add"):
            return lambda: GrowthShock(pp, start, _end(end))
    return None


def level_form(periods: Sequence[str], freq: str, kind: str, lang: str) -> Factory | None:
    """+x% of the baseline or +x units, in a window or from a period on (a rate series: units only)."""
    fmt = _fmt(freq, lang)
    units = ["percent", "units"] if kind == "level" else ["units"]
    with st.form("sc_level_form"):
        c1, c2, c3, c4 = st.columns(4)
        amount = c1.number_input(t("scenarios.amount", lang), value=5.0 if kind == "level" else 0.5, key="sc_l_amount")
        unit = c2.selectbox(
            t("scenarios.unit", lang), units, key="sc_l_unit", format_func=lambda u: t(f"scenarios.unit_{u}", lang)
        )
        start = c3.selectbox(t("scenarios.start", lang), periods, key="sc_l_start", format_func=fmt)
        end = c4.selectbox(t("scenarios.end", lang), [OPEN, *periods], key="sc_l_end", format_func=fmt)
        if st.form_submit_button(t("scenarios.add", lang), key="sc_l_add"):
            return lambda: LevelShift(amount, unit, start, _end(end))
    return None


def path_form(periods: Sequence[str], freq: str, start_value: float, unit: str, lang: str) -> Factory | None:
    """The path that reaches a value by a period (the value starts at the baseline's end-of-horizon forecast)."""
    with st.form("sc_path_form"):
        c1, c2 = st.columns(2)
        value = c1.number_input(t("scenarios.path_value", lang, unit=unit), value=start_value, key="sc_p_value")
        period = c2.selectbox(
            t("scenarios.path_period", lang),
            periods,
            index=len(periods) - 1,
            key="sc_p_period",
            format_func=_fmt(freq, lang),
        )
        st.caption(t("scenarios.path_note", lang))
        if st.form_submit_button(t("scenarios.add", lang), key="sc_p_add"):
            return lambda: TargetPath(value, period)
    return None


def driver_form(
    ind: Indicator,
    region: str,
    periods: Sequence[str],
    observed: Sequence[str],
    cat: Catalogue,
    registry: RegionRegistry,
    drivers: Sequence[str],
    regions_of: Callable[[str], list[str]],
    lang: str,
) -> Factory | None:
    """A driver series changed and passed to the target by an estimated elasticity or a VAR.

    The driver and its region are chosen outside the form, so the regions follow the driver chosen.
    """
    default = next((d for d in defaults().scenarios.drivers if d in drivers), drivers[0])
    state.reset_if_invalid("sc_d_indicator", drivers, default)
    st.session_state.setdefault("sc_d_indicator", default)
    c1, c2 = st.columns(2)
    driver = c1.selectbox(
        t("scenarios.driver", lang),
        drivers,
        key="sc_d_indicator",
        format_func=lambda d: explore.indicator_label(cat.get(d), lang),
    )
    choices = regions_of(driver)
    if not choices:
        st.info(t("scenarios.no_driver_regions", lang))
        return None
    first = region if region in choices else choices[0]
    state.reset_if_invalid("sc_d_region", choices, first)
    st.session_state.setdefault("sc_d_region", first)
    driver_region = c2.selectbox(
        t("scenarios.driver_region", lang), choices, key="sc_d_region", format_func=lambda c: registry.name(c, lang)
    )
    fmt = _fmt(ind.freq, lang)
    with st.form("sc_driver_form"):
        c1, c2, c3 = st.columns(3)
        amount = c1.number_input(t("scenarios.driver_amount", lang), value=10.0, key="sc_d_amount")
        mode = c2.selectbox(
            t("scenarios.driver_mode", lang),
            ["percent", "growth_pp"],
            key="sc_d_mode",
            format_func=lambda m: t(f"scenarios.mode_{m}", lang),
        )
        method = c3.selectbox(
            t("scenarios.driver_method", lang),
            ["elasticity", "var"],
            key="sc_d_method",
            format_func=lambda m: t(f"scenarios.method_{m}", lang),
        )
        c1, c2, c3 = st.columns(3)
        start = c1.selectbox(t("scenarios.start", lang), periods, key="sc_d_start", format_func=fmt)
        end = c2.selectbox(t("scenarios.end", lang), [OPEN, *periods], key="sc_d_end", format_func=fmt)
        since = c3.selectbox(
            t("scenarios.estimation_start", lang),
            [OPEN, *observed],
            key="sc_d_since",
            format_func=_fmt(ind.freq, lang, "scenarios.all_history"),
        )
        st.caption(t("scenarios.driver_note", lang))
        if st.form_submit_button(t("scenarios.add", lang), key="sc_d_add"):
            return lambda: DriverChange(driver, driver_region, amount, start, _end(end), mode, method, _end(since))
    return None


TARGET_OPEN = "sc_target_open"  # the own-target expander's state: open or closed


def target_form(periods: Sequence[str], freq: str, kind: str, start_value: float, lang: str):
    """A target of one's own: value, period, comparator, tolerance (for "about"), level or growth, source.

    Returns:
        A factory of the :class:`Target` when the button was pressed, else ``None``.
    """
    measures = ["level", "growth"] if kind == "level" else ["level"]
    with st.form("sc_target_form"):
        c1, c2, c3 = st.columns(3)
        measure = c1.selectbox(
            t("scenarios.measure", lang),
            measures,
            key="sc_t_measure",
            format_func=lambda m: t(f"scenarios.measure_{m}", lang),
        )
        value = c2.number_input(t("scenarios.target_value", lang), value=start_value, key="sc_t_value")
        period = c3.selectbox(
            t("scenarios.target_period", lang),
            periods,
            index=len(periods) - 1,
            key="sc_t_period",
            format_func=_fmt(freq, lang),
        )
        c1, c2, c3 = st.columns(3)
        comparator = c1.selectbox(
            t("scenarios.comparator", lang),
            ["at_least", "at_most", "about"],
            key="sc_t_comparator",
            format_func=lambda c: t(f"scenarios.comparator_{c}", lang),
        )
        tolerance = c2.number_input(t("scenarios.tolerance", lang), value=0.5, min_value=0.0, key="sc_t_tolerance")
        label = c3.text_input(t("scenarios.target_label", lang), key="sc_t_label", max_chars=200)
        if st.form_submit_button(t("scenarios.set_target", lang), key="sc_t_set"):
            band = tolerance if comparator == "about" else 0.0
            return lambda: Target(value, period, comparator, band, measure, label.strip())
    return None
