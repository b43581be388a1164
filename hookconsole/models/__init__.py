"""The log: every delivery, one event per Stripe event, every processing attempt.

Data flows one way: a Delivery (an HTTP request) carries an Event, and each
processing run of that event is an Attempt.
"""

from hookconsole.models.attempts import Attempt, AttemptQuerySet
from hookconsole.models.bulk import BulkRun
from hookconsole.models.choices import (
    AttemptOutcome,
    EventStatus,
    Reason,
    Trigger,
    ValidationOutcome,
)
from hookconsole.models.deliveries import Delivery, DeliveryQuerySet
from hookconsole.models.events import Event, EventQuerySet

__all__ = [
    "Attempt",
    "AttemptOutcome",
    "AttemptQuerySet",
    "BulkRun",
    "Delivery",
    "DeliveryQuerySet",
    "Event",
    "EventQuerySet",
    "EventStatus",
    "Reason",
    "Trigger",
    "ValidationOutcome",
]
