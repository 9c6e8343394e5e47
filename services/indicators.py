"""Case measures as catalogue indicators: monthly figures of a whole log in the canonical observation frame.

The shipped Boston log's figures are written once into `data/shipped/boston_311_2015_workorders/
indicators_monthly.csv` (``python -m services.indicators``), which `data.case_indicators` loads like any dataset,
so Indicators, Forecast, Scenarios, Overview and the briefing pack read them unchanged; a test recomputes them from
the log, so the file can never drift from the measures. The log is the region `BOSTON_CODE` of the registry (a
jurisdiction, beside provinces and countries). Rates are in per cent, times in hours.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data.case_indicators import BOSTON_CODE, FILE
from data.datasets import dataset
from services.boston import DATASET_ID, read_boston
from services.derive import NO_GROUP, measure

# catalogue id → (measure, factor)
INDICATORS = {
    "svc_volume": ("volume", 1),
    "svc_backlog": ("backlog", 1),
    "svc_overdue": ("overdue", 1),
    "svc_on_time_rate": ("on_time_rate", 100),
    "svc_median_hours": ("median_hours", 1),
    "svc_p90_hours": ("p90_hours", 1),
    # Written only where a log has ratings: no shipped log has, so the catalogue marks them `imported: true`.
    "svc_satisfied_rate": ("satisfied_rate", 100),
    "svc_bad_rate": ("bad_rate", 100),
    "svc_followup_rate": ("followup_rate", 100),
}


def partial_months(cases: pd.DataFrame) -> list[pd.Timestamp]:
    """The first days of the months the log covers only partly: its first and last month unless the openings reach
    that month's first (resp. last) day. A part month's figures are not comparable with whole months' (a volume of
    ten days reads as a collapse, a backlog at a month end the export never reached as a fact), so
    `monthly_observations` leaves them out rather than flag them: every reader of a catalogue series (forecasts,
    warnings, year-on-year views) would otherwise have to know to skip them."""
    opened = cases["opened"].dropna()
    if opened.empty:
        return []
    first, last = opened.min().normalize(), opened.max().normalize()
    start, end = first.to_period("M").to_timestamp(), last.to_period("M").to_timestamp()
    partial = []
    if first > start:
        partial.append(start)
    if last < end + pd.offsets.MonthEnd(0) and end not in partial:
        partial.append(end)
    return partial


def monthly_observations(cases: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """Every indicator of INDICATORS per whole month of the log, as canonical observations (a month without a
    figure, e.g. no case closed or none rated, is left out rather than written as a gap: nothing is filled; so are
    the months the log covers only partly, see `partial_months`)."""
    table = measure(cases, "month").table
    table = table[(table["group"] == NO_GROUP) & ~table["period"].isin(partial_months(cases))]
    parts = []
    for indicator_id, (name, factor) in INDICATORS.items():
        values = table[name].astype("float64") * factor
        keep = values.notna()  # rates and times are NaN where nothing was rated or closed
        parts.append(
            pd.DataFrame(
                {
                    "indicator_id": indicator_id,
                    "region_code": region_code,
                    "period": table.loc[keep, "period"].to_numpy(),
                    "freq": "M",
                    "value": values[keep].round(6).to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def write_shipped(path: Path | None = None) -> Path:
    """Write the Boston log's monthly indicators beside the log."""
    path = path or dataset(DATASET_ID).path(FILE)
    monthly_observations(read_boston(), BOSTON_CODE).to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


if __name__ == "__main__":
    print(write_shipped())
