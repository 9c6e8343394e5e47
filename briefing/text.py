"""Fitting text into fixed widths (chart footers, spreadsheet columns, slides) when CJK and Latin are mixed."""

from __future__ import annotations

import re
import unicodedata

# A wide (CJK) character alone, or a run of narrow characters with its trailing spaces: the units a line breaks at.
WRAP_TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+")


def text_width(text: str) -> float:
    """Rough width in em: CJK and other wide characters 1, the rest about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def wrap(text: str, max_em: float) -> list[str]:
    """Split `text` into lines no wider than `max_em`, breaking after spaces or between wide characters."""
    lines, current = [], ""
    for token in WRAP_TOKENS.findall(text):
        if current and text_width(current + token) > max_em:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return [*lines, current.rstrip()] if current.strip() else lines


def shorten(text: str, max_em: float) -> str:
    """`text` cut to `max_em` with an ellipsis when longer."""
    if text_width(text) <= max_em:
        return text
    out = ""
    for char in text:
        if text_width(out + char) > max_em - 1:
            break
        out += char
    return out.rstrip() + "…"
