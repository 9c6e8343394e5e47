"""YAML configuration files that answer with line numbers: load, check against a JSON Schema, name the bad line.

Office-edited files (targets, warning rules, headline indicators) must fail with a message a clerk can act on:
"indicators/targets.yaml, line 42, field office[3].region: 440000 is not of type 'string'". PyYAML's composed node tree
keeps the position of every key and value, so each path in the document is mapped to its line before validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from common import yamlio
from data.errors import DataError

PathKey = tuple[str | int, ...]


class ConfigFileError(DataError):
    """A configuration file is unreadable or breaks its schema; says which file, line and field."""

    def __init__(self, path: Path | str, line: int | None, field: str, problem: str):
        self.path = str(path)
        self.line = line
        self.field = field
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f", line {self.line}" if self.line else ""
        field = f", field {self.field}" if self.field else ""
        return f"{self.path}{where}{field}: {self.problem}"


def _collect_lines(node: yaml.Node, prefix: PathKey, lines: dict[PathKey, int]) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*prefix, key_node.value)
            _collect_lines(value_node, key, lines)
            # A field is found by its key, which is where a reader looks (the value may be a block below it).
            lines[key] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, (*prefix, i), lines)


def load_with_lines(path: Path, error: type[ConfigFileError] = ConfigFileError) -> tuple[Any, dict[PathKey, int]]:
    """Parse a YAML file and map every path in it (keys and list indexes) to its 1-based line.

    Raises:
        ConfigFileError (or `error`): the file cannot be read or is not valid YAML (with the line of the fault).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(path, None, "", f"cannot be read ({exc.strerror or exc})") from exc
    try:
        node = yamlio.compose(text)
        document = yamlio.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(path, mark.line + 1 if mark else None, "", f"not valid YAML: {problem}") from exc
    lines: dict[PathKey, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return document, lines


def field_name(path: PathKey) -> str:
    """A document path as people read it: ``office[3].region``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def line_of(lines: dict[PathKey, int], path: PathKey) -> int | None:
    """The line of `path`, or of its nearest ancestor that exists (a missing field → its entry's line)."""
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def validate(
    document: Any,
    lines: dict[PathKey, int],
    schema: dict,
    path: Path,
    error: type[ConfigFileError] = ConfigFileError,
) -> None:
    """Check `document` against a JSON Schema; raise on the first problem in file order.

    Raises:
        ConfigFileError (or `error`): names the line and field of the first problem and how many there are.
    """
    problems = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    if not problems:
        return
    problems.sort(key=lambda e: (line_of(lines, tuple(e.absolute_path)) or 0, len(e.absolute_path)))
    first = problems[0]
    where = tuple(first.absolute_path)
    more = f" ({len(problems)} problems in all)" if len(problems) > 1 else ""
    raise error(path, line_of(lines, where), field_name(where), f"{first.message}{more}")


def load_schema(path: Path) -> dict:
    """A JSON Schema kept as YAML beside the code."""
    return yamlio.read(path)
