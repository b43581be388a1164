"""Dry runs: what a reprocess would do, with every database write rolled back."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from hookconsole.models import Attempt, AttemptOutcome, Event, Trigger
from hookconsole.processing import (
    EventBusy,
    call_handlers,
    describe_failure,
    mark_not_run,
    requester,
)
from hookconsole.webhooks import registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["dry_run"]


class _RollBack(Exception):
    """Ends a dry run's transaction the one way it may end."""


def dry_run(event: Event, user: AbstractBaseUser | None = None) -> Attempt:
    """Run the event's handlers in a transaction that is always rolled back.

    Shows what a reprocess would do: each handler's outcome and traceback. No
    write commits, no on_commit callback runs, the event's status and counts do
    not change; work outside the database (an e-mail, an API call) still happens.
    Recorded as an attempt with the dry_run trigger. Raises EventBusy while an
    attempt runs.
    """
    if Event.objects.only("status", "lease_expires_at").get(pk=event.pk).is_held():
        raise EventBusy(event)
    handlers = registry.handlers_for(event.type)
    results: list[dict[str, Any]] = []
    attempt = Attempt(
        event=event,
        trigger=Trigger.DRY_RUN,
        requested_by=requester(user),
        started_at=timezone.now(),
    )
    started = time.perf_counter()
    failure: Exception | None = None
    try:
        with transaction.atomic():
            call_handlers(handlers, event, results)
            raise _RollBack
    except _RollBack:
        pass
    except Exception as exc:
        failure = exc
        mark_not_run(handlers, results)
    if failure is not None:
        outcome = AttemptOutcome.FAILED
    else:
        outcome = AttemptOutcome.SUCCEEDED if handlers else AttemptOutcome.SKIPPED
    attempt.outcome, attempt.handler_results = outcome, results
    attempt.finished_at = timezone.now()
    attempt.duration_ms = round((time.perf_counter() - started) * 1000, 3)
    if failure is not None:
        describe_failure(attempt, failure)
    attempt.save(force_insert=True)
    return attempt
