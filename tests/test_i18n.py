"""Every interface string exists in Chinese and English, and every key the code uses is defined."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.i18n import LANGS, strings

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
# t("key") and t(f"prefix.{var}") calls in the UI layer.
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
PREFIX = re.compile(r"""\bt\(\s*f["']([a-z_]+\.)\{""")
UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def test_every_key_has_both_languages():
    for key, texts in strings().items():
        assert set(texts) == set(LANGS), f"{key}: languages {sorted(texts)}"
        assert all(isinstance(v, str) and v.strip() for v in texts.values()), f"{key}: empty translation"


def test_placeholders_agree_between_languages():
    for key, texts in strings().items():
        fields = {lang: set(re.findall(r"\{(\w+)\}", text)) for lang, text in texts.items()}
        assert fields["zh"] == fields["en"], f"{key}: placeholders differ {fields}"


def test_chinese_strings_are_chinese():
    language_neutral = {"app.language"}
    for key, texts in strings().items():
        if key not in language_neutral and re.search(r"[A-Za-z]{4,}", texts["en"]):
            assert CJK.search(texts["zh"]) or texts["zh"] != texts["en"], f"{key}: zh looks untranslated"


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_keys_used_in_code_are_defined(path):
    text = path.read_text(encoding="utf-8")
    missing = [k for k in LITERAL.findall(text) if k not in strings()]
    assert not missing, f"{path.name} uses undefined string keys {missing}"
    for prefix in PREFIX.findall(text):
        assert any(k.startswith(prefix) for k in strings()), f"{path.name}: no strings under {prefix}*"


def test_dynamic_key_families_are_complete(cat):
    for ind in cat:
        for key in (f"freq.{ind.frequency}", f"category.{ind.category}", f"polarity.{ind.polarity}"):
            assert key in strings(), key
    for view in ("level", "yoy", "per_capita", "share", "index"):
        assert f"view.{view}" in strings()
