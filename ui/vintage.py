"""Vintage notes in words: staleness, preliminary figures, probable revisions and where the years come from.

The facts come from indicators/freshness.py and indicators/vintage.py (through ui/cache.py); this module only words
them, in the page's language, for footers, card captions, chart marks and the metadata panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from data.breaks import Break
from data.citation import Citation, Upload, source_line
from data.datasets import dataset, datasets
from indicators.freshness import freshness
from indicators.metadata import Indicator
from indicators.provenance import JoinSummary, SourceSpan, span_citations
from ui.charts import ChartMarks
from ui.format import period
from ui.i18n import t
from ui.inert import inert


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


def sources_text(
    ind: Indicator,
    spans: list[SourceSpan],
    last: pd.Timestamp | None,
    lang: str,
    uploads: Mapping[str, Upload] | None = None,
) -> str:
    """The source line of an indicator: the publication (or each, with the periods it supplies), the data date, and
    the release or the uploaded version the figures come from (`uploads`, by dataset)."""
    return source_line(span_citations(spans, ind.source, ind.freq, uploads), lang, last, ind.freq)


def _title(dataset_id: str, lang: str, uploads: Mapping[str, Upload] | None) -> str:
    """A dataset's title, as Markdown; for one the registry lacks (an imported case log's figures) the publication
    its uploaded version names (an office's words: escaped), else its id."""
    known = datasets().get(dataset_id)
    if known:
        return known.title[lang]
    return inert(Citation(dataset_id, upload=(uploads or {}).get(dataset_id)).work(lang))


def provenance_rows(
    ind: Indicator,
    spans: list[SourceSpan],
    summary: JoinSummary | None,
    breaks: list[Break] | None,
    lang: str,
    uploads: Mapping[str, Upload] | None = None,
) -> list[tuple[str, str]]:
    """Metadata rows: vintage, revision reflected, years by source, how the vintages were joined, revisions."""
    rows = [(t("meta.vintage", lang), ind.vintage[lang]), (t("meta.revision", lang), ind.revision[lang])]
    if spans:
        listed = [
            t("meta.span", lang, first=period(s.first, ind.freq, lang), last=period(s.last, ind.freq, lang),
              title=_title(s.dataset_id, lang, uploads), regions=s.regions)
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
