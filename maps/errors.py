"""Named errors of the maps library; each message says what was expected and what was received."""

from data.errors import DataError


class MapError(DataError):
    """A map cannot be drawn from these arguments or this data."""


class UnknownLevel(MapError, ValueError):
    """A map level other than "china" or "world"."""


class UnknownScheme(MapError, ValueError):
    """A classification scheme the library does not offer, or a class count out of range."""
