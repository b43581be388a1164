"""The Stripe endpoint: record the delivery, store the event, process it (or hand it over)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from hookconsole import signals
from hookconsole.conf import DEFAULT_ENDPOINT, hookconsole_settings
from hookconsole.deliveries import BodyTooLarge, new_delivery, read_body, record_rejection
from hookconsole.events import Stored, store
from hookconsole.models import Delivery, Event, EventStatus, Reason
from hookconsole.processing import answer_status, run
from hookconsole.queue import QueueUnavailable, enqueue
from hookconsole.validation import Rejected, validate

logger = logging.getLogger("hookconsole")


def _answer(delivery: Delivery, status: int, body: dict[str, object]) -> JsonResponse:
    # Usually recorded already, with the delivery or its attempt; write only a change.
    if delivery.pk is not None and delivery.response_status != status:
        Delivery.objects.filter(pk=delivery.pk).update(response_status=status)
    return JsonResponse(body, status=status)


def _accepted(
    delivery: Delivery, stored: Stored, callback: Callable[[Event], object] | None
) -> JsonResponse:
    event = stored.event
    body: dict[str, object] = {
        "event": event.stripe_id,
        "status": event.status,
        "duplicate": stored.duplicate,
    }
    if stored.busy:
        # Not 2xx, so Stripe delivers again later and the outcome is not lost.
        return _answer(delivery, 409, {**body, "error": "event_busy"})
    done = event.is_done()
    if callback is not None:
        if done:
            return _answer(delivery, 200, body)
        try:
            callback(event)
        except Exception:
            logger.exception("HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK failed for %s", event.stripe_id)
            return _answer(delivery, 500, {**body, "error": "callback_failed"})
        return _answer(delivery, 200, body)
    if stored.attempt is None:
        return _answer(delivery, 200, body)
    attempt = run(stored.attempt)
    body["status"] = event.status = attempt.event.status
    if event.status == EventStatus.FAILED:
        body["error"] = "handler_failed"
    return _answer(delivery, answer_status(event.status), body)


# The view runs its own transactions (ATOMIC_REQUESTS must not wrap it: a failed
# attempt has to be committed while the handlers' writes roll back). Stripe
# cannot send a CSRF token or log in; its signature is the authentication.
@csrf_exempt
@login_not_required
@transaction.non_atomic_requests
def stripe_webhook(request: HttpRequest, name: str = DEFAULT_ENDPOINT) -> JsonResponse:
    delivery = new_delivery(request, name)
    body = b""
    try:
        endpoint = hookconsole_settings.endpoint(name)
        if endpoint is None:
            raise Rejected(Reason.UNKNOWN_ENDPOINT, f"no endpoint named {name!r}", 404)
        if request.method != "POST":
            raise Rejected(Reason.METHOD_NOT_ALLOWED, f"{request.method} is not POST", 405)
        try:
            body = read_body(request)
        except BodyTooLarge as exc:
            body = exc.head
            raise
        signals.webhook_pre_validate.send(sender=Delivery, instance=delivery)
        validated = validate(body, request.headers.get("Stripe-Signature"), endpoint)
        delivery.validation = validated.outcome
        delivery.body, delivery.body_size = validated.text, len(body)
        signals.webhook_post_validate.send(sender=Delivery, instance=delivery, valid=True)
        # Who processes the event: the callback, the task queue, or this request.
        callback = hookconsole_settings.webhook_event_callback
        queued = callback is None and hookconsole_settings.processing == "task"
        stored = store(
            delivery,
            validated.payload,
            claim=callback is None and not queued,
            then=enqueue if queued else None,
        )
    except QueueUnavailable as unavailable:
        # Stored and pending: Stripe's retry (or `sweep`) enqueues it again.
        event = unavailable.event
        answer: dict[str, object] = {"event": event.stripe_id, "status": event.status}
        answer["error"] = "queue_unavailable"
        return _answer(delivery, 503, answer)
    except Rejected as rejected:
        signals.webhook_post_validate.send(sender=Delivery, instance=delivery, valid=False)
        record_rejection(delivery, rejected, body)
        response = JsonResponse({"error": rejected.reason}, status=rejected.status)
        if rejected.status == 405:
            response["Allow"] = "POST"
        return response
    return _accepted(delivery, stored, callback)
