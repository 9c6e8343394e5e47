"""YAML reading through libyaml's C parser: every configuration and string file the product reads at start.

PyYAML's pure-Python loader took about a second of a fresh process's first page (the strings, the indicator
catalogue, the region and city registries; issue 17's cold start); `yaml.CSafeLoader` parses the same documents into
the same values 5-10x faster. PyPI's PyYAML wheels ship libyaml; the pure-Python loader is the fallback where a
build lacks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """The document in `text`, as `yaml.safe_load` reads it.

    Raises:
        yaml.YAMLError: not valid YAML (with `problem_mark`, the position of the fault).
    """
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a safe loader: only plain data types)


def read(path: Path | str) -> Any:
    """The document in the UTF-8 file at `path`."""
    return load(Path(path).read_text(encoding="utf-8"))


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text` (every key and value with its position), as `yaml.compose` makes it."""
    return yaml.compose(text, Loader=SafeLoader)
