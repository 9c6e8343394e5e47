"""What follows a data version becoming current — an upload's commit, a shipped update, a rollback: the warnings of
that dataset's indicators are checked (alerts), the published forecasts scored against the new figures (record)
and the pages' results computed for the new version (precompute), all in background threads, so the commit is done
before they start and never waits for or fails with them; then this process's caches forget the old data (other
replicas see the store's data version counter)."""

from __future__ import annotations

from alerts.run import after_commit as check_alerts
from data.store import Store
from precompute import background
from record import outturn
from ui import cache


def data_landed(store: Store, dataset_id: str) -> None:
    """Start the checks, the scoring and the precompute job that a new current version of `dataset_id` calls for;
    clear the caches."""
    check_alerts(store, dataset_id)
    outturn.after_commit(store)
    background.start(store)
    cache.data_changed()
