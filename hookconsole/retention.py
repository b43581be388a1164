"""Retention: forget what is old, keep what recognises a late redelivery.

Old deliveries and attempts are deleted and old events lose their payload, but
each event keeps its id, type and status, so a redelivery that arrives months
later is still known (and a succeeded one still runs nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hookconsole.models import Attempt, Delivery, Event, EventStatus

DURATION = re.compile(r"^(\d+)([smhdw])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def duration(text: str) -> timedelta:
    """'90s', '15m', '12h', '30d' or '2w' as a timedelta; ValueError otherwise."""
    match = DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30d, 12h or 15m")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


# An emptied payload: a marker, not a Stripe field.
PRUNED = {"pruned": True}
BATCH = 1000


@dataclass
class Pruned:
    events: int = 0
    attempts: int = 0
    deliveries: int = 0
    rejected: int = 0


def _in_batches(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


def prune(
    *,
    succeeded: timedelta,
    failed: timedelta,
    rejected: timedelta,
    dry_run: bool = False,
) -> Pruned:
    now = timezone.now()
    old = Q(
        status__in=[EventStatus.SUCCEEDED, EventStatus.SKIPPED],
        last_received_at__lt=now - succeeded,
    ) | Q(status=EventStatus.FAILED, last_received_at__lt=now - failed)
    events = Event.objects.filter(old).exclude(payload=PRUNED)
    event_ids = list(events.values_list("pk", flat=True))
    stale = Delivery.objects.rejected().filter(received_at__lt=now - rejected, event=None)
    result = Pruned(
        events=len(event_ids),
        attempts=Attempt.objects.filter(event_id__in=event_ids).count(),
        deliveries=Delivery.objects.filter(event_id__in=event_ids).count(),
        rejected=stale.count(),
    )
    if dry_run:
        return result
    for batch in _in_batches(event_ids):
        with transaction.atomic():
            Attempt.objects.filter(event_id__in=batch).delete()
            Delivery.objects.filter(event_id__in=batch).delete()
            Event.objects.filter(pk__in=batch).update(payload=PRUNED)
    stale.delete()
    return result
