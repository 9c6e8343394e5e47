"""Vintage notes in words: staleness, preliminary figures, probable revisions and where the years come from.

The facts come from indicators/freshness.py and indicators/vintage.py (through ui/cache.py); this module only words
them, in the page's language, for footers, card captions, chart marks and the metadata panel.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data.breaks import Break
from data.datasets import dataset
from indicators.freshness import freshness
from indicators.metadata import Indicator
from indicators.provenance import JoinSummary, SourceSpan
from ui.charts import ChartMarks
from ui.format import period
from ui.i18n import t


def stale_note(ind: Indicator, latest: pd.Timestamp | None, lang: str) -> str | None:
    """The staleness note (最新数据为 2022年…) when `latest` is older than the publication calendar promises."""
    fresh = freshness(latest, ind.freq, ind.id)
    if not fresh.stale:
        return None
    latest_text, expected_text = period(fresh.latest, ind.freq, lang), period(fresh.expected, ind.freq, lang)
    return t("vintage.stale", lang, latest=latest_text, expected=expected_text)


def preliminary_note(periods: Iterable[pd.Timestamp], freq: str, lang: str) -> str | None:
    """The preliminary note (2025年为初步数) for the preliminary periods shown, or None."""
    shown = sorted({pd.Timestamp(p) for p in periods})
    if not shown:
        return None
    joined = ("、" if lang == "zh" else ", ").join(period(p, freq, lang) for p in shown)
    return t("vintage.preliminary", lang, periods=joined)


def revisions_note(breaks: list[Break], freq: str, lang: str) -> str | None:
    """The probable revisions of a chart's indicator, in one sentence, or None."""
    if not breaks:
        return None
    items = [
        t("vintage.revision_item", lang, period=period(b.period, freq, lang), count=len(b.regions)) for b in breaks
    ]
    return t("vintage.revisions", lang, items=("；" if lang == "zh" else "; ").join(items))


def relevant_breaks(breaks: list[Break], regions: Iterable[str], start: int | None = None, end: int | None = None):
    """The breaks that concern some of `regions` within the years shown."""
    shown = set(regions)
    return [
        b
        for b in breaks
        if shown & set(b.regions)
        and (start is None or b.period.year >= start)
        and (end is None or b.period.year <= end)
    ]


def chart_marks(breaks: list[Break], preliminary: pd.DataFrame, lang: str) -> ChartMarks:
    """Dotted lines at probable revisions and rings on preliminary figures, labelled in `lang`."""
    return ChartMarks(
        revisions=tuple((b.period, t("vintage.revision_marker", lang)) for b in breaks),
        preliminary=tuple(zip(preliminary["region_code"], preliminary["period"], strict=True)),
        preliminary_label=t("vintage.preliminary_short", lang),
    )


def with_notes(line: str, *notes: str | None) -> str:
    """A footer or caption with the notes that apply appended."""
    return " · ".join([line, *(n for n in notes if n)])


def sources_text(ind: Indicator, spans: list[SourceSpan], last: pd.Timestamp | None, lang: str) -> str:
    """The source line of an indicator: its dataset, or each dataset with the years it supplies."""
    if len(spans) <= 1:
        ds = dataset(spans[0].dataset_id if spans else ind.source)
        return t(
            "footer.source",
            lang,
            producer=ds.producer[lang],
            distributor=ds.distributor,
            version=ds.version,
            licence=ds.licence[lang],
            last=period(last, ind.freq, lang),
        )
    parts, licences = [], []
    for span in spans:
        ds = dataset(span.dataset_id)
        first, until = period(span.first, ind.freq, lang), period(span.last, ind.freq, lang)
        parts.append(
            t("footer.source_span", lang, producer=ds.producer[lang], distributor=ds.distributor, version=ds.version,
              first=first, last=until)
        )  # fmt: skip
        if ds.licence[lang] not in licences:
            licences.append(ds.licence[lang])
    sep = "；" if lang == "zh" else "; "
    return t("footer.source_years", lang, sources=sep.join(parts), licence=sep.join(licences),
             last=period(last, ind.freq, lang))  # fmt: skip


def provenance_rows(
    ind: Indicator, spans: list[SourceSpan], summary: JoinSummary | None, breaks: list[Break] | None, lang: str
) -> list[tuple[str, str]]:
    """Metadata rows: vintage, revision reflected, years by source, how the vintages were joined, revisions."""
    rows = [(t("meta.vintage", lang), ind.vintage[lang]), (t("meta.revision", lang), ind.revision[lang])]
    if spans:
        listed = [
            t("meta.span", lang, first=period(s.first, ind.freq, lang), last=period(s.last, ind.freq, lang),
              title=dataset(s.dataset_id).title[lang], regions=s.regions)
            for s in spans
        ]  # fmt: skip
        rows.append((t("meta.years_by_source", lang), ("；" if lang == "zh" else "; ").join(listed)))
    if summary is not None:
        key = "meta.join_overlap" if summary.test == "overlap" else "meta.join_continuity"
        newer, older = dataset(summary.newer).title[lang], dataset(summary.older).title[lang]
        text = t(key, lang, older=older, newer=newer, years=summary.overlap_years, tolerance=f"{summary.tolerance:.0%}",
                 joined=summary.joined, series=summary.series, cut=summary.cut)  # fmt: skip
        rows.append((t("meta.join", lang), text))
    if breaks is None:
        rows.append((t("meta.revisions", lang), t("meta.not_checked", lang)))
    else:
        rows.append((t("meta.revisions", lang), revisions_note(breaks, ind.freq, lang) or t("meta.no_revisions", lang)))
    return rows
