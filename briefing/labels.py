"""Text the library writes into exports, in Chinese and English, from labels.yaml beside this file.

The library cannot use the UI's `t()` (imports point from ui to briefing, not back), so it keeps its own small
table; both languages are checked by tests/test_briefing_narrative.py.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from briefing.errors import BriefingError

LANGS = ("zh", "en")
LABELS_FILE = Path(__file__).resolve().parent / "labels.yaml"


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """Every label: key → {zh, en}."""
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def check_lang(lang: str) -> str:
    """`lang` if it is zh or en.

    Raises:
        BriefingError: any other language code.
    """
    if lang not in LANGS:
        raise BriefingError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


def label(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang`, with its `{placeholders}` filled from `values`."""
    text = labels()[key][check_lang(lang)]
    return text.format(**values) if values else text
