"""Dashboard pages over a million events: server time per page, and queries run.

    python -m tests.benchmarks.dashboard [rows]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hookconsole_bench \\
        python -m tests.benchmarks.dashboard [rows]

Same database as tests.benchmarks.admin_lists (it fills it on first use).
"""

from __future__ import annotations

import sys

from tests.benchmarks.admin_lists import main

PAGES = [
    "/console/",
    "/console/?status=failed",
    "/console/?type=invoice.*",
    "/console/?type=price.updated&status=failed",
    "/console/?account=acct_3",
    "/console/?q=evt_bulk_777777",
    "/console/?q=cus_1234",
    "/console/?since=2026-01-05T00:00&until=2026-01-06T00:00",
    "/console/?before=2026-01-05T12:00:00%2B00:00|400000",
    "/console/new/?after=999990",
    "/console/figures/?window=7d",
]

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, PAGES)
