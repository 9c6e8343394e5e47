"""Named errors of the briefing library: bad input is refused with a message saying what was expected."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class of every error raised by the briefing library."""


class UnsupportedFormat(BriefingError, ValueError):
    """An export format that this library does not write (e.g. ``"gif"`` for a chart)."""

    def __init__(self, got: str, supported: tuple[str, ...]):
        super().__init__(f"unsupported format {got!r}; expected one of {', '.join(supported)}")
        self.got = got
        self.supported = supported


class EmptyPack(BriefingError, ValueError):
    """A briefing pack was asked for with no items in it."""

    def __init__(self) -> None:
        super().__init__("a briefing pack needs at least one chart or table; got none")


class BadItem(BriefingError, ValueError):
    """A pack item or table that cannot be exported (wrong kind, missing figure or frame, empty title)."""


class ChromiumMissing(BriefingError, RuntimeError):
    """No Chromium executable to render charts with; the library never downloads one."""


class RenderError(BriefingError, RuntimeError):
    """Chromium started but failed to render a chart or print a document."""


class UnsupportedLanguage(BriefingError, ValueError):
    """A language other than zh or en (raised through `common.text.check_lang`)."""
