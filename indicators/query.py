"""Selecting and describing observations: one indicator, some regions, a period range; coverage.

Period labels and their display live in `common.periods`.
"""

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
