"""The one text module: every string the product shows or writes, in Chinese and English, rendered by key.

The strings live in ``common/strings/*.yaml``, one file per area (a page, the briefing pack, the data layer's
messages, the libraries' sentences); keys are namespaced by area (``overview.*``, ``pack.*``, ``upload.*``,
``warning.*`` …) and a key defined in two files is an error. ``tests/test_text.py`` checks that every key has both
languages with the same placeholders and that every key the code uses exists.

Libraries return facts, not sentences: a `Message` is a key and its fields, put into words by whoever shows it
(`message.render(lang)`, or ``message[lang]``) — a page, a briefing pack, a mail. A field may be

* a `Text` or a ``{zh, en}`` mapping (a name from metadata): the entry of the language rendered;
* anything with a ``render(lang)`` method (a nested `Message`, a `common.periods.Period`);
* a list, tuple or set: its items joined with 、 in Chinese and ", " in English (an empty one reads 无 / none);
* a float: thousands separators and up to ten significant digits (``1,234.5``); anything else: ``str(value)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from common import yamlio

STRINGS_DIR = Path(__file__).resolve().parent / "strings"
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_NAMES = {"zh": "中文", "en": "English"}  # each language named in itself, the same on every page
JOINER = {"zh": "、", "en": ", "}
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\ufe63": "-"})
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff\u00a0\u2009\u202f]")


class UnsupportedLanguage(ValueError):
    """A language code other than zh or en."""


class DuplicateKey(ValueError):
    """A string key defined in two files (or twice in one) of common/strings."""


class UnknownKey(KeyError):
    """A key that no file of common/strings defines (a programming error; the tests catch it)."""


def check_lang(lang: object, error: type[Exception] = UnsupportedLanguage) -> str:
    """`lang` if it is one of `LANGS`.

    Args:
        lang: the language code to check.
        error: the exception class to raise, so a library can raise its own named error.

    Raises:
        UnsupportedLanguage (or `error`): any other value.
    """
    if lang not in LANGS:
        raise error(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    return str(lang)


class _UniqueKeyLoader(yamlio.SafeLoader):
    """A YAML loader that refuses a mapping key given twice (PyYAML silently keeps the last one)."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise DuplicateKey(f"{node.start_mark.name}, line {key_node.start_mark.line + 1}: {key!r} given twice")
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@lru_cache(maxsize=4)
def strings(directory: Path = STRINGS_DIR) -> dict[str, dict[str, str]]:
    """Every string: key → {zh, en}, merged from the YAML files of `directory`.

    Raises:
        DuplicateKey: a key is defined twice, in one file or in two.
    """
    merged: dict[str, dict[str, str]] = {}
    where: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        for key, texts in (yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}).items():
            if key in merged:
                raise DuplicateKey(f"{path.name}: string key {key!r} is already defined in {where[key]}")
            merged[key], where[key] = texts, path.name
    return merged


def has(key: str) -> bool:
    """Whether `key` is defined."""
    return key in strings()


def _entry(key: str) -> dict[str, str]:
    try:
        return strings()[key]
    except KeyError:
        raise UnknownKey(f"no string {key!r} in common/strings") from None


@dataclass(frozen=True)
class Text:
    """A value that differs by language (a frequency name, a region name): ``Text("年度", "annual")["en"]``."""

    zh: str
    en: str

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> Text:
        """A `Text` from a ``{zh, en}`` mapping."""
        return cls(texts["zh"], texts["en"])

    @classmethod
    def from_key(cls, key: str, /, **fields: object) -> Text:
        """Both languages of string `key`, rendered now."""
        return cls(render(key, "zh", **fields), render(key, "en", **fields))

    def render(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    __getitem__ = render


class Message:
    """A fact to be put into words: a string key and the fields its placeholders take.

    ``Message("warning.gap_none")``, ``Message("warning.gap", since=Period(...), upto=Period(...))``. The key must
    exist when the message is made, so a typo fails where it is written rather than where it is shown.
    """

    __slots__ = ("key", "fields")

    def __init__(self, key: str, /, **fields: object):
        _entry(key)
        self.key = key
        self.fields = fields

    def render(self, lang: str) -> str:
        """The message in `lang`."""
        return render(self.key, lang, **self.fields)

    __getitem__ = render

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.fields) == (other.key, other.fields)

    __hash__ = None  # fields may hold lists

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return f"Message({self.key!r}{', ' if fields else ''}{fields})"


def field_text(value: object, lang: str) -> str:
    """One field as text in `lang` (see the module docstring for the rules)."""
    if isinstance(value, str):
        return value
    if hasattr(value, "render"):
        return value.render(lang)
    if isinstance(value, Mapping) and lang in value:
        return value[lang]
    if isinstance(value, list | tuple | set | frozenset):
        items = [field_text(v, lang) for v in value]
        return JOINER[lang].join(items) if items else render("common.none", lang)
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(value)


def render(key: str, lang: str, /, **fields: object) -> str:
    """The string `key` in `lang` with its ``{placeholders}`` filled from `fields`.

    Raises:
        UnknownKey: `key` is not defined.
        UnsupportedLanguage: `lang` is neither zh nor en.
    """
    text = _entry(key)[check_lang(lang)]
    if not fields:
        return text
    return text.format_map({name: field_text(value, lang) for name, value in fields.items()})


def both(key: str, /, **fields: object) -> tuple[str, str]:
    """The (Chinese, English) text of `key`."""
    return render(key, "zh", **fields), render(key, "en", **fields)


def clean(text: object) -> str:
    """Incoming text made plain for reading: NFKC-normalised (full-width digits and punctuation such as １２３，４．５％
    become ASCII, "…" becomes "..."), Unicode minus signs as "-", invisible spaces as blanks, trimmed."""
    normal = unicodedata.normalize("NFKC", str(text)).translate(_MINUS)
    return _INVISIBLE.sub(" ", normal).strip()
