"""Streaming export of every event: rows/s and how much the process grew.

    python -m tests.benchmarks.stream_export            # the admin_lists SQLite file
    DATABASE_URL=postgres://...hookconsole_bench python -m tests.benchmarks.stream_export

Run tests.benchmarks.admin_lists first: it fills the database.
"""

from __future__ import annotations

import os
import time


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("SQLITE_PATH", "/tmp/hookconsole-bench-1000000.sqlite3")
    import django

    django.setup()
    from django.db import connection

    from hookconsole.models import Event
    from hookconsole.resources import EventResource
    from hookconsole.streaming import lines

    # Reads the table once first, so that the formats compare on a warm cache.
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT sum(length(CAST(payload AS text))) FROM hookconsole_event")
        print(f"{connection.vendor}: table read once in {time.perf_counter() - started:.1f} s")
    for fmt in ("csv", "jsonl"):
        before = peak = rss_mb()
        rows = size = 0
        started = time.perf_counter()
        for line in lines(EventResource(), Event.objects.all(), fmt):
            rows += 1
            size += len(line)
            if rows % 10_000 == 0:
                peak = max(peak, rss_mb())
        elapsed = time.perf_counter() - started
        print(
            f"{connection.vendor} {fmt}: {rows:,} lines, {size / 1e6:,.0f} MB in {elapsed:.1f} s "
            f"= {rows / elapsed:,.0f} rows/s; RSS {before:.0f} -> peak {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
