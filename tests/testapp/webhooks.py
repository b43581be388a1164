"""Handlers found by autodiscovery (nothing imports this module by hand).

They react to the ``hookconsole_test`` type family only, so other tests see no
handler. ``SWITCHES`` lets a test break and then fix the failing handler.
"""

import os
import time
from typing import Any

from django.db import transaction

from hookconsole import webhooks
from hookconsole.models import Event

from .models import HandlerWrite

SWITCHES = {"fail": True}
COMMITTED: list[str] = []


@webhooks.handler("hookconsole_test")
def write_row(event: Event, **kwargs: Any) -> None:
    HandlerWrite.objects.create(event_id=event.stripe_id, handler="write_row")
    transaction.on_commit(lambda: COMMITTED.append(event.stripe_id))


@webhooks.handler("hookconsole_test.fragile")
def fragile(event: Event, **kwargs: Any) -> None:
    HandlerWrite.objects.create(event_id=event.stripe_id, handler="fragile")
    # Worker processes learn of "the fix" from the environment the test gives them.
    if SWITCHES["fail"] and os.environ.get("HOOKCONSOLE_TEST_FRAGILE") != "fixed":
        raise ValueError(f"fragile handler broke on {event.stripe_id}")


@webhooks.handler("hookconsole_test.slow")
def slow(event: Event, **kwargs: Any) -> None:
    """Writes, then takes its time: long enough for a test to kill the worker."""
    HandlerWrite.objects.create(event_id=event.stripe_id, handler="slow")
    time.sleep(float(os.environ.get("HOOKCONSOLE_TEST_SLOW", "0")))
