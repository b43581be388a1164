"""Task mode: events are processed by a django.tasks queue, retried with backoff.

The endpoint stores the delivery and the event, enqueues ``process_event_task``
(in the same transaction for a queue kept in that database, else once it
commits) and answers at once; reprocesses from the console, the admin and bulk
runs go through the same task. A failed attempt schedules the next retry
from HOOKCONSOLE_RETRY_SCHEDULE (on backends that can defer a task); after the
last one the event is marked as given up. A success, by any route, makes a pending
retry a no-op. ``sweep`` re-enqueues what a crash or a lost task left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import router, transaction
from django.db.models import Q
from django.tasks.backends.base import BaseTaskBackend
from django.utils import timezone

from hookconsole.conf import hookconsole_settings
from hookconsole.models import Attempt, Event, EventStatus
from hookconsole.processing import EventBusy, requester, rerun
from hookconsole.tasks import process_event_task

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

logger = logging.getLogger("hookconsole")


class QueueUnavailable(Exception):
    """The task backend refused the task; the event stays pending for a retry or a sweep."""

    def __init__(self, event: Event) -> None:
        super().__init__(f"could not enqueue Stripe event {event.stripe_id}")
        self.event = event


def _stored_with_events(backend: BaseTaskBackend) -> bool:
    """django-tasks-db keeping its tasks in the events' database."""
    # Installed as a package is not enough: its models import only as an app.
    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(backend, DatabaseBackend) and router.db_for_write(
        DBTaskResult
    ) == router.db_for_write(Event)


def _send(event: Event, enqueue: Callable[[], object]) -> None:
    """Enqueue with the current transaction: in it for a queue kept in the events'
    database (the task commits with the event or not at all), else once it commits
    (a worker must find the event). Raises QueueUnavailable."""

    def send() -> None:
        try:
            enqueue()
        except Exception as exc:
            logger.exception("hookconsole: could not enqueue %s", event.stripe_id)
            raise QueueUnavailable(event) from exc

    if _stored_with_events(process_event_task.get_backend()):
        send()
    else:
        transaction.on_commit(send)


def enqueue(event: Event, *, run_after: datetime | None = None) -> None:
    """Enqueue the event's processing with the current transaction (see _send)."""
    options: dict[str, Any] = {"queue_name": hookconsole_settings.task_queue}
    if run_after is not None:
        options["run_after"] = run_after
    task, pk = process_event_task.using(**options), event.pk
    _send(event, lambda: task.enqueue(pk))


def reprocess_later(event: Event, user: AbstractBaseUser | None) -> bool:
    """In task mode, enqueue a reprocess of ``event`` and say so (True).

    In task mode the queue's workers run reprocesses too, with the same task.
    """
    if hookconsole_settings.processing != "task":
        return False
    asker = requester(user)
    task = process_event_task.using(queue_name=hookconsole_settings.task_queue)
    pk, asker_pk = event.pk, asker.pk if asker is not None else None
    _send(event, lambda: task.enqueue(pk, asker_pk, again=True))
    return True


QUEUED, BUSY, UNAVAILABLE = "queued", "busy", "unavailable"


def request_reprocess(event: Event, user: AbstractBaseUser | None) -> Attempt | str:
    """Reprocess ``event`` for ``user`` where the mode runs it: in this process (inline)
    or on the queue (task mode). The dashboard, the admin and bulk runs all ask here.

    Returns the attempt, or why there is none: QUEUED (task mode), BUSY (another
    attempt holds the event) or UNAVAILABLE (the queue refused the task).
    """
    try:
        if reprocess_later(event, user):
            return QUEUED
        return rerun(event, user=user)  # callers read the event again if they need it
    except EventBusy:
        return BUSY
    except QueueUnavailable:
        return UNAVAILABLE


def schedule_retry(event: Event) -> None:
    schedule = hookconsole_settings.retry_schedule
    done = Event.objects.filter(pk=event.pk).values_list("retries", flat=True).first() or 0
    if done >= len(schedule):
        Event.objects.filter(pk=event.pk).update(gave_up=True, next_retry_at=None)
        return
    if not process_event_task.get_backend().supports_defer:
        # No delayed tasks on this backend: Stripe's redeliveries and `sweep` retry.
        logger.info("hookconsole: task backend cannot defer; no retry scheduled")
        return
    when = timezone.now() + timedelta(seconds=schedule[done])
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(retries=done + 1, next_retry_at=when)
        enqueue(event, run_after=when)


def sweep(older_than: timedelta) -> int:
    """Enqueue events left pending, held by an expired lease, or past a lost retry."""
    now = timezone.now()
    stuck = Event.objects.filter(
        Q(status=EventStatus.PENDING, last_received_at__lt=now - older_than)
        | Q(status=EventStatus.PROCESSING, lease_expires_at__lt=now)
        | Q(status=EventStatus.FAILED, next_retry_at__lt=now - older_than)
    )
    count = 0
    for event in stuck.only("pk").iterator():
        with transaction.atomic():
            enqueue(event)
        count += 1
    return count
