"""Named errors of the indicator library."""

from data.errors import DataError


class UnknownIndicator(DataError, KeyError):
    """An indicator id is not in the catalogue."""

    def __init__(self, indicator_id: str, suggestions: list[str] | None = None):
        self.indicator_id = indicator_id
        self.suggestions = suggestions or []
        super().__init__(indicator_id)

    def __str__(self) -> str:
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        return f"unknown indicator {self.indicator_id!r}{hint}"


class MetadataError(DataError):
    """The indicator catalogue breaks its schema or refers to something that does not exist."""


class DerivationError(DataError):
    """A derived view cannot be computed for this indicator (e.g. per capita without a population)."""
