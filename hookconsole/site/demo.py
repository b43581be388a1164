"""Demo handlers and events for the run command; never registered by default."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from django.db import transaction

from hookconsole.models import Event
from hookconsole.webhooks import registry

logger = logging.getLogger("hookconsole.demo")


def sync_customer(event: Event, **kwargs: Any) -> None:
    obj = event.data["object"]
    customer = obj.get("customer") or obj["id"]
    # Runs only if every handler of this event succeeded and the writes committed.
    transaction.on_commit(lambda: logger.info("demo: %s synced after %s", customer, event.type))


def fulfil_order(event: Event, **kwargs: Any) -> None:
    logger.info("demo: fulfilling %s", event.data["object"]["id"])


def mark_invoice_paid(event: Event, **kwargs: Any) -> None:
    logger.info("demo: invoice %s paid", event.data["object"]["id"])


def send_dunning_mail(event: Event, **kwargs: Any) -> None:
    # Fails on purpose, like a real bug: this invoice has no customer_details.
    invoice = event.data["object"]
    email = invoice["customer_details"]["email"]
    logger.info("demo: dunning mail to %s", email)


def register_demo_handlers() -> None:
    registry.handler("customer")(sync_customer)
    registry.handler("payment_intent.succeeded")(fulfil_order)
    registry.handler("invoice.paid")(mark_invoice_paid)
    registry.handler("invoice.payment_failed")(send_dunning_mail)


def _event(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    suffix = secrets.token_hex(8)
    return {
        "id": f"evt_demo_{suffix}",
        "object": "event",
        "api_version": "2026-04-22.dahlia",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": f"req_demo_{suffix}", "idempotency_key": None},
        "type": event_type,
        "data": {"object": obj},
    }


def demo_events() -> list[dict[str, Any]]:
    """A fresh batch: handled, failing on purpose and unhandled events."""
    customer = "cus_demo_" + secrets.token_hex(4)
    return [
        _event(
            "customer.created", {"id": customer, "object": "customer", "email": "ada@example.com"}
        ),
        _event(
            "customer.subscription.created",
            {"id": "sub_demo_1", "object": "subscription", "customer": customer},
        ),
        _event(
            "payment_intent.succeeded",
            {"id": "pi_demo_1", "object": "payment_intent", "amount": 2000, "currency": "eur"},
        ),
        _event("invoice.paid", {"id": "in_demo_1", "object": "invoice", "customer": customer}),
        _event(
            "invoice.payment_failed",
            {"id": "in_demo_2", "object": "invoice", "customer": customer, "attempt_count": 1},
        ),
        _event("charge.refunded", {"id": "ch_demo_1", "object": "charge", "amount_refunded": 500}),
    ]
