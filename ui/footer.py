"""The source line under every chart and table: the publications cited (with the years each supplies when an
indicator draws on several datasets), the data date, the release or the uploaded version the figures come from, and
the notes that apply — stale data and preliminary figures. The words are data/citation.py's."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data import citation as cite
from indicators.metadata import Indicator
from ui import cache
from ui import vintage as vn


def citation_line(ind: Indicator, last_period: pd.Timestamp | None, lang: str, *, one_period: bool = False) -> str:
    """The citation of `ind`'s figures up to `last_period` (no notes): publications, data date, release or upload.
    With `one_period` (a map of one year) only the datasets that supply `last_period` are cited."""
    spans = cache.source_spans(ind.id) if ind.id in cache.present_indicators() else []
    if one_period and last_period is not None:
        spans = [s for s in spans if s.first <= last_period <= s.last] or spans
    return vn.sources_text(ind, spans, last_period, lang, cache.current_uploads())


def source_line(
    ind: Indicator,
    last_period: pd.Timestamp | None,
    lang: str,
    *,
    latest: pd.Timestamp | None = None,
    preliminary: Iterable[pd.Timestamp] = (),
    one_period: bool = False,
) -> str:
    """One line citing the publications behind `ind` (each with the years it supplies when there are several), the
    last period shown (`last_period`) and the release or uploaded version the figures come from.

    Says so when the indicator's latest period (`latest`, default: over all regions) is older than its publication
    calendar promises, and which of the periods shown (`preliminary`) are preliminary figures. With `one_period`
    (a map of one year) only the datasets that supply `last_period` are cited.
    """
    latest = cache.latest_period(ind.id) if latest is None else latest
    return vn.with_notes(
        citation_line(ind, last_period, lang, one_period=one_period),
        vn.stale_note(ind, latest, lang),
        vn.preliminary_note(preliminary, ind.freq, lang),
    )


def sources_line(inds: list[Indicator], lang: str) -> str:
    """Source line for a view built from several indicators (each publication named once, no data date); worked
    out once per set of indicators, language and data version."""
    return cache.shared(("sources-line", tuple(ind.id for ind in inds), lang), lambda: _sources_line(inds, lang))


def _sources_line(inds: list[Indicator], lang: str) -> str:
    ids: list[str] = []
    for ind in inds:
        spans = cache.source_spans(ind.id) if ind.id in cache.present_indicators() else []
        ids += [s.dataset_id for s in spans] + [ind.source]
    return cite.source_line(cite.citations(ids, "A", uploads=cache.current_uploads()), lang)
