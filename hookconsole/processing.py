"""Running an event's handlers: one attempt at a time, all handlers in one transaction.

An attempt has two steps. ``claim`` marks the event ``processing`` with a lease
and creates the Attempt, in a short transaction under a row lock, so a second
delivery or reprocess sees the claim and runs nothing. ``run`` then calls every
handler inside one ``transaction.atomic()``: on success the handlers' writes, the
attempt and the event's new status commit together and ``on_commit`` callbacks
run; on any exception all of it rolls back and the failure is recorded in a
transaction of its own, so it survives.
"""

from __future__ import annotations

import logging
import time
import traceback
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hookconsole import signals
from hookconsole.conf import hookconsole_settings
from hookconsole.locking import write_transaction
from hookconsole.models import Attempt, AttemptOutcome, Delivery, Event, EventStatus, Trigger
from hookconsole.webhooks import Handler, registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["EventBusy", "claim", "process_event", "reprocess", "rerun", "run"]

logger = logging.getLogger("hookconsole")


class EventBusy(Exception):
    """Another attempt is processing this event right now."""

    def __init__(self, event: Event) -> None:
        super().__init__(f"Event {event.stripe_id} is being processed; try again shortly.")
        self.event = event


class TransactionBroken(Exception):
    """A handler swallowed a database error; its transaction cannot commit."""


def requester(user: AbstractBaseUser | None) -> Any:
    """The user to record on an attempt or run: a signed-in user, else nobody.

    Any user model: the foreign keys follow AUTH_USER_MODEL.
    """
    return user if user is not None and user.is_authenticated else None


def lease_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=hookconsole_settings.processing_lease)


def answer_status(status: str) -> int:
    """What the endpoint answers Stripe for a delivery whose attempt ended in ``status``."""
    return hookconsole_settings.failure_status if status == EventStatus.FAILED else 200


def claim_locked(
    event: Event,
    trigger: Trigger,
    *,
    delivery: Delivery | None = None,
    user: AbstractBaseUser | None = None,
    force: bool = False,
) -> Attempt | None:
    """Claim ``event``, whose row the caller holds locked; None when there is nothing to do.

    Without ``force`` (deliveries) a succeeded or skipped event is done; a
    pending or failed one runs again, which turns Stripe's retries into ours.
    """
    now = timezone.now()
    if event.is_held(now):
        raise EventBusy(event)
    if not force and event.is_done():
        return None
    if event.status == EventStatus.PROCESSING:  # the lease lapsed: its worker is gone
        Attempt.objects.filter(event=event, outcome=AttemptOutcome.RUNNING).update(
            outcome=AttemptOutcome.FAILED,
            finished_at=now,
            exception_type="hookconsole.LeaseExpired",
            exception_message="The attempt stopped before finishing; its lease lapsed.",
        )
    lease = lease_expiry(now)
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.PROCESSING, lease_expires_at=lease, attempt_count=F("attempt_count") + 1
    )
    event.status, event.lease_expires_at = EventStatus.PROCESSING, lease
    event.attempt_count += 1
    return Attempt.objects.create(
        event=event,
        delivery=delivery,
        trigger=trigger,
        requested_by=requester(user),
        started_at=now,
    )


def claim(
    event: Event, trigger: Trigger, *, user: AbstractBaseUser | None = None, force: bool = False
) -> Attempt | None:
    with write_transaction():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        attempt = claim_locked(locked, trigger, user=user, force=force)
    return attempt


def _first_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0][:255] if text else type(exc).__name__


def describe_failure(attempt: Attempt, exc: BaseException) -> None:
    attempt.exception_type = f"{type(exc).__module__}.{type(exc).__qualname__}"
    attempt.exception_message = str(exc)
    attempt.traceback = "".join(traceback.format_exception(exc))


FINISH_FIELDS = [
    "outcome",
    "finished_at",
    "duration_ms",
    "handler_results",
    "exception_type",
    "exception_message",
    "traceback",
]


