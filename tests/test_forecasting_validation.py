"""Bad input raises named errors that say what was expected and what was received; frequencies are inferred."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import ForecastInputError, UnknownModelError, forecast, leaderboard
from forecasting.frequency import data_code, future_dates, grid, infer_freq, resolve_freq, season_length


def good(n: int = 12, uid: str = "a") -> pd.DataFrame:
    """A clean annual series."""
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2000-01-01", periods=n, freq="YS"), "y": np.arange(n)})


def with_column(**changes) -> pd.DataFrame:
    return good().assign(**changes)


@pytest.mark.parametrize(
    ("df", "message"),
    [
        ([1, 2, 3], "expected a pandas DataFrame with columns unique_id, ds, y; got list"),
        (good().drop(columns="y"), r"lacks column\(s\) y; expected unique_id, ds, y; got \['unique_id', 'ds'\]"),
        (good().iloc[:0], "the frame is empty"),
        (with_column(y=np.nan), r"1 series have no observed value \(every y missing\), e\.g\. \['a'\]"),
        (with_column(y=["1.5"] * 11 + ["n/a"]), r"y must be numeric; got 1 non-numeric value\(s\).*'n/a'"),
        (with_column(y=True), "y must be numeric; got booleans"),
        (with_column(y=np.r_[np.arange(11.0), np.inf]), r"finite or missing; got 1 infinite"),
        (pd.concat([good(), good().iloc[[3]]]), r"duplicate dates within a series: 2 rows.*'a' 2003-01-01"),
        (with_column(ds=np.arange(12) + 0.5), r"numbered periods must be whole numbers; got \[0\.5"),
        (with_column(ds=np.r_[np.arange(11), 11.5]), r"numbered periods must be whole numbers; got \[11\.5\]"),
        (with_column(ds=["2000-01-01"] * 11 + ["soon"]), r"ds has 1 missing or unreadable date\(s\), e\.g\. \['soon"),
        (with_column(unique_id=[None] + ["a"] * 11), r"unique_id is missing in 1 row\(s\)"),
        (good(1), r"series 'a' has 1 observed value\(s\); at least 2 are needed"),
        (
            pd.DataFrame(
                {
                    "unique_id": "a",
                    "ds": pd.to_datetime(["2000-01-01 00:00", "2000-01-01 07:00", "2000-01-02 01:00"]),
                    "y": 1.0,
                }
            ),
            "cannot infer the frequency",
        ),
    ],
)
def test_bad_frames(df, message):
    with pytest.raises(ForecastInputError, match=message):
        forecast(df, h=2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"h": 0}, ForecastInputError, "h must be a positive integer number of periods; got 0"),
        ({"h": -2}, ForecastInputError, "got -2"),
        ({"h": 1.5}, ForecastInputError, r"got 1\.5 \(float\)"),
        ({"h": True}, ForecastInputError, r"got True \(bool\)"),
        ({"h": 2, "model": "lstm"}, UnknownModelError, "unknown model 'lstm'; expected one of: combination, auto,"),
        ({"h": 2, "model": None}, UnknownModelError, "unknown model None"),
        ({"h": 2, "level": (80, 100)}, ForecastInputError, r"between 0 and 100 \(exclusive\); got 100"),
        ({"h": 2, "level": "95"}, ForecastInputError, "level must be numbers between 0 and 100"),
        ({"h": 2, "freq": "fortnightly"}, ForecastInputError, "unknown frequency 'fortnightly'"),
        ({"h": 2, "freq": "M"}, ForecastInputError, "freq 'M' does not match the dates, which look like 'YS-JAN'"),
        ({"h": 2, "freq": "MS"}, None, None),
    ],
)
def test_bad_arguments(kwargs, error, message):
    if error is None:  # annual dates are on the monthly grid: accepted, as a monthly series with gaps
        out = forecast(good(), **kwargs)
        assert out["ds"].iloc[0] == pd.Timestamp("2011-02-01")
        return
    with pytest.raises(error, match=message):
        forecast(good(), **kwargs)


def test_unknown_model_is_a_forecast_input_error_and_a_value_error():
    assert issubclass(UnknownModelError, ForecastInputError) and issubclass(ForecastInputError, ValueError)


def test_leaderboard_checks_its_model_list():
    with pytest.raises(UnknownModelError, match="unknown model 'auto'"):
        leaderboard(good(), h=2, models=["auto"])
    with pytest.raises(ForecastInputError, match="n_windows"):
        leaderboard(good(), h=2, n_windows=0)


def test_levels_are_sorted_and_named_without_decimals():
    out = forecast(good(), h=1, level=[97.5, 50], model="naive")
    bounds = [c for c in out.columns if c.startswith("naive-")]
    assert bounds == ["naive-lo-50", "naive-hi-50", "naive-lo-97.5", "naive-hi-97.5"]


def test_numeric_strings_are_accepted_and_dates_as_strings():
    df = good().assign(y=lambda d: d.y.astype(str), ds=lambda d: d.ds.dt.strftime("%Y-%m-%d"))
    assert len(forecast(df, h=2, model="naive")) == 2


@pytest.mark.parametrize(
    ("freq", "alias", "season"),
    [
        ("YS", "YS-JAN", 1),
        ("YS-JUL", "YS-JUL", 1),
        ("QS", "QS-JAN", 4),
        ("QS-FEB", "QS-FEB", 4),
        ("MS", "MS", 12),
        ("YE", "YE-DEC", 1),
        ("QE", "QE-DEC", 4),
        ("ME", "ME", 12),
        ("W-MON", "W-MON", 52),
        ("D", "D", 7),
    ],
)
def test_infer_freq_and_season_length(freq, alias, season):
    dates = pd.date_range("2001-01-01", periods=30, freq=freq)
    assert infer_freq(dates) == alias
    assert season_length(alias) == season
    full, positions = grid(dates.delete([3, 4]), alias)
    assert len(full) == 30 and positions[3] == 5
    assert future_dates(dates[-1], 2, alias)[0] == pd.date_range(dates[-1], periods=2, freq=freq)[1]


def test_infer_freq_with_gaps_and_data_layer_codes():
    dates = pd.DatetimeIndex(["2001-01-01", "2002-01-01", "2005-01-01", "2006-01-01"])
    assert infer_freq(dates) == "YS-JAN"
    assert resolve_freq("A", dates) == "YS-JAN"
    quarter_ends = pd.date_range("2001-03-31", periods=8, freq="QE")
    assert resolve_freq("Q", quarter_ends) == "QE-DEC"


def test_dates_off_the_grid():
    with pytest.raises(ForecastInputError, match="not on a regular 'MS' grid"):
        grid(pd.DatetimeIndex(["2000-01-01", "2000-02-15"]), "MS")


@pytest.mark.parametrize(
    ("alias", "code"),
    [("YS-JAN", "A"), ("YE-DEC", "A"), ("QS-JAN", "Q"), ("QE-DEC", "Q"), ("MS", "M"), ("ME", "M")]
    + [("2YS-JAN", None), ("6MS", None), ("W-SUN", None), ("D", None)],
)
def test_data_codes_of_one_period_aliases(alias, code):
    assert data_code(alias) == code
