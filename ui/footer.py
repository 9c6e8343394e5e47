"""The source line under every chart and table: producer, distributor and version, licence, data vintage."""

from __future__ import annotations

import pandas as pd

from data.datasets import dataset
from indicators.metadata import Indicator
from ui.format import period
from ui.i18n import t


def source_line(ind: Indicator, last_period: pd.Timestamp | None, lang: str) -> str:
    """One line naming the dataset behind `ind`, its licence and the last period with data."""
    ds = dataset(ind.source)
    return t(
        "footer.source",
        lang,
        producer=ds.producer[lang],
        distributor=ds.distributor,
        version=ds.version,
        licence=ds.licence[lang],
        last=period(last_period, ind.freq, lang),
    )


def sources_line(inds: list[Indicator], lang: str) -> str:
    """Source line for a view built from several indicators (each dataset named once)."""
    seen: dict[str, str] = {}
    for ind in inds:
        ds = dataset(ind.source)
        seen.setdefault(ds.id, f"{ds.producer[lang]}（{ds.version}；{ds.licence[lang]}）")
    return t("footer.sources", lang, sources="；".join(seen.values()) if lang == "zh" else "; ".join(seen.values()))
