"""Bilingual messages of the data layer (its errors and the upload's validation report), read from messages.yaml.

`render(code, **fields)` returns the Chinese and the English text. A field may be a `Text` (one value per
language, e.g. a frequency name) or a list (joined with 、 in Chinese and , in English).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yaml"
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Text:
    """A field value that differs by language."""

    zh: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


FREQ_NAMES = {"A": Text("年度", "annual"), "Q": Text("季度", "quarterly"), "M": Text("月度", "monthly")}
FIELD_NAMES = {
    "region": Text("地区", "region"),
    "period": Text("时期", "period"),
    "indicator": Text("指标", "indicator"),
    "value": Text("数值", "value"),
}
NONE = Text("无", "none")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All messages by code: {code: {zh, en}}."""
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def _format_value(value: object, lang: str) -> str:
    if isinstance(value, Text):
        return value[lang]
    if isinstance(value, list | tuple | set | frozenset):
        items = [_format_value(v, lang) for v in value]
        return ("、" if lang == "zh" else ", ").join(items) if items else NONE[lang]
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(value)


def render(code: str, **fields: object) -> tuple[str, str]:
    """The (Chinese, English) message for `code` with its placeholders filled.

    Raises:
        KeyError: the code is not in messages.yaml (a programming error, caught by the tests).
    """
    entry = catalogue()[code]
    return tuple(entry[lang].format_map({k: _format_value(v, lang) for k, v in fields.items()}) for lang in LANGS)
