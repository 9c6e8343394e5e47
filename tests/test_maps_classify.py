"""Classification: breaks and counts are mapclassify's; missing values are "no data"; bad arguments are named."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest

from maps.classify import NO_DATA, SCHEMES, classify
from maps.errors import UnknownScheme


@pytest.fixture
def skewed() -> pd.Series:
    """31 log-normal values keyed like provinces, as skewed as GDP."""
    rng = np.random.default_rng(7)
    return pd.Series(rng.lognormal(10, 1, 31), index=[f"{110000 + i * 10000}" for i in range(31)])


@pytest.mark.parametrize(
    ("scheme", "values", "k", "bins", "counts"),
    [
        ("quantiles", list(range(10)), 4, [2.25, 4.5, 6.75, 9.0], [3, 2, 2, 3]),
        ("equal_interval", list(range(10)), 4, [2.25, 4.5, 6.75, 9.0], [3, 2, 2, 3]),
        ("equal_interval", [0, 1, 2, 3, 100], 4, [25.0, 50.0, 75.0, 100.0], [4, 0, 0, 1]),
        ("natural_breaks", [1, 2, 3, 10, 11, 12, 50, 51], 3, [3.0, 12.0, 51.0], [3, 3, 2]),
    ],
)
def test_known_inputs_give_known_breaks(scheme, values, k, bins, counts):
    result = classify(pd.Series(values, dtype="float64"), scheme, k)
    assert result.bins == pytest.approx(bins)
    assert result.counts() == counts


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("k", [3, 5, 7])
def test_breaks_and_classes_match_mapclassify(skewed, scheme, k):
    result = classify(skewed, scheme, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = SCHEMES[scheme].classifier(skewed.to_numpy(), k=k)
    assert result.bins == pytest.approx(list(reference.bins))
    assert result.counts() == list(reference.counts)
    assert result.classes.tolist() == list(reference.yb)


def test_natural_breaks_are_fisher_jenks_and_repeatable(skewed):
    assert SCHEMES["natural_breaks"].classifier is mapclassify.FisherJenks
    first, second = classify(skewed, "natural_breaks", 5), classify(skewed, "natural_breaks", 5)
    assert first.bins == second.bins
    assert first.classes.equals(second.classes)


def test_missing_values_are_no_data_and_do_not_shift_the_breaks(skewed):
    gappy = skewed.copy()
    gappy.iloc[[0, 5]] = np.nan
    result = classify(gappy, "quantiles", 5)
    assert result.no_data() == [gappy.index[0], gappy.index[5]]
    assert (result.classes[result.no_data()] == NO_DATA).all()
    assert sum(result.counts()) == 29
    assert result.bins == classify(gappy.dropna(), "quantiles", 5).bins


def test_fewer_distinct_values_than_classes_gives_fewer_classes_quietly():
    values = pd.Series([1.0, 1.0, 1.0, 2.0, 3.0], index=list("abcde"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scheme in SCHEMES:
            result = classify(values, scheme, 5)
            assert result.k <= 3
            assert sum(result.counts()) == 5


def test_a_constant_is_one_class_and_all_missing_is_all_no_data():
    constant = classify(pd.Series([4.0, 4.0, np.nan], index=list("abc")), "equal_interval", 5)
    assert (constant.k, constant.counts(), constant.no_data()) == (1, [2], ["c"])
    empty = classify(pd.Series([np.nan, np.nan], index=list("ab")), "quantiles", 5)
    assert (empty.k, empty.no_data(), empty.intervals()) == (0, ["a", "b"], [])


def test_intervals_start_at_the_minimum_and_follow_the_bins():
    result = classify(pd.Series([1.0, 2, 3, 10, 11, 12, 50, 51]), "natural_breaks", 3)
    assert result.intervals() == [(1.0, 3.0), (3.0, 12.0), (12.0, 51.0)]


@pytest.mark.parametrize(
    ("scheme", "k", "message"),
    [
        ("jenks", 5, "unknown classification scheme 'jenks'"),
        ("quantiles", 1, "from 2 to 9; got 1"),
        ("quantiles", 12, "got 12"),
        ("quantiles", 2.5, "got 2.5"),
    ],
)
def test_bad_scheme_or_class_count_is_named(scheme, k, message):
    with pytest.raises(UnknownScheme, match=message):
        classify(pd.Series([1.0, 2.0, 3.0]), scheme, k)
