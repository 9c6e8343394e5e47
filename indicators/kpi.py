"""KPI cards as data: latest value and period, change on the previous period and on a year earlier, a sparkline.

Changes are matched by date (period − one step, period − one year), never by position, so a gap never pairs the
wrong periods; a missing neighbour gives a missing change. Rates change in percentage points, amounts in %, indices
and ranks in their own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data import FLAG, PRELIMINARY
from indicators.metadata import Catalogue, Indicator, catalogue
from indicators.yamlfile import ConfigFileError, field_name, line_of, load_with_lines, validate

HEADLINES_FILE = Path(__file__).resolve().parent / "headlines.yaml"
STEP = {"A": pd.DateOffset(years=1), "Q": pd.DateOffset(months=3), "M": pd.DateOffset(months=1)}
SPARK_PERIODS = {"A": 20, "Q": 12, "M": 36}
# How a change is expressed, by indicator kind: percentage points, per cent, or a difference in the unit.
CHANGE_UNIT = {"rate": "pp", "level": "pct", "index": "diff", "rank": "diff"}
_ID_LIST = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}}
HEADLINES_SCHEMA = {
    "type": "object",
    "required": ["national", "province", "standings"],
    "additionalProperties": False,
    "properties": {"national": _ID_LIST, "province": _ID_LIST, "standings": _ID_LIST},
}


class HeadlineFileError(ConfigFileError):
    """indicators/headlines.yaml is wrong; names the line and field."""


@dataclass(frozen=True)
class Headlines:
    """Default KPI cards per scope and the indicators offered for standings (first = default)."""

    national: tuple[str, ...]
    province: tuple[str, ...]
    standings: tuple[str, ...]


@dataclass(frozen=True)
class Kpi:
    """What a KPI card shows for one indicator and region. Missing figures are None, never estimated."""

    indicator_id: str
    region_code: str
    freq: str
    period: pd.Timestamp | None
    value: float | None
    previous_period: pd.Timestamp | None
    previous_value: float | None
    change_previous: float | None
    year_ago_period: pd.Timestamp | None
    year_ago_value: float | None
    change_year: float | None
    change_unit: str  # "pp", "pct" or "diff"
    spark: pd.DataFrame  # period, value (gaps kept as NaN)
    last_row_period: pd.Timestamp | None  # the last period the data has a row for, reported or not
    preliminary: bool = False  # the latest value is a preliminary figure


def load_headlines(path: Path | None = None, cat: Catalogue | None = None) -> Headlines:
    """Read the headline indicator lists.

    Raises:
        HeadlineFileError: the file breaks its schema or names an indicator not in the catalogue.
    """
    path = Path(path or HEADLINES_FILE)
    cat = cat or catalogue()
    raw, lines = load_with_lines(path, HeadlineFileError)
    validate(raw, lines, HEADLINES_SCHEMA, path, HeadlineFileError)
    for scope in ("national", "province", "standings"):
        for i, ind in enumerate(raw[scope]):
            if ind not in cat:
                where = (scope, i)
                raise HeadlineFileError(
                    path, line_of(lines, where), field_name(where), f"{ind!r} is not in the catalogue"
                )
    return Headlines(tuple(raw["national"]), tuple(raw["province"]), tuple(raw["standings"]))


def change(now: float | None, before: float | None, unit: str) -> float | None:
    """`now` relative to `before`: a difference (pp, diff) or a % change (undefined from zero or a negative base)."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    if unit == "pct":
        return None if before <= 0 else (now / before - 1.0) * 100.0
    return round(now - before, 10)  # rates are published to 1–2 decimals: drop float noise like 0.09999999


def _value_at(series: pd.Series, period: pd.Timestamp) -> float | None:
    value = series.get(period)
    return None if value is None or pd.isna(value) else float(value)


def compute_kpi(rows: pd.DataFrame, ind: Indicator, region_code: str) -> Kpi:
    """The KPI of one indicator in one region.

    Args:
        rows: observations (any indicators and regions; only `ind` in `region_code` is used).
        ind: the indicator's metadata (frequency and kind decide the comparisons).
        region_code: the region.
    """
    mine = rows[(rows["indicator_id"] == ind.id) & (rows["region_code"] == region_code)].sort_values("period")
    series = mine.set_index("period")["value"]
    reported = series.dropna()
    unit = CHANGE_UNIT[ind.kind]
    last_row = mine["period"].max() if len(mine) else None
    if reported.empty:
        empty = pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), "value": pd.Series(dtype="float64")})
        return Kpi(ind.id, region_code, ind.freq, None, None, None, None, None, None, None, None, unit, empty, last_row)
    period = reported.index.max()
    value = float(reported[period])
    flags = mine.set_index("period")[FLAG] if FLAG in mine.columns else pd.Series(dtype=object)
    previous_period, year_ago_period = period - STEP[ind.freq], period - pd.DateOffset(years=1)
    previous_value, year_ago_value = _value_at(series, previous_period), _value_at(series, year_ago_period)
    spark = mine.loc[mine["period"] <= period, ["period", "value"]].tail(SPARK_PERIODS[ind.freq])
    return Kpi(
        indicator_id=ind.id,
        region_code=region_code,
        freq=ind.freq,
        period=period,
        value=value,
        previous_period=previous_period,
        previous_value=previous_value,
        change_previous=change(value, previous_value, unit),
        year_ago_period=year_ago_period,
        year_ago_value=year_ago_value,
        change_year=change(value, year_ago_value, unit),
        change_unit=unit,
        spark=spark.reset_index(drop=True),
        last_row_period=last_row,
        preliminary=flags.get(period) == PRELIMINARY,
    )


def headline_kpis(
    obs: pd.DataFrame, indicator_ids: list[str], region_code: str, cat: Catalogue | None = None
) -> list[Kpi]:
    """KPIs of several indicators in one region, in the given order."""
    cat = cat or catalogue()
    wanted = obs[obs["indicator_id"].isin(indicator_ids) & (obs["region_code"] == region_code)]
    return [compute_kpi(wanted, cat.get(i), region_code) for i in indicator_ids]
