"""Words and number formats on the maps, in Chinese and English.

Kept beside the figure code rather than in ``ui/strings.yaml`` because ``maps`` may not import ``ui``.
"""

from __future__ import annotations

import math

from data import dataset
from indicators.metadata import Indicator

LANGS = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    "no_data": {"zh": "无数据", "en": "no data"},
    "title": {"zh": "{name}（{year}年）", "en": "{name} ({year})"},
    "title_preliminary": {"zh": "{name}（{year}年，初步数）", "en": "{name} ({year}, preliminary)"},
    "preliminary": {"zh": "{year}年数值为初步数", "en": "{year} figures are preliminary"},
    "stale": {
        "zh": "最新数据为 {latest}年（按发布周期应已有 {expected}年数据）",
        "en": "Latest data: {latest} ({expected} should have been published by now)",
    },
    "period": {"zh": "{year}年", "en": "{year}"},
    "rank": {"zh": "排名", "en": "Rank"},
    "rank_of": {"zh": "第 {rank} 名 / 共 {n} 个", "en": "{rank} of {n}"},
    "value": {"zh": "数值", "en": "Value"},
    "year": {"zh": "年份", "en": "Year"},
    "unit": {"zh": "单位：{unit}", "en": "Unit: {unit}"},
    "darker_better": {"zh": "颜色越深越好", "en": "darker = better"},
    "darker_higher": {"zh": "颜色越深数值越高", "en": "darker = higher"},
    "scheme": {"zh": "分级：{scheme}，{k} 级", "en": "{scheme}, {k} classes"},
    "data_source": {"zh": "数据：{producer}（{version}）· {licence}", "en": "Data: {producer} ({version}) · {licence}"},
    "boundary_source": {"zh": "边界：{producer} · {licence}", "en": "Boundaries: {producer} · {licence}"},
    "unmatched": {"zh": "无边界、未绘出：{regions}", "en": "Not drawn (no boundary): {regions}"},
    "borrowed": {"zh": "{regions} 按省级边界绘出", "en": "{regions} drawn from the provincial layer"},
}

SEPARATOR = {"zh": "、", "en": "; "}  # "; " because English names carry commas ("Hong Kong SAR, China")


def text(key: str, lang: str = "zh", **values: object) -> str:
    """A label in the user's language (falls back to Chinese), with ``{placeholders}`` filled."""
    entry = TEXT[key]
    return entry.get(lang, entry["zh"]).format(**values)


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int, lang: str = "zh") -> str:
    """Thousands separators and the indicator's decimals; a gap reads 无数据 / no data."""
    return text("no_data", lang) if is_missing(value) else f"{value:,.{decimals}f}"


def with_unit(value: float | None, decimals: int, unit: str, lang: str = "zh") -> str:
    """Number and unit: no space in Chinese or before %, one space otherwise (as ui/format.py does)."""
    shown = number(value, decimals, lang)
    if is_missing(value):
        return shown
    return f"{shown}{unit}" if lang == "zh" or unit.startswith("%") else f"{shown} {unit}"


def interval(lower: float, upper: float, decimals: int, lang: str = "zh") -> str:
    """Legend label of one class: "lower – upper" in the indicator's decimals."""
    low, high = number(lower, decimals, lang), number(upper, decimals, lang)
    return low if low == high else f"{low} – {high}"


def footer(meta: Indicator, boundary_dataset: str, lang: str = "zh", sources: tuple[str, ...] = ()) -> list[str]:
    """Source lines: the data's producer, version and licence (each of `sources`, default the indicator's own
    dataset); the boundaries' producer and licence."""
    bounds = dataset(boundary_dataset)
    lines = []
    for source in sources or (meta.source,):
        data = dataset(source)
        lines.append(
            text("data_source", lang, producer=data.producer[lang], version=data.version, licence=data.licence[lang])
        )
    return [*lines, text("boundary_source", lang, producer=bounds.producer[lang], licence=bounds.licence[lang])]
