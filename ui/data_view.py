"""Helpers for the Data page: indicator specs for uploads, dataset and history tables. No widgets here."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from common import periods
from common.text import Text
from data.breaks import Break
from data.citation import Citation, Upload
from data.datasets import Dataset, datasets
from data.regions import RegionRegistry
from data.store import DatasetState, VersionInfo
from data.upload import Domain, IndicatorSpec, ValidationReport
from indicators.metadata import Catalogue
from ui.i18n import t

LAYOUTS = ("auto", "long", "wide_periods", "wide_regions", "wide_indicators")


def upload_specs(catalogue: Catalogue) -> list[IndicatorSpec]:
    """What an upload may contain: every catalogue indicator with the unit spellings it accepts."""
    return [
        IndicatorSpec(
            id=i.id,
            units=frozenset({i.unit["zh"], i.unit["en"], i.short_unit}),
            names=frozenset({i.name["zh"], i.name["en"]}),
            freq=i.freq,
            dataset=i.source,
            level=i.kind == "level",
            domain=Domain.of(i.domain),
            label=Text.of(i.name),
            unit_text=Text.of(i.unit),
        )
        for i in catalogue
    ]


def _period(value, lang: str) -> str:
    return "" if value is None or pd.isna(value) else periods.display(value, "A", lang)


def provenance_lines(meta: Dataset, lang: str) -> list[str]:
    """A dataset's technical provenance, one fact a line (for the Data page's detail, shown as text)."""
    facts = [
        ("data.prov_producer", meta.producer[lang]),
        ("data.prov_distributor", meta.distributor),
        ("data.prov_version", meta.version),
        ("data.prov_licence", meta.licence[lang]),
        ("data.prov_url", meta.url),
        ("data.prov_licence_file", meta.licence_file),
    ]
    return [t(key, lang, value=value) for key, value in facts if value]


def datasets_table(states: list[DatasetState], lang: str, uploads: Mapping[str, Upload] | None = None) -> pd.DataFrame:
    """One row per stored dataset: title, citation, release (or the uploaded version read), current version,
    coverage. The technical provenance is left to the page's details."""
    registry = datasets()
    rows = []
    for state in states:
        meta = registry.get(state.id)
        cite = Citation(state.id, upload=(uploads or {}).get(state.id))
        rows.append(
            {
                t("data.col_dataset", lang): meta.title[lang] if meta else (state.title or {}).get(lang, state.id),
                t("data.col_citation", lang): cite.work(lang),
                t("data.col_released", lang): cite.released(lang) or "",
                t("data.col_version", lang): state.current_version,
                t("data.col_versions", lang): state.versions,
                t("data.col_values", lang): state.values,
                t("data.col_gaps", lang): state.row_count - state.values,
                t("data.col_indicators", lang): state.indicators,
                t("data.col_regions", lang): state.regions,
                t(
                    "data.col_coverage", lang
                ): f"{_period(state.first_period, lang)} – {_period(state.last_period, lang)}",
            }
        )
    return pd.DataFrame(rows)


def history_table(history: list[VersionInfo], lang: str) -> pd.DataFrame:
    """Version history, newest first: who, when, file, rows, what changed against the version before."""
    rows = []
    for v in history:
        diff = v.diff
        rows.append(
            {
                t("data.col_version", lang): v.number,
                t("data.col_current", lang): "✓" if v.current else "",
                t("data.col_kind", lang): t(f"data.kind_{v.kind}", lang),
                t("data.col_by", lang): v.created_by,
                t("data.col_at", lang): v.created_at.strftime("%Y-%m-%d %H:%M"),
                t("data.col_file", lang): v.file_name,
                t("data.col_rows", lang): v.row_count,
                t("data.col_added", lang): diff.added if diff else None,
                t("data.col_changed", lang): diff.changed if diff else None,
                t("data.col_removed", lang): diff.removed if diff else None,
                t("data.col_note", lang): v.note,
            }
        )
    return pd.DataFrame(rows)


REPORT_COLUMNS = ("severity", "cells", "header", "value", "message")


def report_table(report: ValidationReport, lang: str) -> pd.DataFrame:
    """The validation report as a person reads it: severity, the cells each problem touches, the header and cell
    value as the file has them, and the message; text only (no problem codes, nothing blank shown as "None")."""
    frame = report.to_frame(lang)
    frame["severity"] = [t(f"data.severity_{s}", lang) for s in frame["severity"]]
    frame = frame[list(REPORT_COLUMNS)].astype("string").fillna("")
    return frame.rename(columns={c: t(f"data.col_{c}", lang) for c in frame.columns})


