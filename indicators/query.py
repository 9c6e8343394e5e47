"""Selecting and describing observations: one indicator, some regions, a period range; coverage; period labels."""

from __future__ import annotations

import pandas as pd

from indicators.errors import UnknownIndicator


def select(
    obs: pd.DataFrame,
    indicator_id: str,
    regions: list[str] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Observations of one indicator, optionally for some regions and a period range (inclusive).

    Raises:
        UnknownIndicator: the frame holds no observation of this indicator.
    """
    mask = obs["indicator_id"] == indicator_id
    if not mask.any():
        raise UnknownIndicator(indicator_id)
    if regions is not None:
        mask &= obs["region_code"].isin(regions)
    if start is not None:
        mask &= obs["period"] >= pd.Timestamp(start)
    if end is not None:
        mask &= obs["period"] <= pd.Timestamp(end)
    return obs.loc[mask].reset_index(drop=True)


def coverage(obs: pd.DataFrame, indicator_id: str) -> dict:
    """What the data hold for an indicator: first and last reported period, regions, values and gaps."""
    rows = select(obs, indicator_id)
    reported = rows[rows["value"].notna()]
    return {
        "first": reported["period"].min() if len(reported) else None,
        "last": reported["period"].max() if len(reported) else None,
        "regions": int(reported["region_code"].nunique()),
        "values": int(len(reported)),
        "missing": int(rows["value"].isna().sum()),
        "freq": str(rows["freq"].iloc[0]),
    }


def period_label(period: pd.Timestamp, freq: str, lang: str = "zh") -> str:
    """A period as people write it: 2022 / 2022年第1季度 / 2022Q1 / 2022年3月 / 2022-03."""
    period = pd.Timestamp(period)
    if freq == "A":
        return f"{period.year}年" if lang == "zh" else f"{period.year}"
    if freq == "Q":
        q = (period.month - 1) // 3 + 1
        return f"{period.year}年第{q}季度" if lang == "zh" else f"{period.year}Q{q}"
    if freq == "M":
        return f"{period.year}年{period.month}月" if lang == "zh" else f"{period.year}-{period.month:02d}"
    raise ValueError(f"unknown frequency {freq!r}; expected A, Q or M")
