"""Tasks for Django's tasks framework (django.tasks).

``process_event_task`` processes a stored event (task mode, retries, the sweeper).
Run ``prune_old_events`` and ``sweep_events`` periodically by enqueueing them from
your scheduler, or run ``manage.py hookconsole prune`` / ``sweep`` from cron:
django.tasks has no schedule of its own.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.tasks import task

from hookconsole.conf import hookconsole_settings
from hookconsole.models import AttemptOutcome, Event, Trigger
from hookconsole.processing import EventBusy, process_event, rerun
from hookconsole.retention import duration, prune


@task
def process_event_task(
    event_pk: int, reprocess_for: int | None = None, *, again: bool = False
) -> str:
    """Process one event unless it is done or busy; schedule a retry when it fails.

    ``again`` (a reprocess from the console, the admin or a bulk run) runs it
    whatever its status, recorded as asked by the user ``reprocess_for``; no
    automatic retry follows a reprocess that fails.
    """
    from hookconsole.queue import schedule_retry

    event = Event(pk=event_pk)  # claim() reads and locks the row itself
    try:
        if again:
            users = get_user_model().objects
            user = users.filter(pk=reprocess_for).first() if reprocess_for else None
            return str(rerun(event, user=user).outcome)
        attempt = process_event(event, trigger=Trigger.TASK)
    except Event.DoesNotExist:
        return "gone"  # pruned since
    except EventBusy:
        return "busy"  # the attempt that holds it decides; its failure schedules a retry
    if attempt is None:  # succeeded or skipped already: a retry after a success ends here
        return str(Event.objects.filter(pk=event_pk).values_list("status", flat=True).first())
    if attempt.outcome == AttemptOutcome.FAILED:
        schedule_retry(attempt.event)
    return str(attempt.outcome)


@task
def sweep_events(older_than_seconds: int = 300) -> int:
    """Enqueue events nobody is processing: see hookconsole.queue.sweep."""
    from datetime import timedelta

    from hookconsole.queue import sweep

    return sweep(timedelta(seconds=older_than_seconds))


@task
def prune_old_events(dry_run: bool = False) -> dict[str, int]:
    """Retention as the settings say; returns what was (or would be) removed."""
    keep = hookconsole_settings.retention
    result = prune(
        succeeded=duration(keep["succeeded"]),
        failed=duration(keep["failed"]),
        rejected=duration(keep["rejected"]),
        dry_run=dry_run,
    )
    return asdict(result)
