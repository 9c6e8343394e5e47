"""The pages' first choices in ui/defaults.yaml: the shipped file is valid, and a wrong one names its line and field."""

from __future__ import annotations

import pytest

from ui.defaults import DEFAULTS_FILE, DefaultsFileError, defaults, load_defaults


def test_shipped_defaults_load():
    first = defaults()
    assert first.forecast.indicator == "gdp" and first.scenarios.region == "440000"
    for freq in "AQM":
        assert 1 <= first.forecast.horizon[freq] <= first.forecast.max_horizon[freq]


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (
            "  indicator: gdp\n  model: combination\n  horizon",
            "  indicator: gpd\n  model: combination\n  horizon",
            "forecast.indicator",
            "'gpd' is not in the catalogue",
        ),
        ('region: "440000"', 'region: "449999"', "scenarios.region", "'449999' is no region"),
        ("classes: 5", "classes: 12", "map.classes", "expected 2 to 9"),
        ("classes: 5", "classes: five", "map.classes", "'five' is not of type 'integer'"),
        ("view: level", "view: levels", "indicators.view", "'levels' is not one of"),
        ("horizon: {A: 5,", "horizon: {A: 50,", "forecast.horizon.A", "50 is beyond the longest horizon offered, 10"),
        ("  model: combination\n  drivers", "  model: best\n  drivers", "scenarios.model", "'best' is not one of"),
    ],
)
def test_a_wrong_file_names_line_and_field(tmp_path, old, new, field, problem):
    text = DEFAULTS_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "defaults.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DefaultsFileError) as caught:
        load_defaults(path)
    err = caught.value
    assert err.field == field and problem in err.problem
    line = next(n for n, row in enumerate(path.read_text().splitlines(), start=1) if new.splitlines()[0] in row)
    assert err.line == line and str(path) in str(err)
