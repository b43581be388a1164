"""Admin list pages over a million events: server time per page, and queries run.

    python -m tests.benchmarks.admin_lists [rows]                 # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hookconsole_bench \\
        python -m tests.benchmarks.admin_lists [rows]

The rows are inserted once by SQL (tests/bulk.py) and kept for the next run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

PAGES = [
    "/admin/hookconsole/event/",
    "/admin/hookconsole/event/?p=30",
    "/admin/hookconsole/event/?status__exact=failed",
    "/admin/hookconsole/event/?type=invoice.*",
    "/admin/hookconsole/event/?type=price.updated",
    "/admin/hookconsole/event/?livemode__exact=1",
    "/admin/hookconsole/event/?account=acct_3",
    "/admin/hookconsole/event/?received_at__year=2026&received_at__month=1",
    "/admin/hookconsole/event/?received_at__year=2026&received_at__month=1&received_at__day=5",
    "/admin/hookconsole/event/?q=evt_bulk_777777",
    "/admin/hookconsole/event/?q=cus_1234",
    "/admin/hookconsole/event/?status__exact=failed&type=customer.*",
]


def main(rows: int, pages: list[str] = PAGES, headers: dict[str, str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("SQLITE_PATH", f"/tmp/hookconsole-bench-{rows}.sqlite3")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hookconsole.models import Event
    from tests.bulk import insert_events

    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    have = Event.objects.count()
    if have < rows:
        started = time.perf_counter()
        for start in range(have + 1, rows + 1, 100_000):
            insert_events(min(100_000, rows - start + 1), start=start)
        with connection.cursor() as cursor:
            # As autovacuum would by the time anyone reads: index-only scans need
            # PostgreSQL's visibility map.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"inserted {rows - have:,} events in {time.perf_counter() - started:.0f} s")
    user, _ = User.objects.get_or_create(username="bench", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    print(f"{connection.vendor}, {Event.objects.count():,} events; median of 7, server time")
    for page in pages:
        client.get(page, headers=headers)
        timings = []
        for _ in range(7):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(page, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        print(
            f"{statistics.median(timings):7.1f} ms  {len(queries.captured_queries):2d} queries  "
            f"{page}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
