"""Short numbers for axes and legends, the way each language writes large numbers: 2万 / 4万 / 1.5亿 in Chinese,
20k / 40k / 1.5M / 2bn in English.

One scale per axis (or legend): every label of it uses the same word, chosen by the largest value, so "0.5万 / 1万 /
1.5万" reads as one series of numbers. The words live in ``common/strings/common.yaml`` (``number.scales``: pairs
``exponent=word``), so the convention of each language is data, not code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from common.text import render

MAX_DECIMALS = 6
NICE_STEPS = (1, 2, 2.5, 5, 10)


def scales(lang: str) -> list[tuple[float, str]]:
    """The language's scale words, largest first: ``[(1e12, "万亿"), (1e8, "亿"), (1e4, "万")]`` in Chinese."""
    pairs = (item.split("=", 1) for item in render("number.scales", lang).split())
    return sorted(((10.0 ** int(exp), word) for exp, word in pairs), reverse=True)


def _candidates(largest: float, lang: str) -> list[tuple[float, str]]:
    """The scales that fit numbers up to `largest`, largest first, ending with no scale at all."""
    return [(f, w) for f, w in scales(lang) if abs(largest) >= f] + [(1.0, "")]


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """About `target` round tick values (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering ``[lo, hi]``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if lo > hi:
        lo, hi = hi, lo
    span = hi - lo or abs(hi) or 1.0
    raw = span / max(1, target - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    # the round step nearest the raw one (in ratio), so an axis shows 4–7 ticks rather than 2 or 3 inside its range
    step = min((s * power for s in NICE_STEPS), key=lambda s: abs(math.log(s / raw)))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [_clean(k * step) for k in range(first, last + 1)]


def _clean(value: float) -> float:
    # 0.30000000000000004 → 0.3, and never a "-0"
    return round(value, 12) + 0.0


def _decimals(scaled: Sequence[float], tolerance: float) -> int:
    """The fewest decimals that keep distinct values distinct and each within `tolerance` of itself (relative)."""
    for d in range(MAX_DECIMALS + 1):
        rounded = [round(v, d) for v in scaled]
        close = all(abs(r - v) <= tolerance * abs(v) + 1e-12 for r, v in zip(rounded, scaled, strict=True))
        if close and len(set(rounded)) == len(set(scaled)):
            return d
    return MAX_DECIMALS


def short_labels(values: Sequence[float], lang: str, tolerance: float = 1e-9, max_decimals: int = 1) -> list[str]:
    """Labels of `values` on one scale: ``["0", "2万", "4万"]`` / ``["0", "20k", "40k"]``.

    The largest scale the values reach is used unless its labels would need more than `max_decimals` decimals
    (0.25万 reads worse than 2,500): then the next smaller one, down to plain numbers with separators.

    Args:
        values: tick values or legend bounds (finite numbers).
        tolerance: how far a label may round a value, relative to the value; the default keeps tick values exact,
            a legend of measured bounds may allow 0.005 (three significant digits).
    """
    if not values:
        return []
    for factor, word in _candidates(max(abs(v) for v in values), lang):
        scaled = [v / factor for v in values]
        d = _decimals(scaled, tolerance)
        if d <= max_decimals or not word:
            return [_label(v, d, word) for v in scaled]
    raise AssertionError("unreachable: the last candidate has no word")


def _label(scaled: float, decimals: int, word: str) -> str:
    text = f"{scaled:,.{decimals}f}"
    if word and "." in text:
        text = text.rstrip("0").rstrip(".")  # 1.5万 and 2万 on one axis, never 2.0万
    return "0" if float(text.replace(",", "")) == 0 else f"{text}{word}"


def axis_ticks(lo: float, hi: float, lang: str, target: int = 5) -> tuple[list[float], list[str]]:
    """Tick values over ``[lo, hi]`` and their labels in the language's convention."""
    values = nice_ticks(lo, hi, target)
    return values, short_labels(values, lang)
