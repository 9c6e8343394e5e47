"""Citations: where a chart's, card's, map's, table's or pack's numbers come from, in words an official reads.

A citation names the publication (国家统计局《中国统计年鉴》 / National Bureau of Statistics of China, China Statistical
Yearbook), the data date (数据截至 2024年 / Data to 2024) and, where its SOURCE.md states it, when it was released.
When the figures come from a version a data steward uploaded, the citation names that version instead: its number,
who uploaded it and when. The technical provenance (addresses, repositories, commits, licences, file names) is not
part of a citation: the Data page shows it in a detail.

This is the one place that words a source line: footers, captions, map notes, exports and packs all call
`source_line` (or `boundary_line`), so a citation reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from common import periods
from common.text import render
from data.case_indicators import IMPORTED_LOGS
from data.datasets import dataset, datasets

SEP = {"zh": "；", "en": "; "}


@dataclass(frozen=True)
class Upload:
    """A version of a dataset a data steward uploaded (the version the app reads now)."""

    number: int
    by: str
    at: datetime
    work: dict[str, str] | None = None  # {zh, en}: the publication, for a dataset the registry lacks (a case log's)

    def render(self, lang: str) -> str:
        return render("cite.upload", lang, number=self.number, by=self.by, date=self.at.strftime("%Y-%m-%d"))


@dataclass(frozen=True)
class Citation:
    """One dataset behind a figure: the periods it supplies (`first` only when several datasets share a series)
    and the version read, when a steward uploaded it (None: the shipped release)."""

    dataset_id: str
    freq: str = "A"
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    upload: Upload | None = None

    def work(self, lang: str) -> str:
        """The publication, e.g. 国家统计局《中国统计年鉴》 (a dataset id the registry lacks is shown as is)."""
        known = datasets().get(self.dataset_id)
        if known:
            return known.citation[lang]
        if self.upload is not None and self.upload.work:
            return self.upload.work.get(lang) or self.dataset_id
        if self.dataset_id == IMPORTED_LOGS:
            return render("cite.imported_logs", lang)
        return self.dataset_id

    def released(self, lang: str) -> str | None:
        """When the figures were published: the uploaded version, else the release SOURCE.md states, else None."""
        if self.upload is not None:
            return self.upload.render(lang)
        known = datasets().get(self.dataset_id)
        return known.released[lang] if known and known.released else None


def upload_of(version: object) -> Upload | None:
    """The `Upload` of a store version (`data.store.VersionInfo`) when a steward uploaded it, else None (the shipped
    data, or a newer release of them, are cited as shipped)."""
    if version is None or getattr(version, "kind", None) != "upload":
        return None
    work = (getattr(version, "summary", None) or {}).get("citation")
    return Upload(version.number, version.created_by, version.created_at, work if isinstance(work, dict) else None)


def current_uploads(store: object) -> dict[str, Upload]:
    """The uploaded version each stored dataset reads now (datasets reading their shipped data are left out)."""
    found = {}
    for state in store.stored_datasets():
        if state.current_version is not None:
            upload = upload_of(store.version(state.id, state.current_version))
            if upload is not None:
                found[state.id] = upload
    return found


def citations(
    dataset_ids: Iterable[str],
    freq: str,
    *,
    spans: Mapping[str, tuple[pd.Timestamp, pd.Timestamp]] | None = None,
    uploads: Mapping[str, Upload] | None = None,
) -> list[Citation]:
    """A citation per dataset, in the order given: with the periods each supplies (`spans`, used when there are
    several) and the uploaded version each reads (`uploads`)."""
    ids = list(dict.fromkeys(dataset_ids))
    spans, uploads = spans or {}, uploads or {}
    several = len(ids) > 1
    return [
        Citation(
            dataset_id=i,
            freq=freq,
            first=spans[i][0] if several and i in spans else None,
            last=spans[i][1] if several and i in spans else None,
            upload=uploads.get(i),
        )
        for i in ids
    ]


def _period(moment: pd.Timestamp, freq: str, lang: str) -> str:
    return periods.display(moment, freq, lang)


def _entry(cite: Citation, lang: str, with_release: bool) -> str:
    notes = []
    if cite.first is not None and cite.last is not None:
        first, last = _period(cite.first, cite.freq, lang), _period(cite.last, cite.freq, lang)
        notes.append(first if first == last else f"{first}–{last}")
    released = cite.released(lang) if with_release else None
    if released:
        notes.append(released)
    if not notes:
        return cite.work(lang)
    return render("cite.entry", lang, work=cite.work(lang), notes=("，" if lang == "zh" else ", ").join(notes))


def source_line(cites: Sequence[Citation], lang: str, last: pd.Timestamp | None = None, freq: str = "A") -> str:
    """The source line: 来源：国家统计局《中国统计年鉴》 · 数据截至 2024年 · 2025-03 发布.

    Args:
        cites: the datasets behind the figure (one or more); the first is named first.
        last: the last period shown, the data date (None: no data date is given).
        freq: the frequency `last` is a period of.
    """
    if not cites:
        raise ValueError("a source line needs at least one citation")
    single = len(cites) == 1
    sources = SEP[lang].join(_entry(c, lang, with_release=not single) for c in cites)
    parts = [render("cite.source" if single else "cite.sources", lang, sources=sources)]
    if last is not None and not pd.isna(last):
        parts.append(render("cite.data_to", lang, last=_period(pd.Timestamp(last), freq, lang)))
    released = cites[0].released(lang) if single else None
    if released:
        parts.append(released)
    return " · ".join(parts)


def dataset_line(dataset_id: str, lang: str, *, upload: Upload | None = None, label: bool = True) -> str:
    """The source line of a whole dataset, without a data date (targets, lists); without the 来源： label, the
    citation alone with its release (国务院《政府工作报告》（每年 3 月…发布）) for a metadata row."""
    cite = Citation(dataset_id, upload=upload)
    return source_line([cite], lang) if label else _entry(cite, lang, with_release=True)


def boundary_line(dataset_id: str, lang: str) -> str:
    """The boundaries' citation under a map: 边界：高德地图省级行政区划边界（简化至约 1 公里）."""
    return render("cite.boundaries", lang, work=dataset(dataset_id).citation[lang])
