"""The seed's four examples, imported unchanged but for the import path, receiving real events."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import pytest
from django.test import Client

from hookconsole.models import AttemptOutcome, Event
from hookconsole.webhooks import Registry

from .conftest import make_event, post_signed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seed(handlers: Registry) -> Any:
    sys.modules.pop("tests.seed.examples", None)
    module = importlib.import_module("tests.seed.examples")
    yield module
    sys.modules.pop("tests.seed.examples", None)


def handler_names(event: Event) -> list[str]:
    return [r["name"] for r in event.attempts.get().handler_results]


def test_trial_will_end_reaches_the_exact_and_the_prefix_handler(
    client: Client, seed: Any, capsys: Any
) -> None:
    response = post_signed(client, make_event("customer.subscription.trial_will_end"))
    assert response.json()["status"] == "succeeded"
    # Least specific first: "customer", then the exact type.
    assert capsys.readouterr().out.splitlines() == [
        "We should probably notify the user at this point",
        "We should probably notify the user at this point",
    ]
    assert len(handler_names(Event.objects.get())) == 2


def test_customer_prefix_matches_segments_only(client: Client, seed: Any, capsys: Any) -> None:
    post_signed(client, make_event("customer.created"))
    assert capsys.readouterr().out == "We should probably notify the user at this point\n"
    post_signed(client, make_event("customerx.created"))
    assert capsys.readouterr().out == ""
    assert Event.objects.get(type="customerx.created").status == "skipped"


def test_price_and_product_handlers(
    client: Client, seed: Any, capsys: Any, monkeypatch: Any
) -> None:
    called: list[str] = []
    monkeypatch.setattr(seed, "do_something", lambda: called.append("committed"))
    for event_type in ("price.created", "product.deleted"):
        response = post_signed(client, make_event(event_type))
        assert response.json()["status"] == "succeeded"
    assert capsys.readouterr().out.splitlines() == [
        "Triggered webhook price.created",
        "Triggered webhook product.deleted",
    ]
    # The fourth example's on_commit ran once per committed event.
    assert called == ["committed", "committed"]


def test_on_commit_does_not_run_when_a_later_handler_fails(
    client: Client, seed: Any, handlers: Registry, monkeypatch: Any
) -> None:
    called: list[str] = []
    monkeypatch.setattr(seed, "do_something", lambda: called.append("committed"))

    @handlers.handler("price.updated")
    def breaks(event: Event, **kwargs: Any) -> None:
        raise RuntimeError("after the seed's handlers")

    response = post_signed(client, make_event("price.updated"))
    assert response.status_code == 500
    assert called == []
    assert Event.objects.get().attempts.get().outcome == AttemptOutcome.FAILED
