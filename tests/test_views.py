"""The endpoint's HTTP contract: answers, what is stored, and what never breaks it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hookconsole.models import Delivery, Event, Reason, ValidationOutcome

from .conftest import make_event, post_signed, sign

pytestmark = pytest.mark.django_db


def test_accepted_event_is_stored_with_its_fields(client: Client) -> None:
    event = make_event(
        "customer.subscription.updated",
        account="acct_123",
        livemode=True,
        created=1700000000,
        data={"object": {"id": "sub_9", "object": "subscription"}},
    )
    body = json.dumps(event, indent=2)
    response = post_signed(client, body, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    stored = Event.objects.get()
    assert stored.stripe_id == event["id"]
    assert stored.type == "customer.subscription.updated"
    assert (stored.account, stored.livemode) == ("acct_123", True)
    assert (stored.object_id, stored.object_type) == ("sub_9", "subscription")
    assert stored.api_version == "2026-04-22.dahlia"
    assert stored.stripe_created is not None and stored.stripe_created.year == 2023
    assert (stored.request_id, stored.idempotency_key) == ("req_1", "idem_1")
    assert stored.payload == event
    assert stored.endpoint == "default"
    delivery = Delivery.objects.get()
    assert delivery.event == stored
    assert delivery.body == body  # the raw body, byte for byte
    assert delivery.body_size == len(body)
    assert delivery.validation == ValidationOutcome.VALID
    assert delivery.reason == ""
    assert delivery.response_status == 200


@pytest.mark.parametrize(
    ("request_field", "expected"),
    [("req_plain", ("req_plain", "")), (None, ("", "")), ({"id": None}, ("", ""))],
)
def test_request_in_every_shape(client: Client, request_field: Any, expected: Any) -> None:
    post_signed(client, make_event("a.b", request=request_field))
    stored = Event.objects.get()
    assert (stored.request_id, stored.idempotency_key) == expected


def test_minimal_event_is_enough(client: Client) -> None:
    response = post_signed(client, {"id": "evt_min", "type": "thing.happened", "data": None})
    assert response.status_code == 200
    stored = Event.objects.get()
    assert (stored.api_version, stored.object_id, stored.livemode) == ("", "", False)
    assert stored.stripe_created is None


def test_redelivery_with_a_different_body_is_flagged(client: Client) -> None:
    event = make_event("a.b")
    post_signed(client, event)
    # Stripe's pending_webhooks count changes between deliveries: not a difference.
    post_signed(client, {**event, "pending_webhooks": 0})
    assert Event.objects.get().payload_differs is False
    post_signed(client, {**event, "data": {"object": {"id": "obj_2"}}})
    stored = Event.objects.get()
    assert stored.payload_differs is True
    assert stored.delivery_count == 3
    assert stored.payload == event  # the first body stays the event's payload


def test_same_id_in_another_account_is_another_event(client: Client) -> None:
    event = make_event("a.b")
    post_signed(client, event)
    post_signed(client, {**event, "account": "acct_other"})
    assert Event.objects.count() == 2


def test_other_methods_answer_405(client: Client) -> None:
    response = client.get("/webhooks/stripe/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"error": "method_not_allowed"}
    assert Delivery.objects.get().reason == Reason.METHOD_NOT_ALLOWED


def test_unknown_endpoint_answers_404_and_is_recorded(client: Client) -> None:
    response = post_signed(client, make_event(), path="/webhooks/stripe/nope/")
    assert response.status_code == 404
    assert response.json() == {"error": "unknown_endpoint"}
    delivery = Delivery.objects.get()
    assert (delivery.endpoint, delivery.reason) == ("nope", Reason.UNKNOWN_ENDPOINT)


def test_named_endpoint_has_its_own_secret(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_ENDPOINTS = {"connect": {"secret": "whsec_connect", "tolerance": 60}}
    event = make_event(account="acct_1")
    path = "/webhooks/stripe/connect/"
    assert post_signed(client, event, path=path).status_code == 400  # the default secret
    assert post_signed(client, event, secret="whsec_connect", path=path).status_code == 200
    assert Event.objects.get().endpoint == "connect"
    # ...and the default endpoint does not take the Connect secret.
    other = make_event()
    assert post_signed(client, other, secret="whsec_connect").status_code == 400


def test_body_too_large_answers_413_and_keeps_a_capped_body(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_MAX_BODY_SIZE = 1000
    settings.HOOKCONSOLE_REJECTED_BODY_SIZE = 100
    body = json.dumps(make_event(padding="x" * 5000))
    response = post_signed(client, body)
    assert response.status_code == 413
    assert response.json() == {"error": "body_too_large"}
    delivery = Delivery.objects.get()
    assert delivery.reason == Reason.BODY_TOO_LARGE
    assert len(delivery.body) == 100 and delivery.body_truncated
    assert delivery.body_size == len(body)


def test_rejected_bodies_are_capped(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_REJECTED_BODY_SIZE = 50
    response = post_signed(client, make_event(padding="y" * 500), secret="whsec_wrong")
    assert response.status_code == 400
    delivery = Delivery.objects.get()
    assert len(delivery.body) == 50 and delivery.body_truncated


def test_credentials_in_headers_are_redacted(client: Client) -> None:
    post_signed(
        client,
        make_event(),
        Authorization="Bearer sk_live_abc",
        Cookie="sessionid=abc",
        X_Auth_Token="tok_123",
        X_Request_Id="keep-me",
    )
    headers = Delivery.objects.get().headers
    assert headers["Authorization"] == "[redacted]"
    assert headers["Cookie"] == "[redacted]"
    assert headers["X-Auth-Token"] == "[redacted]"
    assert headers["X-Request-Id"] == "keep-me"
    assert headers["Stripe-Signature"].startswith("t=")
    assert "sk_live_abc" not in json.dumps(headers)


@pytest.mark.parametrize(
    ("trust", "forwarded", "expected"),
    [
        (False, "203.0.113.9, 10.0.0.1", "127.0.0.1"),
        (True, "203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (True, "not-an-ip", "127.0.0.1"),
    ],
)
def test_remote_ip(
    client: Client, settings: Any, trust: bool, forwarded: str, expected: str
) -> None:
    settings.HOOKCONSOLE_TRUST_X_FORWARDED_FOR = trust
    post_signed(client, make_event(), X_Forwarded_For=forwarded)
    assert Delivery.objects.get().remote_addr == expected


def test_login_required_middleware_does_not_guard_the_endpoint(
    client: Client, settings: Any
) -> None:
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    assert post_signed(client, make_event()).status_code == 200


def test_csrf_checks_do_not_block_stripe(settings: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    assert post_signed(client, make_event()).status_code == 200


def test_garbage_never_causes_a_500(client: Client) -> None:
    bodies: list[bytes] = [b"", b"\x00\x01\x02", b"{" * 10, "é".encode("latin-1"), b"null"]
    for body in bodies:
        response = client.post(
            "/webhooks/stripe/",
            body,
            "application/octet-stream",
            headers={"Stripe-Signature": sign(body.decode("latin-1"))},
        )
        assert 400 <= response.status_code < 500, body
    assert Delivery.objects.rejected().count() == len(bodies)


def test_nul_characters_anywhere_are_stored_harmlessly(client: Client) -> None:
    response = client.post(
        "/webhooks/stripe/na%00me/",
        b"\x00{}",
        "application/json",
        headers={"Stripe-Signature": "t=1,v1=\x00", "X-Custom": "a\x00b"},
    )
    assert response.status_code == 404
    delivery = Delivery.objects.get()
    assert delivery.endpoint == "na\ufffdme"
    assert delivery.headers["X-Custom"] == "a\ufffdb"
