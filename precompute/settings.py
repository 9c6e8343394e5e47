"""The Forecast page's first settings (model, horizon per frequency, candidates) the job computes for.

They are the ``forecast`` section of ``ui/defaults.yaml``, which `ui.defaults` reads and checks for the pages; this
package sits below `ui` and reads the same three fields itself (tests/test_precompute.py checks both agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import forecasting
from common import yamlio

DEFAULTS_FILE = Path(__file__).resolve().parents[1] / "ui" / "defaults.yaml"


@dataclass(frozen=True)
class Settings:
    """What the Forecast page shows first: the default indicator (computed first), model, horizon per frequency and
    the candidate models of the leaderboard."""

    indicator: str
    model: str
    horizon: dict[str, int]
    models: tuple[str, ...] = forecasting.DEFAULT_CANDIDATES


def load(path: Path = DEFAULTS_FILE) -> Settings:
    """The settings in the pages' defaults file."""
    section = yamlio.read(path)["forecast"]
    return Settings(section["indicator"], section["model"], {k: int(v) for k, v in section["horizon"].items()})
