"""Policy scenarios: a baseline forecast plus explicit, logged assumptions, simulated with their uncertainty.

Library only (no Streamlit) and, like the rest of :mod:`forecasting`, it takes frames and imports nothing else of
this project.

* :class:`Baseline` — one series' history and its forecast (``Baseline.from_forecast`` reads the engine's output).
* :class:`Scenario` with typed adjustments — :class:`GrowthShock`, :class:`LevelShift`, :class:`TargetPath`,
  :class:`DriverChange` (elasticity or VAR) — each checked on construction and described in Chinese and English
  (:func:`describe`).
* :func:`simulate` → :class:`Outcome` (central path, draws, bands, estimates, assumption log);
  :func:`compare` → :class:`Comparison` (table, per-period deltas, P(A beats B)); :class:`Target` and
  :func:`prob_meets` for the probability of meeting a target.
* :func:`dumps` / :func:`loads` — JSON files with ``schema_version``; a bad file raises :class:`ScenarioFileError`.
* :mod:`~forecasting.scenarios.sets` — edits of a set of scenarios (add, drop, duplicate, rename), the check of a
  set before it is opened and the set as a link; a broken rule raises :class:`ScenarioSetError` with a code.
"""

from forecasting.scenarios.adjustments import (
    ADJUSTMENT_TYPES,
    Adjustment,
    DriverChange,
    GrowthShock,
    LevelShift,
    TargetPath,
)
from forecasting.scenarios.baseline import Baseline
from forecasting.scenarios.compare import (
    DELTA_COLUMNS,
    MAX_SCENARIOS,
    POLARITIES,
    TABLE_COLUMNS,
    Comparison,
    compare,
    comparison_table,
    delta_table,
    prob_beats,
    prob_meets,
)
from forecasting.scenarios.describe import TargetPathFact, describe, describe_fact, describe_target
from forecasting.scenarios.drivers import DriverEstimate
from forecasting.scenarios.errors import (
    BaselineError,
    DriverDataError,
    ScenarioError,
    ScenarioFileError,
    ScenarioSetError,
)
from forecasting.scenarios.periods import period_label
from forecasting.scenarios.scenario import Scenario, Target
from forecasting.scenarios.serialize import SCHEMA, SCHEMA_VERSION, ScenarioFile, dumps, loads, scenario_to_dict
from forecasting.scenarios.simulate import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    Drivers,
    Outcome,
    simulate,
    simulate_baseline,
)

__all__ = [
    "ADJUSTMENT_TYPES",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "DELTA_COLUMNS",
    "MAX_SCENARIOS",
    "POLARITIES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TABLE_COLUMNS",
    "Adjustment",
    "Baseline",
    "BaselineError",
    "Comparison",
    "DriverChange",
    "DriverDataError",
    "DriverEstimate",
    "Drivers",
    "GrowthShock",
    "LevelShift",
    "Outcome",
    "Scenario",
    "ScenarioError",
    "ScenarioFile",
    "ScenarioFileError",
    "ScenarioSetError",
    "Target",
    "TargetPath",
    "TargetPathFact",
    "compare",
    "comparison_table",
    "delta_table",
    "describe",
    "describe_fact",
    "describe_target",
    "dumps",
    "loads",
    "period_label",
    "prob_beats",
    "prob_meets",
    "scenario_to_dict",
    "simulate",
    "simulate_baseline",
]
