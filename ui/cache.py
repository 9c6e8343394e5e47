"""The one place for caching: plain library loaders wrapped with `st.cache_data` / `st.cache_resource`.

Cached functions never read widgets. What `cache_resource` returns is shared between sessions and must never be
mutated: the full observation frame is held that way (copying ~140k rows on every rerun would cost more than
the page itself), and so are figures (a copy out of `cache_data` means unpickling, i.e. validating, the whole
figure again); everything else derived from the data is small and goes through `cache_data`. Figures are keyed
by their inputs' content, so a figure of old data is simply never asked for again.

The region scope of the signed-in user (`ui.auth`) is applied here, the one place pages read rows from:
`observations()` keeps only the scope's rows, and every cached function over them is `scoped`, i.e. the scope is
part of its cache key, so a result computed for one scope is never served to another.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import data
import data.breaks
import data.citation
import data.store
import data.vintage
import forecasting
import indicators
import maps
import precompute
import services.signals
import services.volume
from data.access import scope_frame
from forecasting import scenarios
from indicators.kpi import Headlines, Kpi, headline_kpis, load_headlines
from indicators.metadata import Catalogue
from indicators.provenance import JoinSummary, SourceSpan, coverage_by_dataset, join_summary, level_revisions
from indicators.provenance import preliminary_points as _preliminary_points
from indicators.provenance import source_spans as _source_spans
from indicators.standings import Standings, standing_years, standings
from indicators.standings import city_standings as standings_of_cities
from indicators.targets import Target, TargetBook, TargetStatus, load_targets, target_status
from indicators.views import ViewInfo, apply_view
from indicators.warnings import Alert, RuleSet, current_alerts, load_rules
from precompute import inputs
from ui import admission, charts, explore
from ui.scope import current_scope, key_text, scoped

HOUR = 3600


@st.cache_resource(max_entries=1, show_spinner=False)
def store() -> data.store.Store:
    """The app's versioned store: SQLite in the app's data folder ($COCKPIT_DATA_DIR), or PostgreSQL from
    $COCKPIT_DATABASE_URL; the shipped datasets are seeded as version 1 on first use."""
    return data.store.open_store()


# How long a process trusts the data version it last read: a commit through another replica sharing the database
# is served everywhere within this many seconds (one single-row read per process per period).
FRESH_SECONDS = 2


@st.cache_data(ttl=FRESH_SECONDS, max_entries=1, show_spinner=False)
def data_version() -> int:
    """The store-wide data version (``data.store.data_version``): it grows with every commit, rollback and seed by
    any replica, so it is the one token every cache here keys on."""
    return store().data_version()


@st.cache_data(ttl=HOUR, max_entries=4, show_spinner=False)
def _versions_at(counter: int) -> tuple[tuple[str, int | None], ...]:
    stored = store()
    return tuple((dataset_id, stored.current_version(dataset_id)) for dataset_id in data.OBSERVATION_LOADERS)


#: Shared results over the data, never mutated: keyed by the user's scope and the data version. A `cache_data`
#: result is unpickled on every call (the Overview's cards, warnings and standings: 8 ms a view, issue 17).
shared_over_data = functools.partial(scoped, resource=True, version=lambda: data_version())


def data_token() -> str:
    """The data version in a few characters for a view's URL: every dataset's current version, in the declared order
    of `data.OBSERVATION_LOADERS` (``2.1.1.1.1.1.1``: the first dataset has had one upload; 0 = not stored)."""
    return ".".join(str(v or 0) for _, v in data_versions())


def data_versions() -> tuple[tuple[str, int | None], ...]:
    """The current version of every dataset, read once per store-wide data version (see :func:`data_version`)."""
    return _versions_at(data_version())


@st.cache_resource(ttl=HOUR, max_entries=2, show_spinner=False)
def _store_read(where: str, versions: tuple[tuple[str, int | None], ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One read of the current observations of the store at `where`: the canonical frame, and from the same rows the
    span of every dataset's figures per indicator (reading the store twice cost a cold start a second pass over
    ~140k rows). Keyed by the store and its current versions, so it is never stale and need not be cleared."""
    rows = store().current_observations()  # a Parquet snapshot of these versions when one was kept
    return rows.drop(columns="dataset_id"), coverage_by_dataset(rows)


