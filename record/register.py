"""The decision register's comparison: what happened against the adopted scenario and the baseline it was measured
against, with the uncertainty of that comparison stated.

For each period of the adopted scenario that now has an actual:

* expected effect = scenario − baseline (central paths as published): what the decision was expected to add;
* observed difference = actual − baseline: what happened beyond the no-decision forecast;
* its 80% (and 95%) range = actual − the baseline's published interval: the baseline is a forecast, so the
  difference is only known up to the baseline's own uncertainty. When that range holds 0, the outturn cannot be told
  apart from "no effect"; when it holds the expected effect, the outturn is consistent with the expectation.

A rate (growth in %) is compared in percentage points; an amount in its unit and as a percentage of the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from common.periods import Period, parse_label
from common.text import Message


@dataclass(frozen=True)
class DecisionOutturn:
    """One period of an adopted scenario with its outturn (numbers in the indicator's unit, or points for a rate)."""

    period: str
    actual: float
    baseline: float
    scenario: float
    expected: float  # scenario − baseline
    observed: float  # actual − baseline
    observed_lo80: float | None  # actual − baseline's hi-80
    observed_hi80: float | None  # actual − baseline's lo-80
    observed_lo95: float | None
    observed_hi95: float | None
    kind: str  # rate | level

    @property
    def zero_inside80(self) -> bool | None:
        """Whether "no effect" lies within the 80% range of the observed difference (None: no interval)."""
        if self.observed_lo80 is None or self.observed_hi80 is None:
            return None
        return self.observed_lo80 <= 0 <= self.observed_hi80

    @property
    def expected_inside80(self) -> bool | None:
        """Whether the expected effect lies within the 80% range of the observed difference."""
        if self.observed_lo80 is None or self.observed_hi80 is None:
            return None
        return self.observed_lo80 <= self.expected <= self.observed_hi80

    @property
    def observed_pct(self) -> float | None:
        """The observed difference as a percentage of the baseline (amounts only)."""
        if self.kind == "rate" or not self.baseline:
            return None
        return 100 * self.observed / self.baseline


def _minus(actual: float, bound: float | None) -> float | None:
    return None if bound is None else actual - bound


def compare_decision(payload: Mapping, scenario: str, actuals: Mapping[str, float]) -> list[DecisionOutturn]:
    """Every period of the adopted ``scenario`` of a frozen scenario set that has an actual, oldest first.

    Raises:
        KeyError: the set has no scenario of that name.
    """
    paths = {s["name"]: s for s in payload.get("scenarios", [])}
    if scenario not in paths:
        raise KeyError(scenario)
    chosen = {p["period"]: p for p in paths[scenario]["points"]}
    kind = payload.get("scenario_kind", "level")
    out = []
    for base in payload["points"]:
        period, actual = base["period"], actuals.get(base["period"])
        if actual is None or math.isnan(actual) or period not in chosen or base["mean"] is None:
            continue
        central = chosen[period]["mean"]
        out.append(
            DecisionOutturn(
                period=period,
                actual=float(actual),
                baseline=base["mean"],
                scenario=central,
                expected=central - base["mean"],
                observed=float(actual) - base["mean"],
                observed_lo80=_minus(actual, base.get("hi-80")),
                observed_hi80=_minus(actual, base.get("lo-80")),
                observed_lo95=_minus(actual, base.get("hi-95")),
                observed_hi95=_minus(actual, base.get("lo-95")),
                kind=kind,
            )
        )
    return out


def expected_path(payload: Mapping, scenario: str) -> list[tuple[str, float]]:
    """The adopted scenario's expected effect per period as published: (period, scenario − baseline).

    Raises:
        KeyError: the set has no scenario of that name.
    """
    paths = {s["name"]: s for s in payload.get("scenarios", [])}
    chosen = {p["period"]: p["mean"] for p in paths[scenario]["points"]}
    return [
        (b["period"], chosen[b["period"]] - b["mean"])
        for b in payload["points"]
        if b["period"] in chosen and b["mean"] is not None and chosen[b["period"]] is not None
    ]


def _fmt(value: float, decimals: int) -> str:
    return f"{abs(value):,.{decimals}f}"


def _signed(value: float, decimals: int) -> str:
    return f"{value:+,.{decimals}f}"


def sentence(o: DecisionOutturn, freq: str, unit: Mapping[str, str], decimals: int = 1) -> Message:
    """The comparison in words: 实际增速比基线高 0.6 个百分点，预期为 1.0（…基线 80% 区间…）."""
    direction = Message("record.higher" if o.observed >= 0 else "record.lower")
    if o.kind == "rate":
        head = Message(
            "record.vs_baseline_rate",
            direction=direction,
            diff=_fmt(o.observed, decimals),
            expected=_signed(o.expected, decimals),
        )
    else:
        head = Message(
            "record.vs_baseline_level",
            direction=direction,
            diff=_fmt(o.observed, decimals),
            unit=dict(unit),
            pct=_fmt(o.observed_pct or 0.0, 1),
            expected=_signed(o.expected, decimals),
        )
    zero, period = o.zero_inside80, Period(parse_label(o.period, freq).start_time, freq)
    if zero is None:
        return Message("record.outturn", period=period, head=head, band=Message("record.band_none"))
    verdict = Message("record.verdict_no_effect" if zero else "record.verdict_effect")
    band = Message(
        "record.band80",
        lo=_signed(o.observed_lo80, decimals),
        hi=_signed(o.observed_hi80, decimals),
        verdict=verdict,
        expected_inside=Message("record.expected_inside" if o.expected_inside80 else "record.expected_outside"),
    )
    return Message("record.outturn", period=period, head=head, band=band)
