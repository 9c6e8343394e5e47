"""Errors no history is needed for: a value outside its indicator's declared domain, a region outside the dataset's
geography.

An indicator may declare a domain (`IndicatorSpec.domain`: GDP above zero, a share between 0 and 100, a rank a whole
number); a value outside it cannot be a revision and blocks the commit. A dataset's geography is the kinds of region
it already holds (provinces and the national total, or countries): a country code in a provincial dataset is an
error, and a place known under two codes (HKG and 810000) lands on the code the dataset uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from common import periods
from common.text import Text
from data.regions import RegionRegistry
from data.store.versioning import KEY
from data.upload.validation import ProblemLog

KIND_NAMES = {
    "province": Text("省级行政区", "provinces"),
    "city": Text("地级行政区", "prefecture-level units"),
    "national": Text("全国", "the national total"),
    "country": Text("国家和地区", "countries"),
}


@dataclass(frozen=True)
class Domain:
    """The values an indicator can take."""

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    integer: bool = False

    @classmethod
    def of(cls, declared: Mapping | None) -> Domain | None:
        """A Domain from the catalogue's `domain` mapping (None when nothing is declared)."""
        return cls(**declared) if declared else None

    def allows(self, value: float) -> bool:
        if self.minimum is not None and (value <= self.minimum if self.exclusive_minimum else value < self.minimum):
            return False
        if self.maximum is not None and value > self.maximum:
            return False
        return not self.integer or float(value).is_integer()

    def describe(self) -> Text:
        zh, en = [], []
        if self.minimum is not None:
            zh.append(f"{'大于' if self.exclusive_minimum else '不小于'} {self.minimum:g}")
            en.append(f"{'above' if self.exclusive_minimum else 'at least'} {self.minimum:g}")
        if self.maximum is not None:
            zh.append(f"不大于 {self.maximum:g}")
            en.append(f"at most {self.maximum:g}")
        if self.integer:
            zh.append("为整数")
            en.append("a whole number")
        return Text("且".join(zh), " and ".join(en))


def check_domains(frame: pd.DataFrame, sources: pd.DataFrame, domains: Mapping[str, Domain], log: ProblemLog) -> None:
    """Log an `outside_domain` error for every value its indicator's domain excludes."""
    for indicator_id, domain in domains.items():
        rows = frame.index[(frame["indicator_id"] == indicator_id) & frame["value"].notna()]
        for i in rows:
            value = float(frame.at[i, "value"])
            if not domain.allows(value):
                src = sources.loc[i]
                log.add(
                    "outside_domain",
                    row=int(src["row"]),
                    column=src["column"],
                    header=src["header"],
                    value=f"{value:,.10g}",
                    indicator=indicator_id,
                    domain=domain.describe(),
                )


def dataset_kinds(history: pd.DataFrame, registry: RegionRegistry) -> frozenset[str]:
    """The kinds of region a stored dataset holds (empty when nothing is stored: then any region is accepted)."""
    return frozenset(registry.get(c).kind for c in history["region_code"].unique() if c in registry)


def accepted_kinds(kinds: frozenset[str]) -> frozenset[str]:
    """The kinds a dataset holding `kinds` takes: a dataset of provinces also takes their prefecture-level cities (a
    province's communiqué for its cities goes where its provincial figures are), one of cities the provinces (the
    municipalities are both)."""
    return kinds | {"province", "city"} if kinds & {"province", "city"} else kinds


def place_regions(
    frame: pd.DataFrame, sources: pd.DataFrame, kinds: frozenset[str], registry: RegionRegistry, log: ProblemLog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regions mapped onto the dataset's geography; rows of regions outside it are logged once per region and left
    out, and two rows that now name one place are logged as duplicates."""
    if not kinds or frame.empty:
        return frame, sources
    names = [KIND_NAMES[k] for k in sorted(kinds)]
    geography = Text("、".join(n.zh for n in names), ", ".join(n.en for n in names))
    placed = {code: registry.in_kinds(code, accepted_kinds(kinds)) for code in frame["region_code"].unique()}
    for code, target in placed.items():
        if target is None:
            src = sources.loc[frame.index[frame["region_code"] == code][0]]
            log.add(
                "region_outside_geography",
                row=int(src["row"]),
                column=src["column"],
                header=src["header"],
                value=code,
                region=Text(registry.name(code, "zh"), registry.name(code, "en")),
                geography=geography,
            )
    mapped = frame.assign(region_code=frame["region_code"].map(placed))
    keep = mapped["region_code"].notna()
    mapped, sources = mapped[keep], sources[keep]
    twice = mapped.duplicated(KEY, keep="first")
    for i in mapped.index[twice]:
        first = mapped.index[(mapped[KEY] == mapped.loc[i, KEY]).all(axis=1)][0]
        log.add(
            "duplicate_key",
            row=int(sources.at[i, "row"]),
            column=sources.at[i, "column"],
            header=sources.at[i, "header"],
            value="" if math.isnan(mapped.at[i, "value"]) else mapped.at[i, "value"],
            indicator=mapped.at[i, "indicator_id"],
            region=Text(*(registry.name(mapped.at[i, "region_code"], lang) for lang in ("zh", "en"))),
            period=periods.label(mapped.at[i, "period"], mapped.at[i, "freq"]),
            first_row=int(sources.at[first, "row"]),
        )
    mapped, sources = mapped[~twice], sources[~twice]
    order = mapped.sort_values(KEY, kind="stable").index
    return mapped.loc[order].reset_index(drop=True), sources.loc[order].reset_index(drop=True)
