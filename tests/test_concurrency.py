"""One attempt at a time per event, proven with real threads on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from hookconsole.models import Attempt, Event
from hookconsole.processing import EventBusy, reprocess
from hookconsole.webhooks import Registry

from .conftest import make_event, post_signed
from .testapp.models import HandlerWrite

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]

THREADS = 8


def run_together(work: Callable[[], Any], count: int = THREADS) -> list[Any]:
    """Start ``count`` threads at one barrier; each has its own database connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # returned, not raised: the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_handler(handlers: Registry) -> None:
    @handlers.handler("slow")
    def slow(event: Event, **kwargs: Any) -> None:
        HandlerWrite.objects.create(event_id=event.stripe_id, handler="slow")
        time.sleep(0.3)  # long enough for every other thread to arrive meanwhile


@pytest.mark.usefixtures("slow_handler")
def test_concurrent_deliveries_run_the_handlers_once() -> None:
    event = make_event("slow.thing")
    responses = run_together(lambda: post_signed(Client(), event))
    statuses = Counter(r.status_code for r in responses)
    assert statuses[200] >= 1 and set(statuses) <= {200, 409}, statuses
    assert sum(1 for r in responses if r.json()["duplicate"] is False) == 1
    assert HandlerWrite.objects.count() == 1
    stored = Event.objects.get()
    assert stored.status == "succeeded"
    assert stored.delivery_count == THREADS
    assert Attempt.objects.count() == 1
    # Every delivery is kept, busy ones included.
    assert stored.deliveries.count() == THREADS


@pytest.mark.usefixtures("slow_handler")
def test_concurrent_reprocess_calls_run_once() -> None:
    event = make_event("slow.thing")
    post_signed(Client(), event)
    stored = Event.objects.get()
    outcomes = run_together(lambda: reprocess(Event.objects.get(pk=stored.pk)))
    succeeded = [o for o in outcomes if isinstance(o, Attempt)]
    busy = [o for o in outcomes if isinstance(o, EventBusy)]
    assert len(succeeded) == 1 and len(busy) == THREADS - 1, outcomes
    assert HandlerWrite.objects.count() == 2  # the delivery's run and one reprocess
    assert Attempt.objects.count() == 2
