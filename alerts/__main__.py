"""``python -m alerts run``: the scheduled check and delivery a system timer or cron runs (see the README).

Opens the app's store ($COCKPIT_DATABASE_URL or the SQLite file in $COCKPIT_DATA_DIR; the app seeds it on its
first start, this command never does), checks every warning source,
sends the immediate messages and digests that are due, prints one line of counts and exits 0 (1 when a source failed
or a message could not be delivered, so the timer's log shows it; the messages stay owed and are retried).
"""

from __future__ import annotations

import argparse
import logging
import sys

from alerts.run import run_once
from data.store import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alerts", description="Warnings that reach people.")
    parser.add_argument("command", choices=["run"], help="check every source and deliver what is due")
    parser.add_argument("--database-url", default=None, help="the store (default: $COCKPIT_DATABASE_URL or SQLite)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    store = open_store(args.database_url, seed=False)  # the app seeds its store; the timer only reads it
    try:
        report = run_once(store)
    finally:
        store.close()
    o, d = report.outcome, report.delivery
    print(f"raised={o.raised} cleared={o.cleared} owed={o.owed} sent={d.sent} digests={d.digests} "
          f"failed={d.failed} broken_sources={','.join(report.broken) or '-'}")  # fmt: skip
    return 1 if report.broken or d.failed else 0


if __name__ == "__main__":
    sys.exit(main())
