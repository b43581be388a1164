"""Task mode with real workers: django-tasks-db's db_worker processes, on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from hookconsole.models import Attempt, Event, EventStatus

from .conftest import make_event, post_signed
from .testapp.models import HandlerWrite

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]
ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
EVENTS = 100


@pytest.fixture
def database_queue(settings: Any) -> None:
    pytest.importorskip("django_tasks_db", reason="needs django-tasks-db (the queue-db extra)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HOOKCONSOLE_PROCESSING = "task"


def run_workers(count: int) -> None:
    """Start ``count`` db_worker processes on this test database; each drains and exits."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": url,
        "HOOKCONSOLE_TEST_TASKS": "db",
    }
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0.1",
    ]
    workers = [
        subprocess.Popen(
            [*command, "--worker-id", f"w{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(count)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors.decode()[-2000:]


@pytest.mark.usefixtures("database_queue")
def test_workers_commit_each_event_exactly_once(client: Client) -> None:
    events = [make_event("hookconsole_test.write") for _ in range(EVENTS)]
    for n, event in enumerate(events):
        assert post_signed(client, event).status_code == 200
        if n % 5 == 0:  # 20% redeliveries, each enqueuing the event again
            assert post_signed(client, event).status_code == 200
    assert not Attempt.objects.exists()  # nothing ran in the requests
    run_workers(WORKERS)
    assert set(Event.objects.values_list("status", flat=True)) == {EventStatus.SUCCEEDED}
    # No unique constraint does this: one row per handler run, and one run per event.
    per_event = HandlerWrite.objects.values_list("event_id", flat=True)
    assert sorted(per_event) == sorted(e["id"] for e in events)


@pytest.mark.usefixtures("database_queue")
def test_failures_retry_on_the_queue_until_they_succeed(client: Client) -> None:
    from .testapp import webhooks as testapp_handlers

    post_signed(client, make_event("hookconsole_test.fragile"))
    run_workers(1)  # fails; the retry is deferred one second (HOOKCONSOLE_RETRY_SCHEDULE)
    event = Event.objects.get()
    assert event.status == EventStatus.FAILED and event.retries >= 1
    testapp_handlers.SWITCHES["fail"] = False  # only this process: the fix must reach workers
    os.environ["HOOKCONSOLE_TEST_FRAGILE"] = "fixed"
    try:
        import time

        time.sleep(1.2)  # until the deferred retry is due
        run_workers(1)
    finally:
        del os.environ["HOOKCONSOLE_TEST_FRAGILE"]
    event.refresh_from_db()
    assert event.status == EventStatus.SUCCEEDED and event.next_retry_at is None
