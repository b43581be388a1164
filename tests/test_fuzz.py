"""Whatever arrives, the endpoint answers 2xx or 4xx and records it: never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hookconsole.models import Delivery

from .conftest import post_signed

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
event_fields = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=40), "type": st.text(min_size=1, max_size=40)},
    optional={
        key: json_values
        for key in ("account", "livemode", "api_version", "created", "request", "data")
    },
)


@FUZZ
@given(body=st.binary(max_size=300), header=st.text(max_size=80))
def test_any_bytes_and_header(client: Client, body: bytes, header: str) -> None:
    before = Delivery.objects.count()
    response = client.post(
        "/webhooks/stripe/",
        body,
        "application/json",
        headers={"Stripe-Signature": header.encode("latin-1", "replace").decode("latin-1")},
    )
    assert 400 <= response.status_code < 500
    assert Delivery.objects.count() == before + 1


@FUZZ
@given(payload=event_fields)
def test_any_signed_event_shape(client: Client, payload: dict[str, Any]) -> None:
    response = post_signed(client, json.dumps(payload))
    assert response.status_code < 500, response.content
    assert "error" in response.json() or response.json()["event"] == payload["id"]
