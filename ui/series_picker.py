"""One series to work on, chosen by indicator and region: the picker the Forecast and Scenarios pages share.

    url = state.PageUrl("fc")
    col_ind, col_reg = st.columns([3, 2])
    series = series_picker.pick(url, ids, col_ind, col_reg, labels=(t("forecast.indicator"), t("forecast.region")))
    ind, region, rows = series.indicator, series.region, series.rows

Both choices live in the URL (``indicator``, ``region``); a region the chosen indicator lacks falls back to
`preferred` when it reports, else to the first of the indicator's default regions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.metadata import Indicator
from ui import cache, explore
from ui.i18n import current_lang
from ui.state import PageUrl


@dataclass(frozen=True)
class Series:
    """What was picked: the indicator, the region, the indicator's observations and the regions that report it."""

    indicator: Indicator
    region: str
    rows: pd.DataFrame
    available: list[str]


def pick(
    url: PageUrl,
    ids: Sequence[str],
    col_indicator: Any,
    col_region: Any,
    *,
    default_indicator: str,
    labels: tuple[str, str],
    preferred_region: str | None = None,
) -> Series:
    """Draw the indicator and region select boxes (in the two given columns) through `url`.

    Args:
        ids: the indicators offered (those with data).
        col_indicator, col_region: where each select box goes (``st.columns`` cells).
        default_indicator: the first choice (not offered: the first of `ids`).
        labels: the two boxes' labels, in the user's language.
        preferred_region: the first region when the indicator reports it (e.g. the office's own province).
    """
    cat, reg, lang = cache.catalogue(), cache.regions(), current_lang()
    ind = cat.get(
        url.choice(
            col_indicator.selectbox,
            "indicator",
            ids,
            default=default_indicator,
            label=labels[0],
            format_func=lambda i: explore.indicator_label(cat.get(i), lang),
        )
    )
    rows = cache.indicator_rows(ind.id)
    available, first_regions = cache.indicator_regions(ind.id)
    default_region = preferred_region if preferred_region in available else first_regions[0]
    region = url.choice(
        col_region.selectbox,
        "region",
        available,
        default=default_region,
        label=labels[1],
        format_func=lambda c: reg.name(c, lang),
    )
    return Series(ind, region, rows, available)
