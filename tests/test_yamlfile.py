"""YAML configuration with line numbers: every key and list item maps to its line; schema errors name line and field."""

from __future__ import annotations

import pytest

from indicators.yamlfile import ConfigFileError, field_name, line_of, load_with_lines, validate

TEXT = """\
# a comment
cards:
  - gdp
  - id: x
    value: 3
"""
SCHEMA = {
    "type": "object",
    "properties": {
        "cards": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "object", "required": ["id", "source"], "properties": {"value": {"type": "string"}}},
                ]
            },
        }
    },
}


@pytest.fixture
def loaded(tmp_path):
    """TEXT written to a file and loaded with its line map."""
    path = tmp_path / "conf.yaml"
    path.write_text(TEXT, encoding="utf-8")
    return path, *load_with_lines(path)


def test_every_path_has_its_line(loaded):
    _, document, lines = loaded
    assert document == {"cards": ["gdp", {"id": "x", "value": 3}]}
    assert lines[("cards",)] == 2
    assert lines[("cards", 0)] == 3 and lines[("cards", 1)] == 4
    assert lines[("cards", 1, "value")] == 5
    assert line_of(lines, ("cards", 1, "source")) == 4  # a missing field points at its entry


def test_field_names_read_like_paths():
    assert field_name(("office", 3, "region")) == "office[3].region"
    assert field_name(()) == ""


def test_a_schema_error_names_the_line_and_field(loaded):
    path, document, lines = loaded
    with pytest.raises(ConfigFileError) as caught:
        validate(document, lines, SCHEMA, path)
    assert (caught.value.line, caught.value.field) == (4, "cards[1]")
    assert str(caught.value).startswith(f"{path}, line 4, field cards[1]: ")


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(ConfigFileError, match="cannot be read"):
        load_with_lines(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\nb: [2\nc: 3\n", encoding="utf-8")
    with pytest.raises(ConfigFileError, match="not valid YAML") as caught:
        load_with_lines(bad)
    assert caught.value.line == 3
