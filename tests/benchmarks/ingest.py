"""A quick in-process ingest figure: signed events through the endpoint, one handler write.

    DATABASE_URL=... python -m tests.benchmarks.ingest [count]

It uses Django's test client (no HTTP server), so it measures hookconsole and the
database, not a web server. The full harness comes with the scale-out work.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from hookconsole.models import Event
    from tests.conftest import SECRET, make_event, sign

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        call_command("migrate", verbosity=0)
        client = Client()
        bodies = [
            json.dumps(make_event("hookconsole_test.write", id=f"evt_bench_{i}"))
            for i in range(count)
        ]
        timings = []
        started = time.perf_counter()
        for body in bodies:
            t0 = time.perf_counter()
            response = client.post(
                "/webhooks/stripe/",
                body,
                "application/json",
                headers={"Stripe-Signature": sign(body, SECRET)},
            )
            timings.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.content
        elapsed = time.perf_counter() - started
        assert Event.objects.succeeded().count() == count
        timings.sort()
        print(
            f"{connection.vendor}: {count} events in {elapsed:.2f} s = {count / elapsed:.0f}/s; "
            f"p50 {statistics.median(timings) * 1000:.2f} ms, "
            f"p99 {timings[int(len(timings) * 0.99) - 1] * 1000:.2f} ms"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
