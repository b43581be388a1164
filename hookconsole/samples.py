"""Realistic sample events for the common types, for `manage.py hookconsole send`.

Written for this project (not copied from Stripe): the fields a handler usually
reads, with ids in Stripe's formats. Any other type gets a minimal object.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

API_VERSION = "2026-04-22.dahlia"


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _objects(customer: str) -> dict[str, dict[str, Any]]:
    now = int(time.time())
    payment_intent = {
        "id": _id("pi"),
        "object": "payment_intent",
        "amount": 2000,
        "amount_received": 2000,
        "currency": "eur",
        "customer": customer,
        "status": "succeeded",
        "latest_charge": _id("ch"),
        "created": now,
        "livemode": False,
        "metadata": {},
    }
    charge = {
        "id": _id("ch"),
        "object": "charge",
        "amount": 2000,
        "amount_refunded": 0,
        "currency": "eur",
        "customer": customer,
        "paid": True,
        "refunded": False,
        "payment_intent": payment_intent["id"],
        "status": "succeeded",
        "created": now,
    }
    invoice = {
        "id": _id("in"),
        "object": "invoice",
        "customer": customer,
        "status": "paid",
        "amount_due": 1500,
        "amount_paid": 1500,
        "currency": "eur",
        "attempt_count": 1,
        "billing_reason": "subscription_cycle",
        "subscription": _id("sub"),
        "customer_email": "ada@example.com",
        "created": now,
    }
    subscription = {
        "id": _id("sub"),
        "object": "subscription",
        "customer": customer,
        "status": "active",
        "current_period_start": now,
        "current_period_end": now + 30 * 86400,
        "cancel_at_period_end": False,
        "items": {"object": "list", "data": []},
    }
    return {
        "payment_intent": payment_intent,
        "charge": charge,
        "invoice": invoice,
        "customer.subscription": subscription,
        "customer": {
            "id": customer,
            "object": "customer",
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "created": now,
            "metadata": {},
        },
        "checkout.session": {
            "id": _id("cs_test"),
            "object": "checkout.session",
            "customer": customer,
            "mode": "payment",
            "payment_status": "paid",
            "status": "complete",
            "amount_total": 2000,
            "currency": "eur",
            "payment_intent": payment_intent["id"],
        },
    }


# The last states the type implies, where they differ from a success.
ADJUSTMENTS: dict[str, dict[str, Any]] = {
    "payment_intent.payment_failed": {"status": "requires_payment_method", "amount_received": 0},
    "charge.refunded": {"refunded": True, "amount_refunded": 2000},
    "charge.failed": {"paid": False, "status": "failed"},
    "invoice.payment_failed": {"status": "open", "amount_paid": 0, "attempt_count": 2},
    "customer.subscription.deleted": {"status": "canceled"},
}


def sample_event(event_type: str) -> dict[str, Any]:
    """A fresh event of ``event_type``: a common type's full object, or a minimal one."""
    objects = _objects(_id("cus"))
    family = next(
        (
            key
            for key in sorted(objects, key=len, reverse=True)
            if event_type.startswith(key + ".")
        ),
        None,
    )
    if family is not None:
        obj = {**objects[family], **ADJUSTMENTS.get(event_type, {})}
    else:
        kind = event_type.rsplit(".", 1)[0]
        obj = {"id": _id(kind.replace(".", "_")[:8]), "object": kind}
    return {
        "id": _id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": _id("req"), "idempotency_key": None},
        "type": event_type,
        "data": {"object": obj},
    }


COMMON_TYPES = [
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.succeeded",
    "charge.refunded",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.created",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "checkout.session.completed",
]
