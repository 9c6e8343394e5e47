"""One function per kind of result: each lists the tasks a page's first views need for the current data, every task
making exactly the call the page makes (see `precompute.inputs`).

Chosen by measuring the pages' first views on the shipped data (README "Deployment"): the Forecast page's
calibration run of an indicator over every region (2–5 s to compute; the page then fits one series alone), the
Overview's warnings per scope (0.1–0.3 s, ~1 ms to read), the years the Overview ranks provinces in (0.3 s per
indicator under load, ~1 ms to read), the provinces' standings in the year the Overview opens on and a province's
cities (~0.02 s to compute and as long to read: kept because the issue asks for them, no faster). KPI cards (0.04 s)
and targets are left to the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

import forecasting
from data.regions import NATIONAL_CODE, RegionRegistry
from indicators.kpi import Headlines
from indicators.metadata import Catalogue
from indicators.standings import city_standings, standing_years, standings
from indicators.targets import TargetBook
from indicators.warnings import RuleSet, current_alerts
from precompute import inputs
from precompute.settings import Settings
from services.boston import holidays_of
from services.signals import log_warnings


@dataclass(frozen=True)
class Context:
    """What every task reads: the current observations (as the pages read them) and the shipped configuration."""

    obs: pd.DataFrame
    cat: Catalogue
    registry: RegionRegistry
    heads: Headlines
    rules: RuleSet
    book: TargetBook
    settings: Settings
    #: The case logs the Overview warns about: (log id, version; None for the shipped file) → a reader of its cases.
    case_logs: Mapping[tuple[str, int | None], Callable[[], pd.DataFrame]] = field(default_factory=dict)

    def rows(self, indicator_id: str) -> pd.DataFrame:
        """One indicator's rows, as `ui.cache.indicator_rows` gives them."""
        return self.obs[self.obs["indicator_id"] == indicator_id].reset_index(drop=True)

    def provinces(self) -> list[str]:
        return [r.code for r in self.registry.provinces()]

    def scopes(self) -> list[str]:
        """The Overview's scopes: national and every province with a reported figure."""
        reporting = set(self.obs.loc[self.obs["value"].notna(), "region_code"])
        return [NATIONAL_CODE] + [c for c in self.provinces() if c in reporting]


@dataclass(frozen=True)
class Task:
    """One result to compute and store."""

    kind: str
    key: str
    compute: Callable[[], object]


def forecasts(ctx: Context) -> Iterator[Task]:
    """Per indicator with data (the default one first), the default run over every region reporting it: the
    forecast of every shipped series and the calibration the Forecast page bands a single series with
    (`ui.cache.calibration`; the page then fits that series alone in ~0.1 s)."""
    present = set(ctx.obs.loc[ctx.obs["value"].notna(), "indicator_id"])
    ids = sorted((i for i in ctx.cat.ids if i in present), key=lambda i: i != ctx.settings.indicator)
    s = ctx.settings
    models = forecasting.models_needed(s.model, s.models)
    for indicator_id in ids:
        rows = ctx.rows(indicator_id)
        codes = tuple(inputs.reporting(rows, ctx.registry))
        h = s.horizon[ctx.cat.get(indicator_id).freq]
        breaks = inputs.breaks_apply(ctx.cat, indicator_id)

        def compute(rows: pd.DataFrame = rows, codes: tuple[str, ...] = codes, h: int = h, breaks: bool = breaks):
            return forecasting.run(inputs.series_frame(rows, codes), h, model=s.model, models=models, breaks=breaks)

        yield Task("forecast", inputs.forecast_key(indicator_id, codes, h, s.model, models), compute)


def warnings(ctx: Context) -> Iterator[Task]:
    """The Overview's warnings per scope, over the scope's default cards."""
    for scope in ctx.scopes():
        default = ctx.heads.national if scope == NATIONAL_CODE else ctx.heads.province
        present = inputs.indicators_in_region(ctx.obs, ctx.cat, scope)
        cards = tuple(i for i in default if i in present)

        def compute(scope: str = scope, cards: tuple[str, ...] = cards) -> list:
            return current_alerts(ctx.obs, scope, list(cards), ctx.rules, ctx.book, ctx.cat)

        yield Task("warnings", inputs.warnings_key(scope, cards), compute)


def province_standings(ctx: Context) -> Iterator[Task]:
    """The provinces ranked on each of the Overview's standings indicators in the year it opens on (the latest)."""
    codes = ctx.provinces()
    for indicator_id in ctx.heads.standings:
        rows = ctx.rows(indicator_id)
        for year in standing_years(rows, indicator_id, codes)[-1:]:

            def compute(rows: pd.DataFrame = rows, indicator_id: str = indicator_id, year: int = year):
                return standings(rows, ctx.cat.get(indicator_id), year, codes)

            yield Task("standings", inputs.standings_key(indicator_id, year), compute)


def years_ranked(ctx: Context) -> Iterator[Task]:
    """The years the Overview offers for each standings indicator (filtering ~140k rows per indicator: 0.3 s
    each under load, seven of them on every first view)."""
    codes = ctx.provinces()
    for indicator_id in ctx.heads.standings:

        def compute(indicator_id: str = indicator_id) -> list[int]:
            return standing_years(ctx.rows(indicator_id), indicator_id, codes)

        yield Task("standing_years", inputs.years_key(indicator_id), compute)


def cities(ctx: Context) -> Iterator[Task]:
    """Each province's cities ranked on every indicator with city figures (the Overview of a province)."""
    for province in ctx.scopes()[1:]:
        codes = [c.code for c in ctx.registry.cities(province)]

        def compute(codes: list[str] = codes) -> list:
            return city_standings(ctx.obs, list(ctx.cat), codes)

        yield Task("cities", inputs.cities_key(province), compute)


def case_log_warnings(ctx: Context) -> Iterator[Task]:
    """Each case log's surges and overdue build-ups as the national Overview lists them (2–5 s for the shipped
    Boston log, most of it statsforecast's import and the rolling forecasts)."""
    for (log_id, version), read in ctx.case_logs.items():

        def compute(read: Callable[[], pd.DataFrame] = read, log_id: str = log_id) -> list:
            return log_warnings(read(), holidays_of(log_id))

        yield Task("log_warnings", inputs.log_warnings_key(log_id, version), compute)


#: Every kind, in the order a job computes them (the cheap page-wide ones first).
KINDS: dict[str, Callable[[Context], Iterator[Task]]] = {
    "warnings": warnings,
    "standings": province_standings,
    "standing_years": years_ranked,
    "cities": cities,
    "log_warnings": case_log_warnings,
    "forecast": forecasts,
}
#: What a job after a commit computes.
DEFAULT_KINDS = ("warnings", "standings", "standing_years", "cities", "log_warnings", "forecast")
