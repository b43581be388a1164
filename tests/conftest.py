"""Shared helpers: real signatures, the shared corpus, and service requirements."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stripe
from django.db import connection
from django.test import Client

from hookconsole.webhooks import Registry, registry

SECRET = "whsec_test_secret"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def require(service: str, available: bool, reason: str) -> None:
    """Skip when a service is missing, unless HOOKCONSOLE_REQUIRE names it (CI): then fail."""
    if available:
        return
    required = {s.strip() for s in os.environ.get("HOOKCONSOLE_REQUIRE", "").split(",")}
    if service in required:
        pytest.fail(f"{reason} (HOOKCONSOLE_REQUIRE={service})")
    pytest.skip(reason)


@pytest.fixture
def postgres() -> None:
    require(
        "postgres",
        connection.vendor == "postgresql",
        "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/hookconsole",
    )


def make_event(event_type: str = "hookconsole_test.write", **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": f"evt_{time.monotonic_ns()}",
        "object": "event",
        "api_version": "2026-04-22.dahlia",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": "req_1", "idempotency_key": "idem_1"},
        "type": event_type,
        "data": {"object": {"id": "obj_1", "object": "thing"}},
    }
    event.update(fields)
    return event


def sign(body: str, secret: str = SECRET, timestamp: int | None = None) -> str:
    header: str = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return header


def post_signed(
    client: Client,
    payload: dict[str, Any] | str,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    path: str = "/webhooks/stripe/",
    **headers: str,
) -> Any:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(
        path,
        body,
        content_type="application/json",
        headers={"Stripe-Signature": sign(body, secret, timestamp), **headers},
    )


@pytest.fixture(autouse=True)
def fragile_handler_breaks() -> Iterator[None]:
    """The test app's fragile handler fails until a test "deploys the fix"."""
    from .testapp import webhooks as testapp_handlers

    testapp_handlers.SWITCHES["fail"] = True
    testapp_handlers.COMMITTED.clear()
    yield
    testapp_handlers.SWITCHES["fail"] = True


@pytest.fixture
def handlers() -> Iterator[Registry]:
    """The registry, restored to its start-up handlers after the test."""
    with registry.isolated() as isolated:
        yield isolated


def shared_events() -> list[Path]:
    folder = SHARED / "stripe-events"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []
