"""Task mode: the endpoint answers at once, a django.tasks queue processes, retries back off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.tasks import default_task_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hookconsole.models import Attempt, Event, EventStatus, Trigger
from hookconsole.processing import claim, reprocess
from hookconsole.queue import sweep
from hookconsole.tasks import process_event_task

from .conftest import make_event, post_signed
from .testapp import webhooks as testapp_handlers

pytestmark = pytest.mark.django_db(transaction=True)
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def task_mode(settings: Any) -> None:
    settings.HOOKCONSOLE_PROCESSING = "task"


@pytest.fixture
def queued(settings: Any, task_mode: None) -> Any:
    """A backend that keeps what is enqueued (with run_after) instead of running it."""
    settings.TASKS = DUMMY
    backend = default_task_backend
    backend.clear()
    return backend


@pytest.mark.usefixtures("task_mode")
def test_task_mode_answers_then_the_queue_processes(client: Client) -> None:
    event = make_event("hookconsole_test.write")
    response = post_signed(client, event)  # the immediate backend runs the task on commit
    assert response.status_code == 200
    assert response.json() == {"event": event["id"], "status": "pending", "duplicate": False}
    stored = Event.objects.get()
    assert stored.status == EventStatus.SUCCEEDED
    assert stored.attempts.get().trigger == Trigger.TASK


def test_enqueued_not_run_in_the_request(client: Client, queued: Any) -> None:
    post_signed(client, make_event("hookconsole_test.write"))
    stored = Event.objects.get()
    assert stored.status == EventStatus.PENDING and not stored.attempts.exists()
    [result] = queued.results
    assert result.task.func is process_event_task.func and result.args == [stored.pk]
    assert process_event_task.call(stored.pk) == "succeeded"


def test_failure_schedules_retries_with_backoff_then_gives_up(
    client: Client, queued: Any, settings: Any
) -> None:
    settings.HOOKCONSOLE_RETRY_SCHEDULE = [60, 600]
    post_signed(client, make_event("hookconsole_test.fragile"))
    pk = Event.objects.get().pk
    queued.clear()
    before = timezone.now()
    assert process_event_task.call(pk) == "failed"
    [retry] = queued.results
    assert timedelta(seconds=59) < retry.task.run_after - before < timedelta(seconds=62)
    event = Event.objects.get()
    assert (event.retries, event.gave_up) == (1, False) and event.next_retry_at is not None
    process_event_task.call(pk)
    assert Event.objects.get().retries == 2 and len(queued.results) == 2
    process_event_task.call(pk)  # the schedule is spent
    event = Event.objects.get()
    assert event.gave_up and event.next_retry_at is None and len(queued.results) == 2
    assert Attempt.objects.filter(trigger=Trigger.TASK).count() == 3


def test_a_manual_reprocess_cancels_the_pending_retry(client: Client, queued: Any) -> None:
    post_signed(client, make_event("hookconsole_test.fragile"))
    event = Event.objects.get()
    process_event_task.call(event.pk)
    assert Event.objects.get().next_retry_at is not None
    testapp_handlers.SWITCHES["fail"] = False
    reprocess(event)
    assert Event.objects.get().next_retry_at is None
    attempts = Attempt.objects.count()
    assert process_event_task.call(event.pk) == "succeeded"  # the retry finds it done
    assert Attempt.objects.count() == attempts


def test_sweep_enqueues_what_was_left_behind(client: Client, queued: Any) -> None:
    post_signed(client, make_event("hookconsole_test.write"))
    post_signed(client, make_event("hookconsole_test.write"))
    pending, held = Event.objects.order_by("pk")
    queued.clear()
    long_ago = timezone.now() - timedelta(hours=1)
    Event.objects.filter(pk=pending.pk).update(last_received_at=long_ago)
    claim(held, Trigger.TASK)  # a worker took it, then died: its lease lapses
    Event.objects.filter(pk=held.pk).update(lease_expires_at=long_ago)
    assert sweep(timedelta(minutes=5)) == 2
    assert sorted(r.args[0] for r in queued.results) == [pending.pk, held.pk]
    for result in queued.results:
        process_event_task.call(*result.args)
    assert set(Event.objects.values_list("status", flat=True)) == {EventStatus.SUCCEEDED}


def test_the_callback_still_wins_in_task_mode(client: Client, queued: Any, settings: Any) -> None:
    received: list[Event] = []
    settings.HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK = received.append
    post_signed(client, make_event("hookconsole_test.write"))
    assert len(received) == 1 and queued.results == []


def test_sweep_command(client: Client, queued: Any) -> None:
    import io

    from django.core.management import call_command

    post_signed(client, make_event("hookconsole_test.write"))
    Event.objects.update(last_received_at=timezone.now() - timedelta(hours=1))
    queued.clear()
    out = io.StringIO()
    call_command("hookconsole", "sweep", "--older-than", "10m", stdout=out)
    assert out.getvalue().strip() == "enqueued 1 events" and len(queued.results) == 1


def test_an_unreachable_queue_answers_503_and_keeps_the_event(
    client: Client, settings: Any, task_mode: None
) -> None:
    pytest.importorskip("django_tasks_rq", reason="needs django-tasks-rq for a queue to lose")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:9/0"}}  # nothing listens
    event = make_event("hookconsole_test.write")
    response = post_signed(client, event)
    assert response.status_code == 503
    assert response.json()["error"] == "queue_unavailable"
    assert Event.objects.get().status == EventStatus.PENDING


def test_a_database_queue_takes_the_task_in_the_storing_transaction(
    client: Client, settings: Any, task_mode: None
) -> None:
    pytest.importorskip("django_tasks_db", reason="needs django-tasks-db (the queue-db extra)")
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with CaptureQueriesContext(connection) as queries:
        assert post_signed(client, make_event("hookconsole_test.write")).status_code == 200
    stored = Event.objects.get()
    assert DBTaskResult.objects.get().args_kwargs["args"] == [stored.pk]
    if connection.vendor == "sqlite":  # one transaction: event, delivery and task together
        assert [q["sql"].split()[0] for q in queries.captured_queries].count("BEGIN") == 1


def reprocesses(backend: Any) -> list[Any]:
    return [r for r in backend.results if r.kwargs.get("again")]


def test_console_and_admin_reprocess_go_through_the_task(client: Client, queued: Any) -> None:
    from django.contrib.auth.models import User

    from .admin_helpers import client_for

    post_signed(client, make_event("hookconsole_test.write"))
    stored = Event.objects.get()
    process_event_task.call(stored.pk)
    staff = client_for("reprocessor")
    user = User.objects.get(username="reprocessor")
    response = staff.post(f"/console/events/{stored.pk}/reprocess/", follow=True)
    assert "Queued for reprocessing" in response.content.decode()
    staff.post(f"/admin/hookconsole/event/{stored.pk}/reprocess/")
    staff.post(
        "/admin/hookconsole/event/",
        {"action": "reprocess_selected", "_selected_action": [stored.pk]},
    )
    assert [(r.args, r.kwargs) for r in reprocesses(queued)] == 3 * [
        ([stored.pk, user.pk], {"again": True})
    ]
    assert stored.attempts.count() == 1  # nothing ran in the requests
    assert process_event_task.call(stored.pk, user.pk, again=True) == "succeeded"
    attempt = stored.attempts.latest("id")
    assert (attempt.trigger, attempt.requested_by) == (Trigger.REPROCESS, user)
    assert stored.attempts.count() == 2  # a succeeded event runs again when asked


def test_a_bulk_run_queues_its_events(client: Client, queued: Any) -> None:
    from hookconsole import bulk

    testapp_handlers.SWITCHES["fail"] = True
    for _ in range(3):
        post_signed(client, make_event("hookconsole_test.fragile"))
    for result in list(queued.results):
        process_event_task.call(*result.args)
    run = bulk.start({}, widen=False, user=None)
    while run.state == run.State.RUNNING:
        run = bulk.step(run)
    assert (run.total, run.done, run.queued, run.succeeded, run.failed) == (3, 3, 3, 0, 0)
    assert len(reprocesses(queued)) == 3


def test_a_reprocess_with_the_queue_down_says_so(
    client: Client, settings: Any, task_mode: None
) -> None:
    pytest.importorskip("django_tasks_rq", reason="needs django-tasks-rq for a queue to lose")
    from .admin_helpers import client_for

    post_signed(client, make_event("hookconsole_test.write"))  # immediate backend: processed
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:9/0"}}  # nothing listens
    stored = Event.objects.get()
    response = client_for("reprocessor").post(
        f"/console/events/{stored.pk}/reprocess/", follow=True
    )
    assert response.status_code == 200
    assert "The task queue is unavailable" in response.content.decode()
    assert stored.attempts.count() == 1


def test_other_queues_do_not_need_django_tasks_db_as_an_app(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from hookconsole.queue import _stored_with_events

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert _stored_with_events(process_event_task.get_backend())
    pytest.importorskip("django_tasks_rq", reason="needs django-tasks-rq")
    # An RQ site: the package is there (a dependency) but not the app, whose models
    # then refuse to import.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_tasks_db"]
    monkeypatch.delitem(sys.modules, "django_tasks_db.models")
    assert not _stored_with_events(process_event_task.get_backend())
