"""Exactly once with real processes: the site under gunicorn in task mode, N queue workers.

    python -m tests.benchmarks.exactly_once [--events 10000] [--workers 8] [--queue db|rq]

Uses the PostgreSQL database hookconsole_exactly_once on 127.0.0.1 (recreated).
Events are posted over HTTP from four keep-alive connections, a fifth of them
twice, while the workers process them and a thread here reprocesses random stored
events (hookconsole.processing.reprocess, as the console does). Then it checks:
every delivery answered 2xx is stored; every event ended succeeded; each event's
handler wrote one row per succeeded attempt (no unique constraint helps), so an
event nobody reprocessed has exactly one. tests/test_workers.py runs this at a
size CI carries, against the test database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import stripe

from tests.benchmarks.http_ingest import ROOT, SECRET, manage, serving, workers

REDELIVERED = 5  # every fifth event is delivered twice


def post_all(base: str, events: int, prefix: str) -> list[str]:
    """Post the events (a fifth twice) over four connections; the ids answered 2xx."""
    host, port = base.removeprefix("http://").split(":")
    ids = [f"evt_{prefix}_{n}" for n in range(events)]
    ids += ids[::REDELIVERED]
    random.shuffle(ids)

    def send(chunk: list[str]) -> list[str]:
        answered, connection = [], http.client.HTTPConnection(host, int(port), timeout=30)
        for event_id in chunk:
            body = json.dumps(
                {"id": event_id, "object": "event", "type": "hookconsole_test.write"}
            )
            headers = {
                "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(body, SECRET)
            }
            connection.request("POST", "/webhooks/stripe/", body, headers)
            response = connection.getresponse()
            response.read()
            if 200 <= response.status < 300:
                answered.append(event_id)
        connection.close()
        return answered

    with ThreadPoolExecutor(4) as pool:
        return [i for chunk in pool.map(send, [ids[n::4] for n in range(4)]) for i in chunk]


class Reprocessor(threading.Thread):
    """Reprocesses random stored events until stopped, as staff clicking Reprocess."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.calls: Counter[str] = Counter()

    def run(self) -> None:
        from django.db import connection

        from hookconsole.models import Event
        from hookconsole.processing import EventBusy, reprocess

        try:
            while not self.stop.wait(0.02):
                event = Event.objects.order_by("?").first()
                if event is None:
                    continue
                try:
                    reprocess(event)
                    self.calls["reprocessed"] += 1
                except EventBusy:
                    self.calls["busy"] += 1
        finally:
            connection.close()


def wait_until_done(expected: int, timeout: float) -> None:
    from hookconsole.models import Event, EventStatus

    deadline = time.monotonic() + timeout
    while Event.objects.exclude(status=EventStatus.SUCCEEDED).exists() or (
        Event.objects.count() < expected
    ):
        if time.monotonic() > deadline:
            raise AssertionError("events were still not all processed")
        time.sleep(0.2)


def check(answered: list[str]) -> dict[str, int]:
    """The guarantees, asserted; a summary of what was checked."""
    from django.db.models import Count, Q

    from hookconsole.models import Delivery, Event, EventStatus
    from tests.testapp.models import HandlerWrite

    stored_2xx = Counter(
        Delivery.objects.filter(response_status__gte=200, response_status__lt=300).values_list(
            "event__stripe_id", flat=True
        )
    )
    missing = Counter(answered) - stored_2xx
    assert not missing, f"answered 2xx but not stored: {list(missing)[:5]}"
    statuses = Counter(Event.objects.values_list("status", flat=True))
    assert set(statuses) == {EventStatus.SUCCEEDED}, statuses
    writes = Counter(HandlerWrite.objects.values_list("event_id", flat=True))
    runs = Event.objects.annotate(
        runs=Count("attempts", filter=Q(attempts__outcome="succeeded"))
    ).values_list("stripe_id", "runs")
    wrong = {stripe_id: (writes[stripe_id], n) for stripe_id, n in runs if writes[stripe_id] != n}
    assert not wrong, f"writes != succeeded attempts (writes, runs): {list(wrong.items())[:5]}"
    return {
        "answered_2xx": len(answered),
        "events": sum(statuses.values()),
        "handler_rows": sum(writes.values()),
        "events_run_more_than_once": sum(1 for _, n in runs if n > 1),
    }


def exercise(
    env: dict[str, str], events: int, worker_count: int, queue: str, prefix: str = "once"
) -> dict[str, int]:
    """Serve, post, process and reprocess concurrently; then check. Django must be set up."""
    reprocessor = Reprocessor()
    with serving("hookconsole.site.wsgi", env) as base, workers(env, queue, worker_count):
        reprocessor.start()
        try:
            answered = post_all(base, events, prefix)
            wait_until_done(events, timeout=60 + events / 20)
        finally:
            reprocessor.stop.set()
            reprocessor.join()
    return {**check(answered), **reprocessor.calls}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--queue", choices=["db", "rq"], default="db")
    args = parser.parse_args(argv)
    database = "hookconsole_exactly_once"
    for sql in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
        subprocess.run(
            ["psql", "postgres://postgres@127.0.0.1:5432", "-qc", sql],
            check=True,
            capture_output=True,
        )
    env: dict[str, Any] = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.site_settings",
        "DJANGO_SECRET_KEY": "bench",
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "HOOKCONSOLE_PROCESSING": "task",
        "HOOKCONSOLE_QUEUE": args.queue,
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    manage(env, "migrate", "--verbosity", "0")
    if args.queue == "rq":
        subprocess.run(["redis-cli", "-n", "0", "flushdb"], check=True, capture_output=True)
    import django

    django.setup()
    started = time.perf_counter()
    summary = exercise(env, args.events, args.workers, args.queue)
    print(f"{args.workers} {args.queue} workers, {time.perf_counter() - started:.0f} s: {summary}")
    print("every 2xx stored, every event succeeded, one handler write per succeeded attempt")


if __name__ == "__main__":
    main(sys.argv[1:])
