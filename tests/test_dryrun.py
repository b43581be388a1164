"""Dry runs: handlers run, everything rolls back, nothing about the event changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hookconsole.dryrun import dry_run
from hookconsole.models import Attempt, AttemptOutcome, Event, EventStatus, Trigger
from hookconsole.processing import EventBusy, claim

from .conftest import make_event, post_signed
from .testapp import webhooks as testapp_handlers
from .testapp.models import HandlerWrite

pytestmark = pytest.mark.django_db(transaction=True)


def stored(client: Client, event_type: str) -> Event:
    event = make_event(event_type)
    post_signed(client, event)
    testapp_handlers.COMMITTED.clear()
    return Event.objects.get(stripe_id=event["id"])


def test_dry_run_of_a_failing_event_shows_the_traceback(
    client: Client, django_user_model: Any
) -> None:
    event = stored(client, "hookconsole_test.fragile")
    before = (event.status, event.attempt_count, HandlerWrite.objects.count())
    user = django_user_model.objects.create_user("ops")
    attempt = dry_run(event, user=user)
    assert attempt.trigger == Trigger.DRY_RUN
    assert attempt.outcome == AttemptOutcome.FAILED
    assert "raise ValueError" in attempt.traceback
    assert [r["outcome"] for r in attempt.handler_results] == ["succeeded", "failed"]
    assert attempt.requested_by == user
    event.refresh_from_db()
    assert (event.status, event.attempt_count, HandlerWrite.objects.count()) == before


def test_dry_run_that_would_succeed_commits_nothing(client: Client) -> None:
    event = stored(client, "hookconsole_test.fragile")
    testapp_handlers.SWITCHES["fail"] = False
    writes = HandlerWrite.objects.count()
    attempt = dry_run(event)
    assert attempt.outcome == AttemptOutcome.SUCCEEDED
    assert HandlerWrite.objects.count() == writes  # both handlers wrote; rolled back
    assert testapp_handlers.COMMITTED == []  # on_commit never ran
    event.refresh_from_db()
    assert event.status == EventStatus.FAILED
    assert Attempt.objects.filter(event=event).real().count() == 1
    assert Attempt.objects.filter(event=event).dry_runs().count() == 1


def test_dry_run_refuses_while_an_attempt_runs(client: Client) -> None:
    event = stored(client, "hookconsole_test.write")
    claim(event, Trigger.TASK, force=True)
    with pytest.raises(EventBusy):
        dry_run(event)
