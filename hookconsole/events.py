"""From a validated payload to the one Event row per Stripe event, counting redeliveries."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from hookconsole.locking import write_transaction
from hookconsole.models import Attempt, Delivery, Event, EventStatus, Reason, Trigger
from hookconsole.processing import claim_locked, lease_expiry
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


def store(
    delivery: Delivery,
    payload: dict[str, Any],
    *,
    claim: bool,
    then: Callable[[Event], None] | None = None,
) -> Stored:
    """Save the delivery and its event in one transaction; claim the event if asked.

    ``then`` is called with an event that is neither claimed nor done, in the
    same transaction (task mode enqueues it there).

    The event row is locked (PostgreSQL) or the database is (SQLite) while its
    counters change and the claim is made, so concurrent deliveries of one event
    serialise here. The delivery is saved with its answer when that is already
    known (200, or 409 for a busy event); an inline attempt writes it when it ends.
    """
    key = event_key(payload)
    digest = payload_hash(payload)
    now = delivery.received_at
    trigger = Trigger.WEBHOOK
    # Built before the transaction: on SQLite the write lock is held from BEGIN.
    claimed: dict[str, Any] = {}
    if claim:  # a new event is claimed by its own INSERT: no second write for the claim
        claimed = {
            "status": EventStatus.PROCESSING,
            "lease_expires_at": lease_expiry(now),
            "attempt_count": 1,
        }
    new = Event(
        **key,
        **event_fields(payload),
        **claimed,
        endpoint=delivery.endpoint,
        validation=delivery.validation,
        payload_hash=digest,
        received_at=now,
        last_received_at=now,
        delivery_count=1,
    )
    with write_transaction():
        try:
            # Most deliveries bring a new event: insert first and look up only on a
            # conflict (a redelivery, or a concurrent first delivery that won).
            with transaction.atomic():
                new.save(force_insert=True)
            event = new
        except IntegrityError:
            found = Event.objects.select_for_update().filter(**key).first()
            if found is None:
                raise
            event = found
            trigger = _count_redelivery(event, digest, now)
        duplicate = trigger == Trigger.REDELIVERY
        delivery.event, delivery.duplicate = event, duplicate
        busy = claim and event.is_held(now) and trigger == Trigger.REDELIVERY
        done = event.is_done()
        if busy:
            delivery.response_status = 409
        elif not claim or done:
            delivery.response_status = 200  # the view updates it if the answer changes
        delivery.save(force_insert=True)
        if then is not None and not claim and not done:
            then(event)
        if not claim or busy or done:
            return Stored(event, duplicate, None, busy=busy)
        attempt: Attempt | None
        if trigger == Trigger.WEBHOOK:
            attempt = Attempt.objects.create(
                event=event, delivery=delivery, trigger=trigger, started_at=now
            )
        else:
            attempt = claim_locked(event, trigger, delivery=delivery)
    return Stored(event, duplicate, attempt)


def _count_redelivery(event: Event, digest: str, now: datetime) -> Trigger:
    differs = event.payload_differs or event.payload_hash != digest
    Event.objects.filter(pk=event.pk).update(
        delivery_count=F("delivery_count") + 1, last_received_at=now, payload_differs=differs
    )
    event.delivery_count += 1
    event.last_received_at, event.payload_differs = now, differs
    return Trigger.REDELIVERY
