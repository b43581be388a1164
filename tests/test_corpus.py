"""Every real Stripe payload in shared/stripe-events, signed for real and posted."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hookconsole.events import event_key
from hookconsole.models import Delivery, Event

from .conftest import post_signed, shared_events

pytestmark = pytest.mark.django_db

FILES = shared_events()
needs_corpus = pytest.mark.skipif(
    not FILES, reason="shared/stripe-events is not beside the checkout"
)


def load(path: Path) -> tuple[str, dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    return text, json.loads(text)


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_event_is_stored_as_sent(client: Client, path: Path) -> None:
    text, payload = load(path)
    response = post_signed(client, text)
    assert response.status_code == 200, response.content
    stored = Event.objects.get()
    assert stored.stripe_id == payload["id"]
    assert stored.type == payload["type"]
    assert stored.livemode is (payload.get("livemode") is True)
    assert stored.api_version == (payload.get("api_version") or "")
    assert stored.account == (payload.get("account") or "")
    assert stored.payload == payload
    assert Delivery.objects.get().body == text


@needs_corpus
def test_whole_corpus_then_resent_is_recognised(client: Client) -> None:
    bodies = defaultdict(set)
    for path in FILES:
        text, payload = load(path)
        assert post_signed(client, text).status_code == 200, path.name
        key = tuple(event_key(payload).values())
        stable = {k: v for k, v in payload.items() if k != "pending_webhooks"}
        bodies[key].add(json.dumps(stable, sort_keys=True))
    # Ids repeat across files: by Stripe's rules those are redeliveries of one event.
    assert Event.objects.count() == len(bodies)
    assert set(Event.objects.filter(payload_differs=True).values_list("stripe_id", flat=True)) == {
        key[0] for key, variants in bodies.items() if len(variants) > 1
    }
    for path in FILES:
        text, _ = load(path)
        response = post_signed(client, text)
        assert response.status_code == 200
        assert response.json()["duplicate"] is True, path.name
    assert Event.objects.count() == len(bodies)
    assert Delivery.objects.filter(duplicate=False).count() == len(bodies)
    assert Delivery.objects.count() == 2 * len(FILES)
