"""Classification of map values into k classes with mapclassify; missing values form the "no data" class.

Natural breaks use ``mapclassify.FisherJenks`` (the exact Jenks optimisation), not ``mapclassify.NaturalBreaks``,
which runs k-means from random seeds and can move a region between classes from one rerun to the next.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from common.text import Text
from maps.errors import UnknownScheme

NO_DATA = -1
K_MIN, K_MAX = 2, 9  # 9: the most steps a single-hue scale can show apart


@dataclass(frozen=True)
class Scheme:
    """A classification scheme offered to users: the mapclassify class (by name) and its display names."""

    class_name: str
    label: Text  # its name in both languages

    @property
    def classifier(self) -> type:
        """The mapclassify class. Imported on first use: mapclassify loads scipy.stats, scikit-learn and matplotlib
        (about 2 s), which every page would otherwise pay at start for a map it may never draw."""
        import mapclassify

        return getattr(mapclassify, self.class_name)


SCHEMES: dict[str, Scheme] = {
    "quantiles": Scheme("Quantiles", Text.from_key("choropleth.scheme_name.quantiles")),
    "equal_interval": Scheme("EqualInterval", Text.from_key("choropleth.scheme_name.equal_interval")),
    "natural_breaks": Scheme("FisherJenks", Text.from_key("choropleth.scheme_name.natural_breaks")),
}


@dataclass(frozen=True, eq=False)  # eq would compare the Series element-wise
class Classification:
    """The result of classifying one map's values.

    ``bins`` are mapclassify's upper bounds: class i holds values in (bins[i-1], bins[i]], class 0 starts at
    ``minimum``. ``classes`` maps each region code to its class, or :data:`NO_DATA` where the value is missing.
    """

    scheme: str
    bins: tuple[float, ...]
    minimum: float | None
    classes: pd.Series

    @property
    def k(self) -> int:
        """Classes actually formed: fewer than asked when there are fewer distinct values."""
        return len(self.bins)

    def counts(self) -> list[int]:
        """Regions per class, in class order (empty classes count 0)."""
        return [int((self.classes == i).sum()) for i in range(self.k)]

    def intervals(self) -> list[tuple[float, float]]:
        """(lower, upper) of each class, for legend labels."""
        if not self.bins:
            return []
        lowers = [self.minimum, *self.bins[:-1]]
        return list(zip(lowers, self.bins, strict=True))

    def no_data(self) -> list[str]:
        """Region codes without a value."""
        return self.classes.index[self.classes == NO_DATA].tolist()


def check_scheme(scheme: str, k: int) -> None:
    """Raise :class:`UnknownScheme` for a scheme or class count the library does not offer."""
    if scheme not in SCHEMES:
        raise UnknownScheme(f"unknown classification scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    if not isinstance(k, int | np.integer) or not K_MIN <= k <= K_MAX:
        raise UnknownScheme(f"number of classes must be an integer from {K_MIN} to {K_MAX}; got {k!r}")


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5) -> Classification:
    """Classify values (indexed by region code) with the named mapclassify scheme.

    Args:
        values: one value per region; NaN means no data.
        scheme: a key of :data:`SCHEMES`.
        k: classes wanted, from 2 to 9; fewer are formed when there are fewer distinct values.

    Raises:
        UnknownScheme: unknown scheme or k out of range.
    """
    check_scheme(scheme, k)
    values = pd.to_numeric(values, errors="raise").astype("float64")
    present = values.dropna()
    classes = pd.Series(NO_DATA, index=values.index, dtype="int64")
    distinct = present.nunique()
    if distinct == 0:
        return Classification(scheme, (), None, classes)
    if distinct == 1:
        # mapclassify cannot split a constant: one class holding every value.
        classes[present.index] = 0
        return Classification(scheme, (float(present.iloc[0]),), float(present.iloc[0]), classes)
    with warnings.catch_warnings():
        # Quantiles merges tied bounds and says so; FisherJenks notes numba is absent. Both are expected here.
        warnings.filterwarnings("ignore", message="Not enough unique values", category=UserWarning)
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        fitted = SCHEMES[scheme].classifier(present.to_numpy(), k=min(k, distinct))
    classes[present.index] = np.asarray(fitted.yb, dtype="int64")
    return Classification(scheme, tuple(float(b) for b in fitted.bins), float(present.min()), classes)
