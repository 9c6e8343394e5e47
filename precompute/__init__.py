"""Work computed once per data version and stored, so pages read it instead of computing (issue 22).

After a commit, a rollback or a shipped update (`ui/landed.py` → `precompute.background.start`) and from the command
``python -m precompute``, a job computes for the store's current data version the Forecast page's default run of
every shipped series (forecasts, backtests, leaderboard, calibration), the Overview's warnings per scope, the
provinces' standings and each province's cities (`precompute.kinds`), and stores them (`data.store.precomputed`).
`ui/cache.py` reads a stored result when one exists for exactly its inputs (`precompute.job.read`) and computes as
before otherwise.
"""

from precompute.job import code_fingerprint, read, run
from precompute.kinds import DEFAULT_KINDS, KINDS
from precompute.settings import Settings

__all__ = ["DEFAULT_KINDS", "KINDS", "Settings", "code_fingerprint", "read", "run"]
