"""Small canonical frames for store and vintage tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def annual(rows: list[tuple]) -> pd.DataFrame:
    """A canonical frame from (indicator, region, year, value) tuples; annual periods."""
    return pd.DataFrame(
        {
            "indicator_id": [r[0] for r in rows],
            "region_code": [r[1] for r in rows],
            "period": pd.to_datetime([f"{r[2]}-01-01" for r in rows]),
            "freq": "A",
            "value": np.array([r[3] for r in rows], dtype="float64"),
        }
    )
