"""Task mode with real workers on PostgreSQL: django-tasks-db's db_worker, and RQ on Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from hookconsole.models import Attempt, Delivery, Event, EventStatus

from .conftest import make_event, post_signed, require
from .testapp.models import HandlerWrite

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]
ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
EVENTS = 100


def deliver_with_redeliveries(client: Client) -> list[str]:
    """EVENTS events, 20% of them delivered twice; the ids of the 2xx answers."""
    answered = []
    for n in range(EVENTS):
        event = make_event("hookconsole_test.write")
        for _ in range(2 if n % 5 == 0 else 1):  # a redelivery enqueues the event again
            response = post_signed(client, event)
            if 200 <= response.status_code < 300:
                answered.append(event["id"])
    return answered


def assert_exactly_once(answered: list[str]) -> None:
    # Every delivery answered 2xx is in the database...
    assert Delivery.objects.filter(response_status=200).count() == len(answered)
    # ...every event ended succeeded...
    assert set(Event.objects.values_list("status", flat=True)) == {EventStatus.SUCCEEDED}
    # ...and its handler's write committed once: one row per run, no unique constraint.
    assert sorted(HandlerWrite.objects.values_list("event_id", flat=True)) == sorted(set(answered))


@pytest.fixture
def database_queue(settings: Any) -> None:
    pytest.importorskip("django_tasks_db", reason="needs django-tasks-db (the queue-db extra)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HOOKCONSOLE_PROCESSING = "task"


def start_workers(count: int, **env: str) -> list[subprocess.Popen[bytes]]:
    """``count`` db_worker processes on this test database; each drains the queue and exits."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": url,
        "HOOKCONSOLE_TEST_TASKS": "db",
        **env,
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    return [
        subprocess.Popen(
            [*command, "--interval", "0.1", "--worker-id", f"w{n}"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(count)
    ]


def run_workers(count: int, **env: str) -> None:
    workers = start_workers(count, **env)
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors.decode()[-2000:]


@pytest.mark.usefixtures("database_queue")
def test_workers_commit_each_event_exactly_once(client: Client) -> None:
    answered = deliver_with_redeliveries(client)
    assert not Attempt.objects.exists()  # nothing ran in the requests
    run_workers(WORKERS)
    assert_exactly_once(answered)


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


@pytest.mark.usefixtures("database_queue")
def test_a_worker_killed_mid_handler_loses_nothing(client: Client, settings: Any) -> None:
    import signal
    import time
    from datetime import timedelta

    from hookconsole.queue import sweep

    event = make_event("hookconsole_test.slow")
    post_signed(client, event)
    [worker] = start_workers(1, HOOKCONSOLE_TEST_SLOW="30", HOOKCONSOLE_TEST_LEASE="2")
    deadline = time.monotonic() + 30
    while Event.objects.get().status != EventStatus.PROCESSING:  # the handler is running
        assert time.monotonic() < deadline, "the worker never claimed the event"
        time.sleep(0.1)
    time.sleep(0.5)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=10)  # reaps it and closes its pipe
    stored = Event.objects.get()
    assert stored.status == EventStatus.PROCESSING  # a dead worker's claim...
    assert not HandlerWrite.objects.exists()  # ...and its uncommitted write, rolled back
    time.sleep(2.2)  # until the 2 s lease lapses
    assert sweep(timedelta(seconds=0)) == 1
    run_workers(1)
    stored.refresh_from_db()
    assert stored.status == EventStatus.SUCCEEDED
    # One committed run of the type's two handlers (write_row and slow), not two.
    assert sorted(HandlerWrite.objects.values_list("handler", flat=True)) == ["slow", "write_row"]
    lost, finished = Attempt.objects.order_by("id")
    assert (lost.outcome, lost.exception_type) == ("failed", "hookconsole.LeaseExpired")
    assert finished.outcome == "succeeded"
    assert Delivery.objects.count() == 1


def redis_available() -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_queue(settings: Any) -> Any:
    pytest.importorskip("django_tasks_rq", reason="needs django-tasks-rq (the queue-rq extra)")
    require("redis", redis_available(), "needs Redis on 127.0.0.1:6379")
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.HOOKCONSOLE_PROCESSING = "task"
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


def run_rq_workers(count: int, *options: str, **env: str) -> None:
    """``count`` burst rqworker processes on this test database; each drains and exits."""
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "HOOKCONSOLE_TEST_TASKS": "rq",
        **env,
    }
    command = [
        sys.executable,
        "manage.py",
        "rqworker",
        "--burst",
        "--job-class",
        "django_tasks_rq.backend.Job",
        # No fork per job: a hundred short jobs finish in seconds, not a minute.
        "--worker-class",
        "rq.worker.SimpleWorker",
        *options,
        "default",
    ]
    workers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    for worker in workers:
        # After "done, quitting" an RQ worker may wait up to 60 s more for its pubsub
        # thread's read to time out (rq's sleep_time=60); its work is over by then.
        log = []
        for line in worker.stdout:  # type: ignore[union-attr]
            log.append(line)
            if "done, quitting" in line:
                break
        worker.kill()
        worker.communicate(timeout=30)
        assert any("done, quitting" in line for line in log), "".join(log)[-2000:]


@pytest.mark.usefixtures("redis_queue")
def test_rq_workers_commit_each_event_exactly_once(client: Client) -> None:
    answered = deliver_with_redeliveries(client)
    assert not Attempt.objects.exists()
    run_rq_workers(WORKERS)
    assert_exactly_once(answered)


@pytest.mark.usefixtures("redis_queue")
def test_rq_retries_wait_for_the_scheduler(client: Client) -> None:
    import time

    post_signed(client, make_event("hookconsole_test.fragile"))
    run_rq_workers(1)  # fails; the retry is scheduled one second later
    event = Event.objects.get()
    assert event.status == EventStatus.FAILED and event.retries == 1
    time.sleep(1.2)
    run_rq_workers(1, HOOKCONSOLE_TEST_FRAGILE="fixed")  # no scheduler: nothing moves it
    assert Event.objects.get().status == EventStatus.FAILED
    run_rq_workers(1, "--with-scheduler", HOOKCONSOLE_TEST_FRAGILE="fixed")
    event.refresh_from_db()
    assert event.status == EventStatus.SUCCEEDED and event.next_retry_at is None
    assert [a.trigger for a in event.attempts.order_by("id")] == ["task", "task"]


def test_eight_workers_under_http_load_and_concurrent_reprocess() -> None:
    """tests/benchmarks/exactly_once.py at a size CI carries (the script runs 10,000)."""
    pytest.importorskip("django_tasks_db", reason="needs django-tasks-db (the queue-db extra)")
    pytest.importorskip("gunicorn", reason="needs gunicorn (the dev extra)")
    from .benchmarks.exactly_once import SECRET, exercise

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.site_settings",
        "DJANGO_SECRET_KEY": "test",
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "HOOKCONSOLE_PROCESSING": "task",
        "HOOKCONSOLE_QUEUE": "db",
        "PYTHONPATH": str(ROOT),
    }
    summary = exercise(env, events=300, worker_count=8, queue="db")
    assert summary["events"] == 300 and summary["answered_2xx"] == 360
    assert summary["handler_rows"] >= 300 and summary["reprocessed"] > 0
