"""Indicator library: the catalogue and its schema, derived views, queries over the long frame.

Imports `data` only; no Streamlit.
"""

from indicators.errors import DerivationError, MetadataError, UnknownIndicator
from indicators.metadata import Catalogue, Indicator, catalogue, load_catalogue

__all__ = [
    "Catalogue",
    "DerivationError",
    "Indicator",
    "MetadataError",
    "UnknownIndicator",
    "catalogue",
    "load_catalogue",
]
