"""From a validated payload to the one Event row per Stripe event, counting redeliveries."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from hookconsole.models import Attempt, Delivery, Event, Reason, Trigger
from hookconsole.processing import EventBusy, claim_locked
from hookconsole.validation import Rejected

# Stripe changes these between deliveries of one event; they do not make a body differ.
VOLATILE_KEYS = frozenset({"pending_webhooks"})


def _text(value: object, length: int) -> str:
    return value[:length] if isinstance(value, str) else ""


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def payload_hash(payload: dict[str, Any]) -> str:
    """A digest of the payload's content, blind to key order and volatile keys.

    Raises Rejected for content no database can store (lone surrogates, NUL).
    """
    stable = {k: v for k, v in payload.items() if k not in VOLATILE_KEYS}
    canonical = json.dumps(stable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in canonical:
        raise Rejected(Reason.MALFORMED_JSON, "the event holds a \\u0000 character")
    try:
        encoded = canonical.encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected(Reason.MALFORMED_JSON, "the event holds an unpaired surrogate") from None
    return hashlib.sha256(encoded).hexdigest()


def event_key(payload: dict[str, Any]) -> dict[str, Any]:
    """What makes an event one event: its id, in its account and mode."""
    return {
        "stripe_id": payload["id"],
        "account": _text(payload.get("account"), 255),
        "livemode": payload.get("livemode") is True,
    }


def event_fields(payload: dict[str, Any]) -> dict[str, Any]:
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    obj = obj if isinstance(obj, dict) else {}
    request = payload.get("request")
    if isinstance(request, dict):
        request_id = _text(request.get("id"), 255)
        idempotency_key = _text(request.get("idempotency_key"), 255)
    else:  # Older API versions send the request id as a plain string.
        request_id, idempotency_key = _text(request, 255), ""
    object_id, object_type = _text(obj.get("id"), 255), _text(obj.get("object"), 64)
    customer = obj.get("customer")
    if isinstance(customer, dict):  # an expanded customer
        customer = customer.get("id")
    if object_type == "customer":
        customer = object_id
    return {
        "type": payload["type"],
        "api_version": _text(payload.get("api_version"), 64),
        "object_id": object_id,
        "object_type": object_type,
        "customer_id": _text(customer, 255),
        "stripe_created": _timestamp(payload.get("created")),
        "request_id": request_id,
        "idempotency_key": idempotency_key,
        "payload": payload,
    }


@dataclass(frozen=True, slots=True)
class Stored:
    event: Event
    duplicate: bool
    # The attempt claimed for inline processing, if one is to run now.
    attempt: Attempt | None
    # Another attempt holds the event right now; this delivery ran nothing.
    busy: bool = False


def store(delivery: Delivery, payload: dict[str, Any], *, claim: bool) -> Stored:
    """Save the delivery and its event in one transaction; claim the event if asked.

    The event row is locked (PostgreSQL) or the database is (SQLite) while its
    counters change and the claim is made, so concurrent deliveries of one event
    serialise here.
    """
    key = event_key(payload)
    digest = payload_hash(payload)
    now = delivery.received_at
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(**key).first()
        if event is None:
            try:
                with transaction.atomic():  # a concurrent first delivery may win the insert
                    event = Event.objects.create(
                        **key,
                        **event_fields(payload),
                        endpoint=delivery.endpoint,
                        validation=delivery.validation,
                        payload_hash=digest,
                        received_at=now,
                        last_received_at=now,
                        delivery_count=1,
                    )
                duplicate = False
            except IntegrityError:
                event = Event.objects.select_for_update().get(**key)
                duplicate = True
        else:
            duplicate = True
        if duplicate:
            differs = event.payload_differs or event.payload_hash != digest
            Event.objects.filter(pk=event.pk).update(
                delivery_count=F("delivery_count") + 1,
                last_received_at=now,
                payload_differs=differs,
            )
            event.delivery_count += 1
            event.last_received_at, event.payload_differs = now, differs
        delivery.event = event
        delivery.duplicate = duplicate
        delivery.save(force_insert=True)
        if not claim:
            return Stored(event, duplicate, None)
        trigger = Trigger.REDELIVERY if duplicate else Trigger.WEBHOOK
        try:
            attempt = claim_locked(event, trigger, delivery=delivery)
        except EventBusy:
            return Stored(event, duplicate, None, busy=True)
    return Stored(event, duplicate, attempt)
