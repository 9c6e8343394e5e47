"""Public holidays of a daily series: days that are not comparable with an ordinary weekday.

A hotline's volume on 春节 or 国庆 says nothing about an ordinary Tuesday, and a week-based model (season 7) does
not know that. The calendars come from the ``holidays`` package (pinned in requirements.txt; statutory holidays
including the lunar ones), never from a hand-written list. China's is the default; an office elsewhere (the shipped
Boston log) names its own country.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from forecasting.errors import ForecastInputError

DEFAULT_COUNTRY = "CN"
_LANGUAGES = {"zh": "zh_CN", "en": "en_US"}


@lru_cache(maxsize=32)
def _calendar(country: str, years: tuple[int, ...], language: str | None) -> dict:
    import holidays as _holidays  # 0.2 s: paid by the first daily series, not by every page's start

    try:
        return dict(_holidays.country_holidays(country, years=years, language=language))
    except NotImplementedError as err:
        raise ForecastInputError(
            f"no public-holiday calendar for country {country!r}; expected e.g. 'CN' or 'US'"
        ) from err


@lru_cache(maxsize=32)
def _languages(country: str) -> tuple[str, ...]:
    import holidays as _holidays

    try:
        return tuple(_holidays.country_holidays(country).supported_languages)
    except NotImplementedError:
        return ()


def holiday_names(dates: pd.DatetimeIndex, country: str = DEFAULT_COUNTRY, lang: str | None = None) -> pd.Series:
    """The public holiday on each date (its name; ``None`` on an ordinary day), indexed by the dates.

    Args:
        dates: the days to look up (times of day are ignored).
        country: ISO 3166 alpha-2 code of the calendar.
        lang: ``"zh"`` or ``"en"`` for the names where the calendar has them; its own language otherwise.
    """
    dates = pd.DatetimeIndex(dates)
    if dates.empty:
        return pd.Series([], index=dates, dtype=object)
    years = tuple(range(int(dates.year.min()), int(dates.year.max()) + 1))
    language = _LANGUAGES.get(lang or "") if lang is not None and _LANGUAGES[lang] in _languages(country) else None
    calendar = _calendar(country, years, language)
    return pd.Series([calendar.get(d.date()) for d in dates.normalize()], index=dates, dtype=object)


def is_holiday(dates: pd.DatetimeIndex, country: str | None = DEFAULT_COUNTRY) -> np.ndarray:
    """Whether each date is a public holiday (all False when ``country`` is None)."""
    if country is None:
        return np.zeros(len(dates), dtype=bool)
    return holiday_names(dates, country).notna().to_numpy()


__all__ = ["DEFAULT_COUNTRY", "holiday_names", "is_holiday"]
