"""django-import-export resources: the columns of every export, file or stream."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from import_export import fields, resources, widgets

from hookconsole.models import Attempt, Delivery, Event

# Resources are generic for type checkers only; at run time they are not subscriptable.
if TYPE_CHECKING:
    EventResourceBase = resources.ModelResource[Event]
    DeliveryResourceBase = resources.ModelResource[Delivery]
    AttemptResourceBase = resources.ModelResource[Attempt]
else:
    EventResourceBase = DeliveryResourceBase = AttemptResourceBase = resources.ModelResource


class ReadableJSON(widgets.JSONWidget):
    """JSON as people read it: "Zoë", not "Zo\\u00eb"."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return json.dumps(value, ensure_ascii=False) if value is not None else None


def json_field(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ReadableJSON())


class EventResource(EventResourceBase):
    payload = json_field("payload")

    class Meta:
        model = Event
        fields = (
            "id",
            "stripe_id",
            "type",
            "status",
            "livemode",
            "account",
            "endpoint",
            "validation",
            "api_version",
            "object_type",
            "object_id",
            "customer_id",
            "stripe_created",
            "request_id",
            "idempotency_key",
            "received_at",
            "last_received_at",
            "delivery_count",
            "attempt_count",
            "payload_differs",
            "last_error",
            "payload",
        )
        export_order = fields


class DeliveryResource(DeliveryResourceBase):
    # Headers are stored with credentials already redacted.
    event = fields.Field(attribute="event__stripe_id", column_name="event")
    headers = json_field("headers")

    class Meta:
        model = Delivery
        fields = (
            "id",
            "received_at",
            "endpoint",
            "method",
            "remote_addr",
            "validation",
            "reason",
            "detail",
            "response_status",
            "duplicate",
            "event",
            "headers",
            "body_size",
            "body_truncated",
            "body",
        )
        export_order = fields


class AttemptResource(AttemptResourceBase):
    event = fields.Field(attribute="event__stripe_id", column_name="event")
    event_type = fields.Field(attribute="event__type", column_name="event_type")
    requested_by = fields.Field(column_name="requested_by")
    handler_results = json_field("handler_results")

    class Meta:
        model = Attempt
        fields = (
            "id",
            "event",
            "event_type",
            "trigger",
            "requested_by",
            "started_at",
            "finished_at",
            "duration_ms",
            "outcome",
            "exception_type",
            "exception_message",
            "handler_results",
            "traceback",
        )
        export_order = fields

    def dehydrate_requested_by(self, attempt: Attempt) -> str:
        user: Any = attempt.requested_by
        return user.get_username() if user is not None else ""
