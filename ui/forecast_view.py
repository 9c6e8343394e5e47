"""Helpers for the Forecast page: the tables and sentences it shows, the break marks, the batch call. No widgets."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

import forecasting
from common import periods
from data.regions import RegionRegistry
from forecasting.intervals import MIN_COVERAGE_POINTS
from ui import cache
from ui.i18n import LANGS, t

LEVELS = (80, 95)


def model_label(name: str, lang: str) -> str:
    """A model name as users read it (组合预测 / combination, 自动 / auto …)."""
    return t(f"forecast.model_{name}", lang)


def model_spec(name: str, spec: str, lang: str) -> str:
    """A model and its fitted form: 指数平滑（ETS(M,A,N)） / ETS (ETS(M,A,N))."""
    label = model_label(name, lang)
    if not spec or spec in label:
        return label
    # The fitted form replaces the label's own parenthesis (指数平滑（ETS）): one pair of brackets, not two.
    label = re.sub(r"\s*[（(][^（）()]*[）)]$", "", label)
    return f"{label}（{spec}）" if lang == "zh" else f"{label} ({spec})"


def forecast_table(fc: pd.DataFrame, column: str, freq: str, decimals: int, lang: str) -> pd.DataFrame:
    """The forecast as a table: period, mean and the 80/95% bounds, with the unit-free headers translated."""
    out = pd.DataFrame({t("table.period", lang): [periods.display(d, freq, lang) for d in fc["ds"]]})
    out[t("forecast.mean", lang)] = fc[column].round(decimals).to_numpy()
    for level in LEVELS:
        out[t("forecast.lo", lang, level=level)] = fc[f"{column}-lo-{level}"].round(decimals).to_numpy()
        out[t("forecast.hi", lang, level=level)] = fc[f"{column}-hi-{level}"].round(decimals).to_numpy()
    return out


def leaderboard_table(board: pd.DataFrame, lang: str, rate: bool = False) -> pd.DataFrame:
    """Backtest leaderboard with translated headers; the model whose forecast is shown is marked ✓.

    A rate (CPI year on year, a growth rate) is scored by its mean absolute error in percentage points: a percentage
    of values near zero (sMAPE) explodes and says nothing.
    """
    # A series too short for any backtest (a census: two points) has no scores: its columns are all missing, and
    # may come as object columns that cannot be rounded.
    score = {c: pd.to_numeric(board[c], errors="coerce") for c in ("rank", "mase", "mae", "smape")}
    out = {
        t("forecast.rank", lang): score["rank"].astype("Int64").to_numpy(),
        t("forecast.model", lang): [model_label(m, lang) for m in board["model"]],
        "MASE": score["mase"].round(3).to_numpy(),
    }
    if rate:
        out[t("forecast.mae_points", lang)] = score["mae"].round(2).to_numpy()
    else:
        out["sMAPE (%)"] = score["smape"].round(2).to_numpy()
    out[t("forecast.points", lang)] = board["backtest_points"].to_numpy()
    out[t("forecast.chosen", lang)] = ["✓" if c else "" for c in board["chosen"]]
    return pd.DataFrame(out)


def series_accuracy(
    run: forecasting.ForecastRun, fc: pd.DataFrame, region: str, key: tuple, lang: str, rate: bool
) -> str:
    """`accuracy_note` of one region's forecast `fc` read off `run`, worked out once per region, `key` (what else the
    run was made from: indicator, horizon, method, candidates) and language: finding the series' calibration group in
    the run's frames was ~7% of a Forecast view (issue 17)."""
    return cache.shared(
        ("fc-accuracy", region, *key, lang), lambda: accuracy_note(fc, run.calibration_of(region), lang, rate)
    )


def accuracy_note(fc: pd.DataFrame, group: dict, lang: str, rate: bool = False) -> str:
    """One line under the fan chart: model and fitted form, backtest error, and the bands' measured coverage and
    interval score with the number of outcomes behind them (coverage only on enough outcomes)."""
    first = fc.iloc[0]
    error = (
        t("forecast.error_points", lang, mae=_num(first["mae"], 2))
        if rate
        else t("forecast.error_percent", lang, smape=_num(first["smape"], 1))
    )
    points, series = int(group.get("points", 0)), int(group.get("series", 0))
    if points >= MIN_COVERAGE_POINTS:
        coverage = t(
            "forecast.coverage_note",
            lang,
            cov80=_num(group.get("coverage-80"), 0),
            cov95=_num(group.get("coverage-95"), 0),
            msis=_num(group.get("msis-95"), 1),
            points=points,
            series=series,
        )
    else:
        coverage = t("forecast.coverage_unmeasured", lang, points=points, minimum=MIN_COVERAGE_POINTS)
    return t(
        "forecast.accuracy_note",
        lang,
        model=model_label(first["model"], lang),
        spec=first["spec"],
        mase=_num(first["mase"], 2),
        error=error,
        coverage=coverage,
    )


def reading(result: forecasting.ForecastRun, region_code: str, rate: bool, lang: str) -> str:
    """The accuracy in one sentence a leader reads (percentage points for a rate)."""
    return result.reading(region_code, percent_change=True if rate else None).sentence(lang)