def _read(versions: tuple[tuple[str, int | None], ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _store_read(store().url, versions)


@st.cache_resource(ttl=HOUR, max_entries=8, show_spinner=False)
def _scoped_observations(versions: tuple[tuple[str, int | None], ...], scope: str) -> pd.DataFrame:
    return scope_frame(_read(versions)[0], scope)


def observations() -> pd.DataFrame:
    """The current observations the signed-in user may see, in the canonical long format (shared, read-only)."""
    scope, versions = current_scope(), data_versions()
    return _read(versions)[0] if scope is None else _scoped_observations(versions, scope)


_seen_versions: dict[str, int] = {}


def refresh_if_data_changed() -> None:
    """Drop every derived cache when the stored data changed since this process last looked (run by app.py)."""
    token = data_version()
    if _seen_versions.get("token") not in (None, token):
        data_changed()
    _seen_versions["token"] = token


def data_changed() -> None:
    """After an upload or rollback: forget everything computed from the old data. The observation read itself is
    keyed by the current versions (two kept at most), so it is not dropped: `ui.warm` may have read the new
    version's already."""
    st.cache_data.clear()
    _scoped_observations.clear()
    map_figure.clear()


def warm_observations(counter: int) -> None:
    """Read the observations of the store-wide data version `counter` into the shared cache (see `ui.warm`)."""
    _read(_versions_at(counter))


def precomputed(kind: str, key: str) -> object | None:
    """A result stored for the current data version by the precompute job (`precompute`), or None: then the caller
    computes. Results are computed over every region, so a user with a region scope (who sees fewer peers and
    fewer warnings) always computes; so does a process whose code differs from the job's (a new release)."""
    if current_scope() is not None:
        return None
    return precompute.read(store(), data_version(), kind, key)


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def catalogue() -> Catalogue:
    """The indicator catalogue (immutable)."""
    return indicators.catalogue()


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def regions() -> data.RegionRegistry:
    """The region registry (immutable)."""
    return data.region_registry()


@scoped(ttl=HOUR, max_entries=4)
def present_indicators() -> frozenset[str]:
    """Catalogue indicators with at least one reported value in the current data (an upload in "replace" mode or
    an older store can lack some)."""
    obs = observations()
    return frozenset(obs.loc[obs["value"].notna(), "indicator_id"].unique())


@scoped(ttl=HOUR, max_entries=128)
def indicator_rows(indicator_id: str) -> pd.DataFrame:
    """Observations of one indicator, all regions."""
    obs = observations()
    return obs[obs["indicator_id"] == indicator_id].reset_index(drop=True)


@scoped(ttl=HOUR, max_entries=256)
def indicator_regions(indicator_id: str) -> tuple[list[str], list[str]]:
    """The regions reporting an indicator (`explore.regions_with_data`) and its first selection
    (`explore.default_regions`): worked out once per data version, not on every view (a ranking, 17 ms)."""
    rows, reg, polarity = indicator_rows(indicator_id), regions(), catalogue().get(indicator_id).polarity
    return explore.regions_with_data(rows, reg), explore.default_regions(rows, reg, polarity)


@scoped(ttl=HOUR, max_entries=256)
def view(view_id: str, indicator_id: str, base_year: int | None = None) -> tuple[pd.DataFrame, ViewInfo]:
    """A derived view of one indicator (all regions) and its metadata."""
    base = pd.Timestamp(f"{base_year}-01-01") if base_year is not None else None
    return apply_view(view_id, catalogue().get(indicator_id), observations(), catalogue(), base_period=base)


# --- vintage: where the years come from, revisions, preliminary figures ----------------------------------------------


@scoped(ttl=HOUR, max_entries=4)
def coverage() -> pd.DataFrame:
    """Per dataset and indicator, the span of the current figures: which years come from which source."""
    scope, versions = current_scope(), data_versions()
    if scope is None:
        return _read(versions)[1]
    return coverage_by_dataset(scope_frame(store().observations(with_dataset=True), scope))


@st.cache_data(ttl=HOUR, max_entries=4, show_spinner=False)
def _stored_datasets(counter: int) -> list[data.store.DatasetState]:
    return store().stored_datasets()


def stored_datasets() -> list[data.store.DatasetState]:
    """Every dataset's stored state (versions, rows, coverage), read once per data version: the query counts every
    stored observation (66 ms a Data page view, issue 17). Keyed by the store-wide counter, which every commit,
    rollback and case-log import moves."""
    return _stored_datasets(data_version())


@st.cache_data(ttl=HOUR, max_entries=4, show_spinner=False)
def _uploads(versions: tuple[tuple[str, int | None], ...]) -> dict[str, data.citation.Upload]:
    return data.citation.current_uploads(store())


def current_uploads() -> dict[str, data.citation.Upload]:
    """The uploaded version each dataset reads now (by dataset id): footers cite it instead of the shipped release.
    Keyed by the current versions, so a commit or rollback is cited from the next run on."""
    return _uploads(data_versions())


@scoped(ttl=HOUR, max_entries=256)
def source_spans(indicator_id: str) -> list[SourceSpan]:
    """The datasets an indicator's figures come from, its catalogue source first."""
    return _source_spans(coverage(), indicator_id, catalogue().get(indicator_id).source)


@st.cache_resource(max_entries=1, show_spinner=False)
def join_decisions() -> pd.DataFrame:
    """How the shipped yearbook panel extends the portal vintage, per indicator and province: computed from the
    shipped files, which do not change while the app runs (a few seconds, once per process)."""
    return data.vintage.shipped_join_decisions()


@scoped(ttl=HOUR, max_entries=256)
def indicator_join(indicator_id: str) -> JoinSummary | None:
    """How an indicator's older years were joined to the consistent vintage, or None."""
    rule = data.vintage.join_rule()
    return join_summary(join_decisions(), indicator_id, rule, data.vintage.NEW_DATASET, data.vintage.OLD_DATASET)


@scoped(ttl=HOUR, max_entries=4)
def revisions() -> list[data.breaks.Break]:
    """Probable revisions in every level indicator of the current data (the Data page's break check)."""
    return level_revisions(observations(), catalogue())


@scoped(ttl=HOUR, max_entries=256)
def indicator_revisions(indicator_id: str) -> list[data.breaks.Break]:
    """Probable revisions in one indicator (none for rates, indices and ranks)."""
    return level_revisions(indicator_rows(indicator_id), catalogue(), [indicator_id])


@scoped(ttl=HOUR, max_entries=256)
def preliminary(indicator_id: str) -> pd.DataFrame:
    """Region and period of every preliminary figure of an indicator."""
    return _preliminary_points(indicator_rows(indicator_id), indicator_id)


@scoped(ttl=HOUR, max_entries=256)
def latest_period(indicator_id: str, region_codes: tuple[str, ...] | None = None) -> pd.Timestamp | None:
    """The last period with a reported value of an indicator (in some regions)."""
    rows = indicator_rows(indicator_id)
    rows = rows[rows["value"].notna() & (rows["region_code"].isin(region_codes) if region_codes else True)]
    return rows["period"].max() if len(rows) else None


# --- maps ---------------------------------------------------------------------------------------------------------


@scoped(ttl=HOUR, max_entries=40)  # two top levels and the provinces' city maps
def mappable(level: str) -> list[str]:
    """Indicators with data for the regions of a map level."""
    return maps.mappable_indicators(observations(), level)


@scoped(ttl=HOUR, max_entries=64)
def drill_provinces(indicator_id: str) -> frozenset[str]:
    """The provinces a click on the China map opens the cities of, for this indicator."""
    return maps.drill_provinces(observations(), indicator_id)


@scoped(ttl=HOUR, max_entries=64)
def map_years(indicator_id: str, level: str) -> list[int]:
    """Years with data for an indicator on a map level."""
    return maps.available_years(observations(), indicator_id, level)


@scoped(resource=True, ttl=HOUR, max_entries=32)
def map_figure(level: str, indicator_id: str, year: int, scheme: str, k: int, lang: str) -> go.Figure:
    """A choropleth (building one takes 0.1–0.3 s: classification, geometry per class); shared, never mutated."""
    spans = source_spans(indicator_id)
    sources = tuple(s.dataset_id for s in spans if s.first.year <= year <= s.last.year)
    ind, uploads = catalogue().get(indicator_id), current_uploads()
    return maps.choropleth(
        observations(), level, ind, year, scheme=scheme, k=k, lang=lang, sources=sources, uploads=uploads
    )


@scoped(ttl=HOUR, max_entries=64)
def map_table(level: str, indicator_id: str, year: int, lang: str) -> pd.DataFrame:
    """The map's values as a table (every drawn region, gaps as missing)."""
    return maps.values_table(observations(), catalogue().get(indicator_id), level, year, lang)


# --- figures: built once per set of inputs, shared between sessions, never mutated -----------------------------
# The region registry is the process's own (immutable) and not part of the key; everything else is.


def shared(key: tuple, build: Callable[[], Any]) -> Any:
    """What `build` makes — a figure or a display table a page works out from data — built once per `key` and data
    version for the signed-in user's scope; shared between sessions, never mutated.

    For what is made from frames the page works out itself: hashing those frames for a cache key on every run cost
    more than the lookup (issue 17). `key` must name everything the result is made from besides the data: the page's
    selections and the language.
    """
    return _shared(key=key_text((data_version(), current_scope(), *key)), _build=build)  # by name: ui.scope.scoped


@st.cache_resource(ttl=HOUR, max_entries=256, show_spinner=False)
def _shared(key: tuple, _build: Callable[[], Any]) -> Any:
    return _build()


def sparkline(kpi: Kpi) -> go.Figure | None:
    """A KPI card's sparkline (None: the card's series has no value to draw): keyed by indicator and region (and the
    data version) rather than by hashing the card's series on every run (a page shows up to twelve)."""
    return shared(
        ("spark", kpi.indicator_id, kpi.region_code),
        lambda: charts.sparkline(kpi.spark) if kpi.spark["value"].notna().any() else None,
    )


# --- overview ------------------------------------------------------------------------------------------------------


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def target_book() -> TargetBook:
    """Published targets read through indicators/targets.yaml, plus the office's own (immutable)."""
    return load_targets()


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def warning_rules() -> RuleSet:
    """Threshold rules and anomaly settings (immutable)."""
    return load_rules()


@st.cache_resource(ttl=HOUR, max_entries=1, show_spinner=False)
def headlines() -> Headlines:
    """Default KPI cards per scope and the standings indicators (immutable)."""
    return load_headlines()


@scoped(ttl=HOUR, max_entries=64)
def indicators_in_region(region_code: str) -> list[str]:
    """Catalogue ids (in catalogue order) with at least one reported value in the region."""
    obs = observations()
    present = set(obs.loc[(obs["region_code"] == region_code) & obs["value"].notna(), "indicator_id"])
    return [i for i in catalogue().ids if i in present]


@shared_over_data(ttl=HOUR, max_entries=64)
def kpis(region_code: str, indicator_ids: tuple[str, ...]) -> list[Kpi]:
    """KPI cards of some indicators in one region."""
    return headline_kpis(observations(), list(indicator_ids), region_code, catalogue())


@shared_over_data(ttl=HOUR, max_entries=256)
def card_status(indicator_id: str, region_code: str, year: int) -> TargetStatus | None:
    """The status of the target a card shows (this year's, else the latest earlier one), or None."""
    target = target_book().for_card(indicator_id, region_code, year)
    return None if target is None else _status(target)


@shared_over_data(ttl=HOUR, max_entries=64)
def target_statuses(region_code: str, year: int) -> list[TargetStatus]:
    """Every target of a region and year with its status."""
    return [_status(t) for t in target_book().for_region(region_code, year)]


def _status(target: Target) -> TargetStatus:
    # Its indicator's rows (cached per indicator), not all ~140k observations: a target looks at one indicator.
    rows = indicator_rows(target.indicator_id) if target.indicator_id else observations()
    return target_status(target, rows, catalogue())


@shared_over_data(ttl=HOUR, max_entries=64)
def alerts(region_code: str, indicator_ids: tuple[str, ...]) -> list[Alert]:
    """Current warnings of a region, most severe first."""
    stored = precomputed("warnings", inputs.warnings_key(region_code, indicator_ids))
    if stored is not None:
        return stored
    return current_alerts(observations(), region_code, list(indicator_ids), warning_rules(), target_book(), catalogue())


@scoped(ttl=HOUR, max_entries=64)
def first_year(indicator_id: str, region_code: str) -> int | None:
    """First year with a reported value of an indicator in a region."""
    rows = indicator_rows(indicator_id)
    reported = rows.loc[(rows["region_code"] == region_code) & rows["value"].notna(), "period"]
    return int(reported.min().year) if len(reported) else None


@scoped(ttl=HOUR, max_entries=64)
def province_years(indicator_id: str) -> list[int]:
    """Years in which provinces can be ranked on an indicator."""
    stored = precomputed("standing_years", inputs.years_key(indicator_id))
    if stored is not None:
        return stored
    return standing_years(indicator_rows(indicator_id), indicator_id, [r.code for r in regions().provinces()])


@shared_over_data(ttl=HOUR, max_entries=128)
def province_standings(indicator_id: str, year: int) -> Standings:
    """Provinces ranked on an indicator in a year, with top and bottom five."""
    stored = precomputed("standings", inputs.standings_key(indicator_id, year))
    if stored is not None:
        return stored
    codes = [r.code for r in regions().provinces()]
    return standings(indicator_rows(indicator_id), catalogue().get(indicator_id), year, codes)


@shared_over_data(ttl=HOUR, max_entries=40)
def city_standings(province: str) -> list[Standings]:
    """A province's cities ranked on every indicator with city figures, each in its latest year."""
    stored = precomputed("cities", inputs.cities_key(province))
    if stored is not None:
        return stored
    cities = [c.code for c in regions().cities(province)]
    return standings_of_cities(observations(), list(catalogue()), cities)


@scoped(ttl=HOUR, max_entries=4)
def reporting_regions() -> list[str]:
    """Codes of regions with at least one reported value of any indicator."""
    obs = observations()
    return sorted(obs.loc[obs["value"].notna(), "region_code"].unique())


# --- forecasting ----------------------------------------------------------------------------------------------------


def series_frame(indicator_id: str, region_codes: tuple[str, ...]) -> pd.DataFrame:
    """One indicator's series for some regions in the forecasting contract ``unique_id, ds, y`` (uid = region)."""
    return inputs.series_frame(indicator_rows(indicator_id), region_codes)


def breaks_apply(indicator_id: str) -> bool:
    """Whether the forecast looks for level breaks: amounts only (a rate's or an index's jump is news, not a change
    of definition)."""
    return inputs.breaks_apply(catalogue(), indicator_id)


def is_rate(indicator_id: str) -> bool:
    """Whether an indicator is a rate in percent, scored in percentage points (never sMAPE)."""
    return catalogue().get(indicator_id).kind == "rate"


@scoped(ttl=HOUR, max_entries=64)
def calibration(indicator_id: str, h: int, model: str, models: tuple[str, ...]) -> forecasting.Pooled:
    """The bands' calibration of an indicator for a horizon and method (80 and 95%), computed once per data version
    (every cache here is dropped when the data change): the per-step conformal quantiles of the backtest errors of
    every region reporting it, as the batch tab's run pools them. ``models``: only those the method needs
    (``forecasting.models_needed``: the candidates of ``auto``), so changing the leaderboard's models keeps it.
    A single series is forecast alone and takes its band from it."""
    codes = tuple(inputs.reporting(indicator_rows(indicator_id), regions()))
    return forecast_run(indicator_id, codes, h, model, models).pooled  # a stored run (precompute) when there is one


@scoped(ttl=HOUR, max_entries=64)
def _series_alone(indicator_id: str, region_code: str, h: int, model: str, models: tuple[str, ...]):
    only = tuple(inputs.reporting(indicator_rows(indicator_id), regions())) == (region_code,)
    # The indicator's only series (a national monthly figure) is its own calibration: the run over every region
    # would be this run without the leaderboard's models, the same backtests fitted twice on a first view.
    pooled = None if only else calibration(indicator_id, h, model, forecasting.models_needed(model, models))
    frame = series_frame(indicator_id, (region_code,))
    admission.step_aside()  # fitting one series: up to a second, the next visitor goes in beside it
    return forecasting.run(frame, h, model=model, models=models, breaks=breaks_apply(indicator_id), pooled=pooled)


@scoped(ttl=HOUR, max_entries=64)
def forecast_run(
    indicator_id: str,
    region_codes: tuple[str, ...],
    h: int,
    model: str,
    models: tuple[str, ...],
    _progress: Callable[[int, int], str] | None = None,
) -> forecasting.ForecastRun:
    """One forecasting run over an indicator's series for some regions: the forecast rows, the backtests, the
    leaderboard and the calibration every view reads, the breaks found, and the series that could not be forecast.

    Level breaks are looked for in amounts only (see :func:`breaks_apply`). With ``_progress`` (the bar's text for
    ``done, total``; not part of the cache key) the run uses every core and draws a progress bar while it computes,
    removed when done: a cache hit replays the bar's messages, which leave nothing on the page.
    """
    if _progress is None:
        stored = precomputed("forecast", inputs.forecast_key(indicator_id, region_codes, h, model, models))
        if stored is not None:
            return stored
    frame = series_frame(indicator_id, region_codes)
    breaks = breaks_apply(indicator_id)
    admission.step_aside()  # fitting models takes seconds: the next visitor goes in beside it
    if _progress is None:
        jobs = workers(model, models, len(region_codes))
        return forecasting.run(frame, h, model=model, models=models, breaks=breaks, n_jobs=jobs)
    bar = st.progress(0.0)

    def report(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), _progress(done, total))

    result = forecasting.run(frame, h, model=model, models=models, n_jobs=-1, progress=report, breaks=breaks)
    bar.empty()
    return result


#: A run over at least this many series (an indicator across the provinces) goes to the worker processes.
POOL_MIN_SERIES = 8
#: "1": every run in this process (the tests set it: each test process would start a pool of its own).
WORKERS_VARIABLE = "COCKPIT_RUN_WORKERS"


def workers(model: str, models: tuple[str, ...], series: int) -> int:
    """Worker processes for a run the page waits for: every core, at a lower priority, for a run over an indicator's
    regions or with a slow model (ARIMA, Prophet), else this process.

    Such a run (the calibration of a method the precompute did not store) takes 1–5 s with the fast models and
    10–50 s with a slow one. In this process it held the interpreter lock all along, and every other session of the
    replica waited: the slowest clicks of issue 22's load benchmark (a model or an indicator changed on the Forecast
    or Scenarios page) and most of its p95. On the workers it waits for other processes, which give way to the
    pages being viewed.
    """
    if os.environ.get(WORKERS_VARIABLE) == "1":
        return 1
    return -1 if forecasting.is_slow(model, models) or series >= POOL_MIN_SERIES else 1


def series_run(indicator_id: str, region_code: str, h: int, model: str, models: tuple[str, ...]):
    """The run one series is read off: the series alone with the comparison ``models`` (its leaderboard), banded by
    the indicator's :func:`calibration` exactly as the run over every region bands it.

    Raises:
        ForecastError: the series cannot be forecast (the reason the run recorded for it).
    """
    result = _series_alone(indicator_id, region_code, h, model, models)
    failed = result.errors[result.errors["unique_id"] == region_code]
    if len(failed):
        raise forecasting.ForecastInputError(str(failed["error"].iloc[0]))
    return result


def forecast(indicator_id: str, region_code: str, h: int, model: str, models: tuple[str, ...]) -> pd.DataFrame:
    """Forecast of one series with its calibrated bands, the model used and its measured accuracy.

    Raises:
        ForecastError: the series cannot be forecast (the reason the run recorded for it).
    """
    return forecast_of(series_run(indicator_id, region_code, h, model, models), region_code)


def forecast_of(run: forecasting.ForecastRun, region_code: str) -> pd.DataFrame:
    """One series' forecast read off its run (see `forecast`). A page that holds the run reads it with this: each
    call of `series_run` copies the whole run out of the cache (a sixth of a Forecast view, issue 17)."""
    fc = run.forecast
    return fc[fc["unique_id"] == region_code].reset_index(drop=True)


def leaderboard_of(run: forecasting.ForecastRun, region_code: str) -> pd.DataFrame:
    """Backtest leaderboard of one series (every compared model's MASE, sMAPE, MAE), read off the same run as its
    forecast; ``chosen`` marks the model whose forecast is shown."""
    board = run.leaderboard
    return board[board["unique_id"] == region_code].reset_index(drop=True)


# --- scenarios ------------------------------------------------------------------------------------------------------


@scoped(ttl=HOUR, max_entries=64)
def scenario_comparison(
    set_text: str, indicator_id: str, region_code: str, h: int, model: str, models: tuple[str, ...], polarity: str
) -> scenarios.Comparison:
    """Scenarios (a compact scenario file, which is the cache key) compared with their series' baseline forecast.

    Raises:
        ScenarioError: the library's message (an adjustment outside the horizon, a driver too short to estimate…).
    """
    file = scenarios.loads(set_text)
    fc = forecast(indicator_id, region_code, h, model, models)
    baseline = scenarios.Baseline.from_forecast(series_frame(indicator_id, (region_code,)), fc)
    keys = {key for s in file.scenarios for key in s.drivers}
    drivers = {key: series_frame(key[0], (key[1],)) for key in keys}
    return scenarios.compare(file.scenarios, baseline, drivers, file.target, polarity=polarity)


# --- service signals (issue 18): a case table is named by its log version and filters, never hashed -----------------
# Hashing the 121,145 Boston cases for a cache key cost the Services page 60 ms a view (issue 17); the name is what
# `ui.services_view.cases_key` gives (the log's id and version, the topics, units and areas chosen).


@st.cache_resource(ttl=HOUR, max_entries=16, show_spinner=False)
def service_signals(
    cases_key: Hashable, _cases: pd.DataFrame, freq: str, holidays: str | None
) -> services.signals.Signals:
    """Hot topics, topic mix, surges at ``freq`` and overdue build-ups of the case table named `cases_key` (shared,
    never mutated). Not forgotten when the observations change (a resource, not data): recomputing the shipped log's
    signals cost the Overview's first view after every commit 1–3 s."""
    return services.signals.compute(_cases, freq, holidays)


@st.cache_resource(ttl=HOUR, max_entries=16, show_spinner=False)
def service_volume_run(
    cases_key: Hashable, _cases: pd.DataFrame, h: int
) -> tuple[pd.DataFrame, forecasting.ForecastRun | None]:
    """The weekly volume by topic of the case table named `cases_key` (``unique_id, ds, y``) and its forecast run
    (None with too short a log); shared, never mutated."""
    return services.volume.weekly_frame(_cases), services.volume.volume_forecast(_cases, h)
