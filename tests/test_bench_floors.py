"""The benchmark's two Django floors answer like the endpoint and store what they say."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hookconsole.models import Delivery, Event
from tests.benchmarks.floor import SECRET
from tests.conftest import make_event, sign

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.benchmarks.site_urls"),
]


def post(client: Client, path: str, body: str, secret: str = SECRET) -> dict[str, str]:
    response = client.post(
        path, body, "application/json", headers={"Stripe-Signature": sign(body, secret)}
    )
    answer: dict[str, str] = response.json()
    answer["status"] = str(response.status_code)
    return answer


def test_floor_verifies_without_storing(client: Client) -> None:
    body = json.dumps(make_event(id="evt_floor"))
    assert post(client, "/bench/floor/", body) == {"event": "evt_floor", "status": "200"}
    assert post(client, "/bench/floor/", body, "whsec_other")["status"] == "400"
    assert not Event.objects.exists()


def test_storage_floor_stores_the_event_and_its_delivery(client: Client) -> None:
    body = json.dumps(make_event("invoice.paid", id="evt_store"))
    assert post(client, "/bench/store/", body) == {"event": "evt_store", "status": "200"}
    event = Event.objects.get()
    assert (event.stripe_id, event.type, event.status) == ("evt_store", "invoice.paid", "pending")
    assert event.payload == json.loads(body)
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.body, delivery.response_status) == (event, body, 200)
    assert post(client, "/bench/store/", body, "whsec_other")["status"] == "400"
    assert Event.objects.count() == 1
