"""The source line under every chart and table: producers, distributors and versions (with the years each supplies
when an indicator draws on several datasets), licence, data vintage, and the notes that apply — stale data and
preliminary figures."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data.datasets import dataset
from indicators.metadata import Indicator
from ui import cache
from ui import vintage as vn
from ui.i18n import t


def source_line(
    ind: Indicator,
    last_period: pd.Timestamp | None,
    lang: str,
    *,
    latest: pd.Timestamp | None = None,
    preliminary: Iterable[pd.Timestamp] = (),
) -> str:
    """One line naming the datasets behind `ind`, their licence and the last period shown (`last_period`).

    Says so when the indicator's latest period (`latest`, default: over all regions) is older than its publication
    calendar promises, and which of the periods shown (`preliminary`) are preliminary figures.
    """
    spans = cache.source_spans(ind.id) if ind.id in cache.present_indicators() else []
    latest = cache.latest_period(ind.id) if latest is None else latest
    return vn.with_notes(
        vn.sources_text(ind, spans, last_period, lang),
        vn.stale_note(ind, latest, lang),
        vn.preliminary_note(preliminary, ind.freq, lang),
    )


def sources_line(inds: list[Indicator], lang: str) -> str:
    """Source line for a view built from several indicators (each dataset named once)."""
    seen: dict[str, str] = {}
    cite = "{}（{}；{}）" if lang == "zh" else "{} ({}; {})"  # English punctuation on English pages
    for ind in inds:
        for span in cache.source_spans(ind.id) if ind.id in cache.present_indicators() else []:
            ds = dataset(span.dataset_id)
            seen.setdefault(ds.id, cite.format(ds.producer[lang], ds.version, ds.licence[lang]))
        ds = dataset(ind.source)
        seen.setdefault(ds.id, cite.format(ds.producer[lang], ds.version, ds.licence[lang]))
    return t("footer.sources", lang, sources="；".join(seen.values()) if lang == "zh" else "; ".join(seen.values()))
