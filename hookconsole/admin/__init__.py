"""The Django admin's pages for the log: events, deliveries, attempts."""

from hookconsole.admin.attempts import AttemptAdmin
from hookconsole.admin.deliveries import DeliveryAdmin
from hookconsole.admin.events import EventAdmin

__all__ = ["AttemptAdmin", "DeliveryAdmin", "EventAdmin"]