def series_breaks(result: forecasting.ForecastRun, region_code: str, since: object = None) -> pd.DataFrame:
    """The level breaks found in one series since a date (the chart's first: older ones are history, e.g. 1961 in a
    series from 1949), oldest first."""
    found = result.breaks[result.breaks["unique_id"] == region_code]
    if since is not None and not pd.isna(since):
        found = found[found["ds"] >= pd.Timestamp(since)]
    return found.reset_index(drop=True)


def break_warning(breaks: pd.DataFrame, fc: pd.DataFrame, freq: str, lang: str) -> str:
    """One sentence naming the breaks and, when the fit starts after the last one, from when the forecast learns."""
    parts = []
    for row in breaks.itertuples(index=False):
        change = "" if pd.isna(row.change) else f"{100 * row.change:+.0f}%"
        parts.append(t(f"forecast.break_{row.kind}", lang, period=periods.display(row.ds, freq, lang), change=change))
    text = t("forecast.break_warning", lang, breaks=t("forecast.break_join", lang).join(parts))
    if breaks["fit_from"].any():
        start = periods.display(pd.Timestamp(fc["fit_start"].iloc[0]), freq, lang)
        text += t("forecast.break_fit_from", lang, start=start)
    return text


def mark_breaks(fig: go.Figure, breaks: pd.DataFrame, lang: str) -> go.Figure:
    """Dashed vertical lines at the breaks on the fan chart, each labelled."""
    for row in breaks.itertuples(index=False):
        fig.add_vline(
            x=pd.Timestamp(row.ds),
            line_dash="dash",
            line_color="#b45309",
            annotation_text=t(f"forecast.break_mark_{row.kind}", lang),
            annotation_position="top left",
        )
    return fig


def _num(value: float | None, decimals: int) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.{decimals}f}"


def batch_run(
    indicator_id: str,
    region_codes: tuple[str, ...],
    h: int,
    model: str,
    models: tuple[str, ...],
    lang: str,
    compare: bool = False,
) -> forecasting.ForecastRun:
    """The run over every region of an indicator, on all cores with a progress bar (cached, see `ui.cache`).

    The comparison ``models`` are backtested only with ``compare`` (or when the method chooses among them): the
    batch shows each region's forecast and its own backtest error, and the leaderboard's models cost about 30% of
    its time.
    """
    return cache.forecast_run(
        indicator_id,
        region_codes,
        h,
        model,
        models if compare else forecasting.models_needed(model, models),
        _progress=lambda done, total: t("forecast.batch_progress", lang, done=done, total=total),
    )


def batch_table(
    result: forecasting.ForecastRun, registry: RegionRegistry, freq: str, decimals: int, lang: str, rate: bool = False
) -> pd.DataFrame:
    """Next-period forecast per region: value, 80/95% bounds, model used, backtest MASE and error."""
    fc, column = result.forecast, result.model
    first = fc.sort_values("ds").groupby("unique_id", sort=False).head(1)
    out = pd.DataFrame(
        {
            t("table.region", lang): [registry.name(c, lang) for c in first["unique_id"]],
            t("table.period", lang): [periods.display(d, freq, lang) for d in first["ds"]],
            t("forecast.mean", lang): first[column].round(decimals).to_numpy(),
        }
    )
    for level in LEVELS:
        out[t("forecast.lo", lang, level=level)] = first[f"{column}-lo-{level}"].round(decimals).to_numpy()
        out[t("forecast.hi", lang, level=level)] = first[f"{column}-hi-{level}"].round(decimals).to_numpy()
    out[t("forecast.model", lang)] = [model_label(m, lang) for m in first["model"]]
    out["MASE"] = first["mase"].round(3).to_numpy()
    if rate:
        out[t("forecast.mae_points", lang)] = first["mae"].round(2).to_numpy()
    else:
        out["sMAPE (%)"] = first["smape"].round(2).to_numpy()
    return out.sort_values(t("forecast.mean", lang), ascending=False, ignore_index=True)


def batch_note(result: forecasting.ForecastRun, lang: str) -> str:
    """The measured coverage of the batch's bands, per calibration group with enough outcomes."""
    parts = [
        t("forecast.batch_coverage", lang, cov80=_num(row["coverage-80"], 0), points=int(row["points"]))
        for _, row in result.calibration.iterrows()
        if row["points"] >= MIN_COVERAGE_POINTS
    ]
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


def first_step(
    fc: pd.DataFrame, column: str, lang: str, level: int = 80, result=None, region_code=None, rate=False
) -> dict:
    """The first forecast step as narrative facts: period, value, interval, model, its backtest MASE and, given the
    run, the mean backtest error (percent, or percentage points for a rate) and the windows behind it."""
    row = fc.sort_values("ds").iloc[0]
    facts = {
        "period": pd.Timestamp(row["ds"]),
        "value": float(row[column]),
        "lo": float(row[f"{column}-lo-{level}"]),
        "hi": float(row[f"{column}-hi-{level}"]),
        "level": level,
        # In both languages: a pack is written in its own language, whatever the page's was.
        "model": {lg: model_spec(row["model"], row["spec"], lg) for lg in LANGS},
        "mase": float(row["mase"]),
    }
    if result is not None:
        found = result.reading(region_code, percent_change=True if rate else None)
        if found.points:
            facts |= {"error": found.value, "error_kind": found.kind, "backtests": found.backtests}
    return facts