def indicator_label(catalogue: Catalogue, indicator_id: str, lang: str) -> str:
    """An indicator as the upload form lists it, in `lang` only: "地区生产总值（亿元）", "Gross regional product
    (100 million yuan)"."""
    indicator = catalogue.get(indicator_id)
    if lang == "zh":
        return f"{indicator.name['zh']}（{indicator.unit['zh']}）"
    return f"{indicator.name['en']} ({indicator.unit['en']})"


def dataset_title(dataset_id: str | None, lang: str) -> str:
    """A dataset's title in `lang` (its id only for a dataset the registry does not know)."""
    meta = datasets().get(dataset_id or "")
    return meta.title[lang] if meta else str(dataset_id or "")


def _number(x: float) -> str:
    return "—" if pd.isna(x) else f"{x:,.10g}"


def changes_table(changes: pd.DataFrame, catalogue: Catalogue, registry: RegionRegistry, lang: str) -> pd.DataFrame:
    """The stored values an upload changes, one per row: cell, indicator, region, period and old → new."""
    known = {i.id for i in catalogue}
    return pd.DataFrame(
        {
            t("data.col_cells", lang): [f"{c}{r}" for c, r in zip(changes["column"], changes["row"], strict=True)],
            t("data.col_indicator", lang): [
                catalogue.get(i).name[lang] if i in known else i for i in changes["indicator_id"]
            ],
            t("data.col_region", lang): [registry.name(c, lang) for c in changes["region_code"]],
            t("table.period", lang): [
                periods.display(p, f, lang) for p, f in zip(changes["period"], changes["freq"], strict=True)
            ],
            t("data.col_change", lang): [
                f"{_number(o)} → {_number(n)}" for o, n in zip(changes["old"], changes["new"], strict=True)
            ],
        },
        dtype="string",
    )


def joins_table(decisions: pd.DataFrame, catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """Per indicator: how the older yearbook panel extends the portal vintage (see data/vintage.py)."""
    rows = []
    for indicator_id, group in decisions.groupby("indicator_id", sort=False):
        kept = group["kept_from"].notna()
        rows.append(
            {
                t("data.col_indicator", lang): catalogue.get(indicator_id).name[lang],
                t("data.col_test", lang): t(f"data.test_{group['test'].mode().iloc[0]}", lang),
                t("data.col_new_from", lang): _period(group["new_first"].min(), lang),
                t("data.col_joined", lang): f"{int(kept.sum())} / {len(group)}",
                t("data.col_cut", lang): int((kept & group["cut_at"].notna()).sum()),
                t("data.col_old_from", lang): _period(group["kept_from"].min(), lang),
                t("data.col_deviation", lang): round(float(group["deviation"].median()) * 100, 2),
            }
        )
    return pd.DataFrame(rows)


def sources_table(coverage: pd.DataFrame, catalogue: Catalogue, lang: str) -> pd.DataFrame:
    """Indicators whose years come from more than one dataset: which years from which."""
    shared = coverage[coverage.groupby("indicator_id")["dataset_id"].transform("nunique") > 1]
    titles = {key: ds.title[lang] for key, ds in datasets().items()}
    return pd.DataFrame(
        {
            t("data.col_indicator", lang): [catalogue.get(i).name[lang] for i in shared["indicator_id"]],
            t("data.col_dataset", lang): [titles.get(d, d) for d in shared["dataset_id"]],
            t("data.col_coverage", lang): [
                f"{_period(a, lang)} – {_period(b, lang)}" for a, b in zip(shared["first"], shared["last"], strict=True)
            ],
            t("data.col_regions", lang): shared["regions"].to_numpy(),
        }
    )


def revisions_table(found: list[Break], catalogue: Catalogue, registry: RegionRegistry, lang: str) -> pd.DataFrame:
    """Probable revisions: indicator, period, how many regions jump, their median jump, and which."""
    sep = "、" if lang == "zh" else ", "
    return pd.DataFrame(
        {
            t("data.col_indicator", lang): [catalogue.get(b.indicator_id).name[lang] for b in found],
            t("table.period", lang): [periods.display(b.period, b.freq, lang) for b in found],
            t("data.col_jumping", lang): [f"{len(b.regions)} / {b.reporting}" for b in found],
            t("data.col_median_jump", lang): [round(float(pd.Series(b.changes).median()), 1) for b in found],
            t("data.col_regions_list", lang): [sep.join(registry.name(r, lang) for r in b.regions) for b in found],
        }
    )
