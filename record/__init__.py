"""The track record and the decision register: forecasts frozen when published, scored against what happened, and
the scenarios adopted on them compared with their outturns.

* :mod:`record.frozen` — a forecast or scenario set as one canonical JSON text (`freeze_forecast`, `freeze_scenarios`).
* :mod:`record.scoring` — scores of frozen points against actuals, hit rates, mean errors, scorecards by model and
  horizon, bias over time.
* :mod:`record.outturn` — scoring every published forecast when a data version lands (`after_commit`, never raising).
* :mod:`record.register` — an adopted scenario against its baseline and the outturn, with the baseline's uncertainty.
* :mod:`record.changes` — what changed since the last published briefing.

The store keeps the rows (`data.store.track`); this package imports no Streamlit.
"""
