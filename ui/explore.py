"""Helpers for the Indicators page: default choices, display tables, the metadata panel. No widgets here."""

from __future__ import annotations

import pandas as pd

from common import periods
from data.citation import dataset_line
from data.regions import NATIONAL_CODE, RegionRegistry
from indicators import derived
from indicators.metadata import Indicator
from indicators.query import coverage
from indicators.views import ViewInfo
from ui.defaults import defaults
from ui.format import number, period
from ui.i18n import t

KIND_ORDER = {"national": 0, "province": 1, "city": 2, "country": 3}


def regions_with_data(rows: pd.DataFrame, registry: RegionRegistry) -> list[str]:
    """Regions reporting the indicator: national first, then provinces, cities and countries, each by code."""
    codes = rows.loc[rows["value"].notna(), "region_code"].unique()
    return sorted(codes, key=lambda c: (KIND_ORDER.get(registry.get(c).kind, 3), c))


def default_regions(rows: pd.DataFrame, registry: RegionRegistry, polarity: str) -> list[str]:
    """A sensible first selection (ui/defaults.yaml): the national series alone, the usual comparator countries, or
    the provinces ranked highest in the latest period."""
    first = defaults().indicators
    available = regions_with_data(rows, registry)
    if available == [NATIONAL_CODE] or (NATIONAL_CODE in available and len(available) == 1):
        return [NATIONAL_CODE]
    if available and registry.get(available[-1]).kind == "country":
        picked = [c for c in first.countries if c in available]
        if picked:
            return picked
    reported = rows[rows["value"].notna()]
    if reported.empty:
        return available[: first.regions]
    latest = reported["period"].max()
    table = derived.ranking_table(rows[rows["region_code"] != NATIONAL_CODE], latest, "higher_is_better")
    return table.dropna(subset=["value"])["region_code"].head(first.regions).tolist()


def year_bounds(rows: pd.DataFrame) -> tuple[int, int]:
    """First and last year with a reported value."""
    reported = rows.loc[rows["value"].notna(), "period"]
    return int(reported.min().year), int(reported.max().year)


def default_years(first: int, last: int, freq: str) -> tuple[int, int]:
    """The last years of data first shown (ui/defaults.yaml: 20 of annual data, 8 of monthly or quarterly)."""
    return max(first, last - defaults().indicators.years[freq]), last


def ranking_display(
    table: pd.DataFrame,
    registry: RegionRegistry,
    info: ViewInfo,
    freq: str,
    lang: str,
    cagr: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ranking table with region names, formatted changes and translated headers."""
    unit = info.unit[lang]
    out = pd.DataFrame(
        {
            t("table.rank", lang): table["rank"].astype("Int64"),
            t("table.region", lang): [registry.name(c, lang) for c in table["region_code"]],
            t("table.value", lang, unit=unit): table["value"].round(info.decimals),
            t("table.previous", lang): [period(p, freq, lang) for p in table["previous_period"]],
            t("table.previous_value", lang, unit=unit): table["previous_value"].round(info.decimals),
            t("table.change", lang, unit=unit): table["change"].round(info.decimals),
            t("table.change_pct", lang): table["change_pct"].round(1),
            t("table.rank_change", lang): table["rank_change"].astype("Int64"),
        }
    )
    if cagr is not None:
        rates = table["region_code"].map(cagr.set_index("region_code")["cagr"])
        out[_cagr_header(cagr, lang)] = rates.round(2).to_numpy()
    return out


def ranking_decimals(info: ViewInfo, lang: str, cagr: pd.DataFrame | None = None) -> dict[str, int]:
    """Decimals of `ranking_display`'s number columns (the indicator's for values and changes), for its TableMeta:
    one number of decimals per column on the page and in exports."""
    unit = info.unit[lang]
    out = {
        t("table.value", lang, unit=unit): info.decimals,
        t("table.previous_value", lang, unit=unit): info.decimals,
        t("table.change", lang, unit=unit): info.decimals,
        t("table.change_pct", lang): 1,
    }
    if cagr is not None:
        out[_cagr_header(cagr, lang)] = 2
    return out


def _cagr_header(cagr: pd.DataFrame, lang: str) -> str:
    return t("table.cagr", lang, start=int(cagr["start_year"].iloc[0]), end=int(cagr["end_year"].iloc[0]))


def cagr_between(rows: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame | None:
    """CAGR per region between the first periods of two years (annual data only), with the years attached."""
    if end_year <= start_year:
        return None
    out = derived.cagr(rows, pd.Timestamp(f"{start_year}-01-01"), pd.Timestamp(f"{end_year}-01-01"))
    out["start_year"], out["end_year"] = start_year, end_year
    return out


def series_export(frame: pd.DataFrame, registry: RegionRegistry, info: ViewInfo, freq: str, lang: str) -> pd.DataFrame:
    """The charted series as a table for download: region code and name, period, value with unit in the header."""
    return pd.DataFrame(
        {
            t("table.region_code", lang): frame["region_code"].to_numpy(),
            t("table.region", lang): [registry.name(c, lang) for c in frame["region_code"]],
            t("table.period", lang): [periods.display(p, freq, lang) for p in frame["period"]],
            t("table.value", lang, unit=info.unit[lang]): frame["value"].to_numpy(),
        }
    )


def metadata_rows(ind: Indicator, obs: pd.DataFrame, info: ViewInfo, lang: str) -> list[tuple[str, str]]:
    """The metadata panel: definition, unit, frequency, category, polarity, source (its citation: the technical
    provenance is on the Data page), coverage."""
    cov = coverage(obs, ind.id)
    rows = [
        (t("meta.id", lang), ind.id),
        (t("meta.definition", lang), ind.definition[lang]),
        (t("meta.unit", lang), ind.unit[lang]),
        (t("meta.frequency", lang), t(f"freq.{ind.frequency}", lang)),
        (t("meta.category", lang), t(f"category.{ind.category}", lang)),
        (t("meta.polarity", lang), t(f"polarity.{ind.polarity}", lang)),
        (t("meta.source", lang), dataset_line(ind.source, lang, label=False)),
        (t("meta.source_field", lang), ind.source_field),
        (
            t("meta.coverage", lang),
            t(
                "meta.coverage_value",
                lang,
                first=period(cov["first"], cov["freq"], lang),
                last=period(cov["last"], cov["freq"], lang),
                regions=cov["regions"],
                values=number(cov["values"], 0, lang),
                missing=number(cov["missing"], 0, lang),
            ),
        ),
        (t("meta.last_period", lang), period(cov["last"], cov["freq"], lang)),
    ]
    if ind.conversion:
        rows.append((t("meta.conversion", lang), ind.conversion[lang]))
    if info.derived:
        rows.append((t("meta.derived", lang), info.derived[lang]))
    return rows


def within(points: pd.DataFrame, regions: list[str], start: int, end: int) -> pd.DataFrame:
    """Rows of `points` (region_code, period) for the chosen regions and years."""
    years = points["period"].dt.year
    return points[points["region_code"].isin(regions) & (years >= start) & (years <= end)]


def indicator_label(ind: Indicator, lang: str) -> str:
    """An indicator as offered in a select box: its name and unit, e.g. 地区生产总值（亿元）."""
    return f"{ind.name[lang]}（{ind.unit[lang]}）" if lang == "zh" else f"{ind.name[lang]} ({ind.unit[lang]})"
