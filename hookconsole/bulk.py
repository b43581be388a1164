"""Bulk reprocess: every event a filter selects, in chunks, each event in its own attempt.

The run remembers how far it got (``cursor``) after each event, so a crash or a
closed browser loses nothing: the next step continues from there. Whoever drives
it (the dashboard's progress bar now, a task queue later) calls ``step`` until
the run is finished or cancelled.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import F, Max, QuerySet
from django.utils import timezone

from hookconsole.filters import EventFilter
from hookconsole.models import Attempt, AttemptOutcome, BulkRun, Event
from hookconsole.processing import requester
from hookconsole.queue import UNAVAILABLE, request_reprocess

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# How long one step may work before it answers, and how long its hold lasts.
STEP_SECONDS = 1.0
BATCH = 100  # events read per query; cancel is checked between batches
HOLD = timedelta(seconds=60)


def selection(
    filters: dict[str, Any], *, widen: bool = False
) -> tuple[QuerySet[Event], dict[str, Any]]:
    """The events ``filters`` select; failed ones only unless widened or a status is chosen."""
    chosen = {k: v for k, v in filters.items() if k not in {"before", "after", "widen"} and v}
    if not widen and not chosen.get("status"):
        chosen["status"] = "failed"
    filterset = EventFilter(chosen, queryset=Event.objects.all())
    return filterset.qs, filterset.active()


def start(filters: dict[str, Any], *, widen: bool, user: AbstractBaseUser | None) -> BulkRun:
    events, active = selection(filters, widen=widen)
    upper = events.aggregate(upper=Max("pk"))["upper"] or 0
    return BulkRun.objects.create(
        filters=active,
        upper_pk=upper,
        total=events.filter(pk__lte=upper).count(),
        requested_by=requester(user),
    )


def _hold(run: BulkRun) -> bool:
    now = timezone.now()
    held = (
        BulkRun.objects.filter(pk=run.pk, state=BulkRun.State.RUNNING)
        .exclude(stepping_until__gt=now)
        .update(stepping_until=now + HOLD)
    )
    return held == 1


def _reprocess_one(pk: int, user: AbstractBaseUser | None) -> str:
    """Reprocess (or, in task mode, queue) one event; the counter it adds to, or
    UNAVAILABLE when the queue refused it."""
    try:
        attempt = request_reprocess(Event(pk=pk), user)  # claim() reads the row itself
    except Event.DoesNotExist:  # pruned since its batch was read
        return "busy"
    if not isinstance(attempt, Attempt):
        return attempt  # QUEUED, BUSY (the names of their counters) or UNAVAILABLE
    return "failed" if attempt.outcome == AttemptOutcome.FAILED else "succeeded"


def step(run: BulkRun, user: AbstractBaseUser | None = None) -> BulkRun:
    """Reprocess the next events for about STEP_SECONDS; finish the run when none is left."""
    if not _hold(run):  # finished, cancelled, or another step is at work
        run.refresh_from_db()
        return run
    events, _ = selection(run.filters, widen=True)
    deadline = time.monotonic() + STEP_SECONDS
    stop = False
    try:
        while not stop:
            run.refresh_from_db(fields=["cursor", "state"])
            if run.state != BulkRun.State.RUNNING:
                break
            # A batch of the next matching events; one may change in the second it
            # waits (a redelivery succeeds): it is reprocessed all the same.
            batch = list(
                events.filter(pk__gt=run.cursor, pk__lte=run.upper_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not batch:
                BulkRun.objects.filter(pk=run.pk, state=BulkRun.State.RUNNING).update(
                    state=BulkRun.State.FINISHED, finished_at=timezone.now()
                )
                break
            for pk in batch:
                counter = _reprocess_one(pk, user)
                if counter == UNAVAILABLE:
                    stop = True  # the cursor stays: the next step tries this event again
                    break
                # After each event, so that a crash repeats at most that one.
                BulkRun.objects.filter(pk=run.pk).update(
                    cursor=pk, done=F("done") + 1, **{counter: F(counter) + 1}
                )
                if time.monotonic() >= deadline:  # at least one event per step
                    stop = True
                    break
    finally:
        BulkRun.objects.filter(pk=run.pk).update(stepping_until=None)
    run.refresh_from_db()
    return run


def cancel(run: BulkRun) -> BulkRun:
    BulkRun.objects.filter(pk=run.pk, state=BulkRun.State.RUNNING).update(
        state=BulkRun.State.CANCELLED, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run
