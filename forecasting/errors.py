"""Named exceptions of the forecasting library.

Every message says what was expected and what was received, so a page can show it as it is (after translation of the
surrounding sentence) and an analyst can fix the input without reading code.
"""

from __future__ import annotations


class ForecastError(Exception):
    """Base class of every error raised on purpose by :mod:`forecasting`."""


class ForecastInputError(ForecastError, ValueError):
    """The input frame, horizon, frequency or interval level is not usable."""


class UnknownModelError(ForecastInputError):
    """A model name that is not in the registry."""


class NotFittedError(ForecastError, ValueError):
    """``predict`` was called before ``fit``."""


class ModelFitError(ForecastError, RuntimeError):
    """A model could not be fitted to one series (the engine then uses the fallback model)."""


class MissingDependencyError(ForecastError, ImportError):
    """An optional library is not installed; the message says how to install it."""