def _finish(
    attempt: Attempt,
    outcome: AttemptOutcome,
    results: list[dict[str, Any]],
    started: float,
    exc: BaseException | None = None,
) -> None:
    attempt.outcome = outcome
    attempt.finished_at = timezone.now()
    attempt.duration_ms = round((time.perf_counter() - started) * 1000, 3)
    attempt.handler_results = results
    if exc is not None:
        describe_failure(attempt, exc)
    attempt.save(update_fields=FINISH_FIELDS)
    status = {
        AttemptOutcome.SUCCEEDED: EventStatus.SUCCEEDED,
        AttemptOutcome.SKIPPED: EventStatus.SKIPPED,
    }.get(outcome, EventStatus.FAILED)
    last_error = _first_line(exc) if exc is not None else ""
    # A success ends the retry schedule: a retry still queued then finds nothing to do.
    retries: dict[str, Any] = {"next_retry_at": None, "gave_up": False}
    Event.objects.filter(pk=attempt.event_id).update(
        status=status,
        lease_expires_at=None,
        last_error=last_error,
        **(retries if status != EventStatus.FAILED else {}),
    )
    attempt.event.status, attempt.event.last_error = status, last_error
    attempt.event.lease_expires_at = None
    if attempt.delivery_id is not None:
        # The delivery that ran this attempt is answered from its outcome: record it
        # in the same commit rather than in a write of its own after the response.
        answer = answer_status(status)
        Delivery.objects.filter(pk=attempt.delivery_id).update(response_status=answer)
        if Attempt.delivery.is_cached(attempt):
            attempt.delivery.response_status = answer  # type: ignore[union-attr]


def _send_robust(signal: Any, **kwargs: Any) -> None:
    # The outcome is recorded by now; a receiver's bug must not turn it into a 500.
    for receiver, result in signal.send_robust(sender=Event, **kwargs):
        if isinstance(result, Exception):
            logger.error("hookconsole signal receiver %r failed", receiver, exc_info=result)


def call_handlers(handlers: list[Handler], event: Event, results: list[dict[str, Any]]) -> None:
    """Call each handler in order, recording its result; re-raise the first failure."""
    for handler in handlers:
        began = time.perf_counter()
        result: dict[str, Any] = {"name": handler.name, "pattern": handler.pattern}
        results.append(result)
        try:
            handler(event)
        except Exception as exc:
            result.update(outcome="failed", error=_first_line(exc))
            raise
        finally:
            result["duration_ms"] = round((time.perf_counter() - began) * 1000, 3)
        result["outcome"] = "succeeded"
    if transaction.get_rollback():
        raise TransactionBroken(
            "A handler caught a database error without a savepoint; "
            "wrap the failing query in transaction.atomic()."
        )


def mark_not_run(handlers: list[Handler], results: list[dict[str, Any]]) -> None:
    results += [
        {"name": h.name, "pattern": h.pattern, "outcome": "not_run"}
        for h in handlers[len(results) :]
    ]


def run(attempt: Attempt) -> Attempt:
    """Run the handlers of a claimed attempt and record how it went."""
    event = attempt.event
    handlers = registry.handlers_for(event.type)
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        with write_transaction():
            signals.webhook_pre_process.send(sender=Event, instance=event, attempt=attempt)
            call_handlers(handlers, event, results)
            outcome = AttemptOutcome.SUCCEEDED if handlers else AttemptOutcome.SKIPPED
            _finish(attempt, outcome, results, started)
    except Exception as exc:
        mark_not_run(handlers, results)
        with write_transaction():
            _finish(attempt, AttemptOutcome.FAILED, results, started, exc)
        logger.warning(
            "Stripe event %s (%s) failed: %s",
            event.stripe_id,
            event.type,
            attempt.exception_type,
        )
        _send_robust(
            signals.webhook_processing_error,
            instance=event,
            attempt=attempt,
            exception=exc,
            data=event.payload,
        )
    _send_robust(signals.webhook_post_process, instance=event, attempt=attempt)
    return attempt


def process_event(
    event: Event, *, trigger: Trigger = Trigger.TASK, user: AbstractBaseUser | None = None
) -> Attempt | None:
    """Process a stored event unless it already succeeded (for queues and callbacks).

    Raises EventBusy while another attempt runs.
    """
    attempt = claim(event, trigger, user=user)
    return run(attempt) if attempt is not None else None


def rerun(event: Event, user: AbstractBaseUser | None = None) -> Attempt:
    """``reprocess`` without reading ``event`` back: for callers done with it."""
    attempt = claim(event, Trigger.REPROCESS, user=user, force=True)
    assert attempt is not None  # force=True always claims or raises
    return run(attempt)


def reprocess(event: Event, user: AbstractBaseUser | None = None) -> Attempt:
    """Run the event's handlers again, whatever its status, as a new attempt.

    Records who asked. Raises EventBusy while another attempt runs.
    """
    attempt = rerun(event, user)
    event.refresh_from_db()
    return attempt
