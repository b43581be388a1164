"""Signature, retrieve_event and event-shape validation, through the real endpoint."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from hookconsole.models import Delivery, Event, Reason, ValidationOutcome

from .conftest import SECRET, make_event, post_signed, sign

pytestmark = pytest.mark.django_db


def last_delivery() -> Delivery:
    return Delivery.objects.latest("id")


def assert_rejected(response: Any, reason: str, status: int = 400) -> Delivery:
    assert response.status_code == status, response.content
    assert response.json() == {"error": reason}
    delivery = last_delivery()
    assert delivery.validation == ValidationOutcome.REJECTED
    assert delivery.reason == reason
    assert delivery.response_status == status
    assert delivery.event is None
    return delivery


def test_valid_signature_is_accepted(client: Client) -> None:
    response = post_signed(client, make_event())
    assert response.status_code == 200
    assert last_delivery().validation == ValidationOutcome.VALID


def test_tampered_body_is_rejected(client: Client) -> None:
    body = json.dumps(make_event())
    header = sign(body)
    tampered = body.replace('"livemode": false', '"livemode": true')
    response = client.post(
        "/webhooks/stripe/", tampered, "application/json", headers={"Stripe-Signature": header}
    )
    delivery = assert_rejected(response, Reason.BAD_SIGNATURE)
    assert delivery.body == tampered
    assert Event.objects.count() == 0


def test_wrong_secret_is_rejected(client: Client) -> None:
    response = post_signed(client, make_event(), secret="whsec_someone_else")
    assert_rejected(response, Reason.BAD_SIGNATURE)


def test_rotation_two_v1_signatures_in_one_header(client: Client, settings: Any) -> None:
    # During a roll Stripe signs with the old and the new secret in one header.
    settings.HOOKCONSOLE_WEBHOOK_SECRET = "whsec_new"
    body = json.dumps(make_event())
    now = int(time.time())
    old = sign(body, "whsec_old", now)
    new = sign(body, "whsec_new", now)
    header = f"{old},v1={new.split('v1=')[1]}"
    assert header.count("v1=") == 2
    response = client.post(
        "/webhooks/stripe/", body, "application/json", headers={"Stripe-Signature": header}
    )
    assert response.status_code == 200


def test_rotation_several_configured_secrets(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_SECRET = ["whsec_new", "whsec_old"]
    assert post_signed(client, make_event(), secret="whsec_old").status_code == 200
    assert post_signed(client, make_event(), secret="whsec_new").status_code == 200
    assert_rejected(post_signed(client, make_event(), secret="whsec_other"), Reason.BAD_SIGNATURE)


def test_too_old_is_rejected(client: Client) -> None:
    response = post_signed(client, make_event(), timestamp=int(time.time()) - 301)
    delivery = assert_rejected(response, Reason.TIMESTAMP_OUTSIDE_TOLERANCE)
    assert "ago" in delivery.detail


def test_too_new_is_rejected(client: Client) -> None:
    response = post_signed(client, make_event(), timestamp=int(time.time()) + 301)
    delivery = assert_rejected(response, Reason.TIMESTAMP_OUTSIDE_TOLERANCE)
    assert "future" in delivery.detail


def test_tolerance_is_configurable(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_TOLERANCE = 3600
    response = post_signed(client, make_event(), timestamp=int(time.time()) - 1800)
    assert response.status_code == 200


def test_djstripe_settings_are_fallbacks(client: Client, settings: Any) -> None:
    del settings.HOOKCONSOLE_WEBHOOK_SECRET
    settings.DJSTRIPE_WEBHOOK_SECRET = "whsec_from_djstripe"
    settings.DJSTRIPE_WEBHOOK_TOLERANCE = 10
    assert post_signed(client, make_event(), secret="whsec_from_djstripe").status_code == 200
    response = post_signed(
        client, make_event(), secret="whsec_from_djstripe", timestamp=int(time.time()) - 60
    )
    assert_rejected(response, Reason.TIMESTAMP_OUTSIDE_TOLERANCE)


def test_missing_header_is_rejected(client: Client) -> None:
    response = client.post("/webhooks/stripe/", json.dumps(make_event()), "application/json")
    assert_rejected(response, Reason.MISSING_SIGNATURE)


@pytest.mark.parametrize("header", ["garbage", "t=abc,v1=00", "t=123", "v1=abcdef"])
def test_malformed_header_is_rejected(client: Client, header: str) -> None:
    response = client.post(
        "/webhooks/stripe/",
        json.dumps(make_event()),
        "application/json",
        headers={"Stripe-Signature": header},
    )
    assert_rejected(response, Reason.MALFORMED_SIGNATURE)


def test_no_secret_configured_answers_503(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_SECRET = []
    response = post_signed(client, make_event())
    assert_rejected(response, Reason.ENDPOINT_NOT_CONFIGURED, 503)


def test_validation_off_accepts_unsigned(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = None
    response = client.post("/webhooks/stripe/", json.dumps(make_event()), "application/json")
    assert response.status_code == 200
    assert last_delivery().validation == ValidationOutcome.UNVERIFIED


def test_validation_off_still_requires_an_event(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = None
    response = client.post("/webhooks/stripe/", "[1, 2]", "application/json")
    assert_rejected(response, Reason.NOT_AN_EVENT)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", Reason.MALFORMED_JSON),
        ('{"id": "evt_1", "type": "x", "n": NaN}', Reason.MALFORMED_JSON),
        ('{"id": "evt_1", "type": "x", "s": "a\\u0000b"}', Reason.MALFORMED_JSON),
        ('{"id": "evt_1", "type": "x", "s": "\\ud800"}', Reason.MALFORMED_JSON),
        ("[" * 100_000 + "]" * 100_000, Reason.MALFORMED_JSON),
        ('"just a string"', Reason.NOT_AN_EVENT),
        ('{"type": "customer.created"}', Reason.NOT_AN_EVENT),
        ('{"id": 12, "type": "customer.created"}', Reason.NOT_AN_EVENT),
        ('{"id": "evt_1", "type": ""}', Reason.NOT_AN_EVENT),
        ('{"id": "' + "e" * 256 + '", "type": "x"}', Reason.NOT_AN_EVENT),
    ],
)
def test_signed_but_not_an_event(client: Client, body: str, reason: str) -> None:
    assert_rejected(post_signed(client, body), reason)


def test_body_that_is_not_utf8(client: Client) -> None:
    body = b'{"id": "evt_\xff", "type": "x"}'
    response = client.post(
        "/webhooks/stripe/",
        body,
        "application/json",
        headers={"Stripe-Signature": sign("ignored")},
    )
    delivery = assert_rejected(response, Reason.MALFORMED_JSON)
    assert "\ufffd" in delivery.body


class FakeStripeAPI(BaseHTTPRequestHandler):
    """A loopback stand-in for api.stripe.com's GET /v1/events/<id>."""

    events: dict[str, dict[str, Any]] = {}
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        type(self).seen.append({"path": self.path, **dict(self.headers.items())})
        event_id = self.path.rsplit("/", 1)[-1]
        event = self.events.get(event_id)
        if event is None:
            status = 404
            body = {"error": {"type": "invalid_request_error", "message": "No such event"}}
        else:
            status, body = 200, event
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stripe_api(settings: Any) -> Iterator[type[FakeStripeAPI]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripeAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeStripeAPI.events, FakeStripeAPI.seen = {}, []
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = "retrieve_event"
    settings.HOOKCONSOLE_STRIPE_API_KEY = "sk_test_hookconsole"
    settings.HOOKCONSOLE_STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield FakeStripeAPI
    server.shutdown()
    server.server_close()


def test_retrieve_event_accepts_what_stripe_confirms(
    client: Client, stripe_api: type[FakeStripeAPI]
) -> None:
    event = make_event(account="acct_connected")
    stripe_api.events[event["id"]] = event
    response = client.post("/webhooks/stripe/", json.dumps(event), "application/json")
    assert response.status_code == 200, response.content
    assert last_delivery().validation == ValidationOutcome.VALID
    request = stripe_api.seen[0]
    assert request["path"] == f"/v1/events/{event['id']}"
    assert request["Authorization"] == "Bearer sk_test_hookconsole"
    assert request["Stripe-Account"] == "acct_connected"
    assert request["Stripe-Version"] == event["api_version"]


def test_retrieve_event_rejects_unknown_event(
    client: Client, stripe_api: type[FakeStripeAPI]
) -> None:
    response = client.post("/webhooks/stripe/", json.dumps(make_event()), "application/json")
    assert_rejected(response, Reason.EVENT_NOT_FOUND)


def test_retrieve_event_rejects_forged_data(
    client: Client, stripe_api: type[FakeStripeAPI]
) -> None:
    event = make_event()
    stripe_api.events[event["id"]] = event
    forged = {**event, "data": {"object": {"id": "obj_1", "object": "thing", "amount": 1}}}
    response = client.post("/webhooks/stripe/", json.dumps(forged), "application/json")
    assert_rejected(response, Reason.EVENT_MISMATCH)


def test_retrieve_event_unreachable_api_answers_503(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = "retrieve_event"
    settings.HOOKCONSOLE_STRIPE_API_KEY = "sk_test_hookconsole"
    settings.HOOKCONSOLE_STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: refused
    response = client.post("/webhooks/stripe/", json.dumps(make_event()), "application/json")
    assert_rejected(response, Reason.STRIPE_API_ERROR, 503)


def test_secret_never_in_a_rejection(client: Client) -> None:
    response = post_signed(client, make_event(), secret="whsec_someone_else")
    assert SECRET not in response.content.decode()
    delivery = last_delivery()
    assert SECRET not in json.dumps(delivery.headers) + delivery.detail + delivery.body
