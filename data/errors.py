"""Named errors raised by the data layer.

Each message says which file or value was involved and what was expected, so a page can show it as is.
"""


class DataError(Exception):
    """Base class: something is wrong with stored or supplied data."""


class DataFileMissing(DataError):
    """A shipped or configured data file does not exist."""


class DataFormatError(DataError):
    """A data file exists but its layout or values are not what the loader expects."""


class UnknownDataset(DataError, KeyError):
    """A dataset id is not in the registry."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownRegion(DataError, KeyError):
    """A region name or code is not in the registry."""

    def __init__(self, name: str, suggestions: list[str] | None = None):
        self.name = name
        self.suggestions = suggestions or []
        super().__init__(name)

    def __str__(self) -> str:
        hint = f"; closest: {', '.join(self.suggestions)}" if self.suggestions else ""
        return f"unknown region {self.name!r}{hint}"
