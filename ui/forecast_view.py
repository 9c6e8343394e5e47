"""Helpers for the Forecast page: the tables it shows, the batch call. No widgets here."""

from __future__ import annotations

import pandas as pd

import forecasting
from common import periods
from data.regions import RegionRegistry
from ui import cache
from ui.i18n import t

LEVELS = (80, 95)


def model_label(name: str, lang: str) -> str:
    """A model name as users read it (自动 / auto, 集成 / ensemble …)."""
    return t(f"forecast.model_{name}", lang)


def forecast_table(fc: pd.DataFrame, column: str, freq: str, decimals: int, lang: str) -> pd.DataFrame:
    """The forecast as a table: period, mean and the 80/95% bounds, with the unit-free headers translated."""
    out = pd.DataFrame({t("table.period", lang): [periods.display(d, freq, lang) for d in fc["ds"]]})
    out[t("forecast.mean", lang)] = fc[column].round(decimals).to_numpy()
    for level in LEVELS:
        out[t("forecast.lo", lang, level=level)] = fc[f"{column}-lo-{level}"].round(decimals).to_numpy()
        out[t("forecast.hi", lang, level=level)] = fc[f"{column}-hi-{level}"].round(decimals).to_numpy()
    return out


def leaderboard_table(board: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Backtest leaderboard with translated headers; the model `auto` picks is marked ✓."""
    return pd.DataFrame(
        {
            t("forecast.rank", lang): board["rank"].astype("Int64").to_numpy(),
            t("forecast.model", lang): [model_label(m, lang) for m in board["model"]],
            "MASE": board["mase"].round(3).to_numpy(),
            "sMAPE (%)": board["smape"].round(2).to_numpy(),
            t("forecast.coverage", lang, level=80): board["calibrated_coverage_80"].round(1).to_numpy(),
            t("forecast.coverage", lang, level=95): board["calibrated_coverage_95"].round(1).to_numpy(),
            t("forecast.points", lang): board["backtest_points"].to_numpy(),
            t("forecast.chosen", lang): ["✓" if c else "" for c in board["chosen"]],
        }
    )


def accuracy_note(fc: pd.DataFrame, lang: str) -> str:
    """One line under the fan chart: model used and its fitted form, backtest error and measured coverage."""
    first = fc.iloc[0]
    return t(
        "forecast.accuracy_note",
        lang,
        model=model_label(first["model"], lang),
        spec=first["spec"],
        mase=_num(first["mase"], 2),
        smape=_num(first["smape"], 1),
        cov80=_num(first["coverage-80"], 0),
        cov95=_num(first["coverage-95"], 0),
        points=int(first["backtest_points"]),
    )


def _num(value: float, decimals: int) -> str:
    return "—" if pd.isna(value) else f"{value:.{decimals}f}"


def batch_run(
    indicator_id: str, region_codes: tuple[str, ...], h: int, models: tuple[str, ...], lang: str
) -> forecasting.ForecastRun:
    """The `auto` run over every region of an indicator, on all cores with a progress bar (cached, see `ui.cache`)."""
    return cache.forecast_run(
        indicator_id,
        region_codes,
        h,
        forecasting.registry.AUTO,
        models,
        _progress=lambda done, total: t("forecast.batch_progress", lang, done=done, total=total),
    )


def batch_table(
    result: forecasting.ForecastRun, registry: RegionRegistry, freq: str, decimals: int, lang: str
) -> pd.DataFrame:
    """Next-period forecast per region: value, 80/95% bounds, model used, measured coverage, backtest MASE."""
    fc = result.forecast
    first = fc.sort_values("ds").groupby("unique_id", sort=False).head(1)
    out = pd.DataFrame(
        {
            t("table.region", lang): [registry.name(c, lang) for c in first["unique_id"]],
            t("table.period", lang): [periods.display(d, freq, lang) for d in first["ds"]],
            t("forecast.mean", lang): first["auto"].round(decimals).to_numpy(),
        }
    )
    for level in LEVELS:
        out[t("forecast.lo", lang, level=level)] = first[f"auto-lo-{level}"].round(decimals).to_numpy()
        out[t("forecast.hi", lang, level=level)] = first[f"auto-hi-{level}"].round(decimals).to_numpy()
    out[t("forecast.model", lang)] = [model_label(m, lang) for m in first["model"]]
    out[t("forecast.coverage", lang, level=80)] = first["coverage-80"].round(0).to_numpy()
    out["MASE"] = first["mase"].round(3).to_numpy()
    return out.sort_values(t("forecast.mean", lang), ascending=False, ignore_index=True)


def first_step(fc: pd.DataFrame, column: str, lang: str, level: int = 80) -> dict:
    """The first forecast step as narrative facts: period, value, interval, model and its backtest MASE."""
    row = fc.sort_values("ds").iloc[0]
    return {
        "period": pd.Timestamp(row["ds"]),
        "value": float(row[column]),
        "lo": float(row[f"{column}-lo-{level}"]),
        "hi": float(row[f"{column}-hi-{level}"]),
        "level": level,
        "model": f"{model_label(row['model'], lang)}（{row['spec']}）"
        if lang == "zh"
        else f"{model_label(row['model'], lang)} ({row['spec']})",
        "mase": float(row["mase"]),
    }
