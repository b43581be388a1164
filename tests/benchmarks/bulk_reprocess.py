"""Bulk reprocess: events/s through the console's bulk run, one handler write per event.

    python -m tests.benchmarks.bulk_reprocess [events]                # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hookconsole_bench_bulk \\
        python -m tests.benchmarks.bulk_reprocess [events]

Inserts ten times ``events`` by SQL, a tenth of them failed, and reprocesses the
failed ones with hookconsole.bulk's steps, as the dashboard's progress bar does.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from typing import Any


def main(failed: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.site_settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bulk.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hookconsole import bulk, webhooks
    from hookconsole.models import Event
    from tests.bulk import TYPES, insert_events
    from tests.testapp.models import HandlerWrite

    call_command("migrate", verbosity=0)
    Event.objects.all().delete()
    HandlerWrite.objects.all().delete()
    insert_events(failed * 10)

    @webhooks.handler(*{t.split(".")[0] for t in TYPES})
    def write_row(event: Event, **kwargs: Any) -> None:
        HandlerWrite.objects.create(event_id=event.stripe_id, handler="bench")

    run = bulk.start({}, widen=False, user=None)
    started = time.perf_counter()
    while run.state == run.State.RUNNING:
        run = bulk.step(run)
    elapsed = time.perf_counter() - started
    assert run.done == run.total == failed, (run.done, run.total)
    assert HandlerWrite.objects.count() == failed
    print(
        f"{connection.vendor}: bulk reprocess of {run.total:,} failed events among "
        f"{failed * 10:,} in {elapsed:.1f} s = {run.total / elapsed:,.0f} events/s "
        f"({run.succeeded:,} succeeded)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
