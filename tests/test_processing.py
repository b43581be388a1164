"""Atomic processing: rollback, on_commit, recorded failures, reprocess, one attempt at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hookconsole import signals
from hookconsole.models import Attempt, AttemptOutcome, Delivery, Event, EventStatus, Trigger
from hookconsole.processing import EventBusy, claim, process_event, reprocess
from hookconsole.webhooks import Registry

from .conftest import make_event, post_signed
from .testapp import webhooks as testapp_handlers
from .testapp.models import HandlerWrite

# Real commits: on_commit callbacks and rollbacks behave as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def test_success_commits_writes_and_runs_on_commit(client: Client) -> None:
    event = make_event("hookconsole_test.write")
    response = post_signed(client, event)
    assert response.status_code == 200
    assert response.json() == {"event": event["id"], "status": "succeeded", "duplicate": False}
    assert HandlerWrite.objects.filter(event_id=event["id"]).count() == 1
    assert testapp_handlers.COMMITTED == [event["id"]]
    stored = Event.objects.get(stripe_id=event["id"])
    assert (stored.status, stored.attempt_count, stored.delivery_count) == ("succeeded", 1, 1)
    attempt = stored.attempts.get()
    assert attempt.trigger == Trigger.WEBHOOK
    assert attempt.outcome == AttemptOutcome.SUCCEEDED
    assert attempt.finished_at is not None and attempt.duration_ms is not None
    assert [r["name"] for r in attempt.handler_results] == ["tests.testapp.webhooks.write_row"]
    assert attempt.handler_results[0]["outcome"] == "succeeded"
    assert attempt.delivery == stored.deliveries.get()
    assert stored.lease_expires_at is None


def test_an_inline_delivery_writes_each_row_once_in_two_transactions(client: Client) -> None:
    # One transaction stores the delivery and the claimed event; the second holds the
    # handlers' writes, the outcome and the answer. Nothing is written after it.
    with CaptureQueriesContext(connection) as queries:
        assert post_signed(client, make_event("hookconsole_test.write")).status_code == 200
    statements = [q["sql"].split(None, 3) for q in queries.captured_queries]
    writes = [
        (words[0], (words[2] if words[0] == "INSERT" else words[1]).strip('"'))
        for words in statements
        if words[0] in ("INSERT", "UPDATE")
    ]
    assert writes == [
        ("INSERT", "hookconsole_event"),
        ("INSERT", "hookconsole_delivery"),
        ("INSERT", "hookconsole_attempt"),
        ("INSERT", "testapp_handlerwrite"),
        ("UPDATE", "hookconsole_attempt"),
        ("UPDATE", "hookconsole_event"),
        ("UPDATE", "hookconsole_delivery"),
    ]
    if connection.vendor == "sqlite":  # PostgreSQL opens its transactions implicitly
        assert [words[0] for words in statements].count("BEGIN") == 2
    assert Delivery.objects.get().response_status == 200


def test_failure_rolls_back_every_handler_and_keeps_the_attempt(client: Client) -> None:
    event = make_event("hookconsole_test.fragile")
    response = post_signed(client, event)
    assert response.status_code == 500
    assert response.json() == {
        "event": event["id"],
        "status": "failed",
        "duplicate": False,
        "error": "handler_failed",
    }
    # write_row ran first and wrote; fragile wrote then raised: both rolled back.
    assert HandlerWrite.objects.count() == 0
    assert testapp_handlers.COMMITTED == []
    stored = Event.objects.get(stripe_id=event["id"])
    assert stored.status == EventStatus.FAILED
    assert stored.last_error == f"ValueError: fragile handler broke on {event['id']}"
    attempt = stored.attempts.get()
    assert attempt.outcome == AttemptOutcome.FAILED
    assert attempt.exception_type == "builtins.ValueError"
    assert "Traceback (most recent call last)" in attempt.traceback
    assert "raise ValueError" in attempt.traceback
    assert [(r["name"].rsplit(".", 1)[1], r["outcome"]) for r in attempt.handler_results] == [
        ("write_row", "succeeded"),
        ("fragile", "failed"),
    ]
    assert stored.deliveries.get().response_status == 500


def test_failure_status_is_configurable(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_FAILURE_STATUS = 200
    response = post_signed(client, make_event("hookconsole_test.fragile"))
    assert response.status_code == 200
    assert response.json()["status"] == "failed"


def test_reprocess_after_the_fix_succeeds(client: Client, django_user_model: Any) -> None:
    event = make_event("hookconsole_test.fragile")
    post_signed(client, event)
    stored = Event.objects.get(stripe_id=event["id"])
    testapp_handlers.SWITCHES["fail"] = False  # the fix is deployed
    operator = django_user_model.objects.create_user("ops")
    attempt = reprocess(stored, user=operator)
    assert attempt.outcome == AttemptOutcome.SUCCEEDED
    assert attempt.trigger == Trigger.REPROCESS
    assert attempt.requested_by == operator
    assert stored.status == EventStatus.SUCCEEDED
    assert stored.attempt_count == 2
    assert HandlerWrite.objects.filter(event_id=event["id"]).count() == 2
    assert testapp_handlers.COMMITTED == [event["id"]]


def test_reprocess_runs_even_a_succeeded_event(client: Client) -> None:
    event = make_event("hookconsole_test.write")
    post_signed(client, event)
    attempt = reprocess(Event.objects.get(stripe_id=event["id"]))
    assert attempt.outcome == AttemptOutcome.SUCCEEDED
    assert HandlerWrite.objects.filter(event_id=event["id"]).count() == 2


def test_redelivery_of_succeeded_event_runs_nothing(client: Client) -> None:
    event = make_event("hookconsole_test.write")
    post_signed(client, event)
    response = post_signed(client, event)
    assert response.status_code == 200
    assert response.json() == {"event": event["id"], "status": "succeeded", "duplicate": True}
    stored = Event.objects.get(stripe_id=event["id"])
    assert (stored.delivery_count, stored.attempt_count) == (2, 1)
    assert HandlerWrite.objects.count() == 1


def test_redelivery_of_failed_event_is_a_retry(client: Client) -> None:
    event = make_event("hookconsole_test.fragile")
    assert post_signed(client, event).status_code == 500
    testapp_handlers.SWITCHES["fail"] = False
    response = post_signed(client, event)
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    stored = Event.objects.get(stripe_id=event["id"])
    assert [a.trigger for a in stored.attempts.order_by("id")] == ["webhook", "redelivery"]
    assert [d.duplicate for d in stored.deliveries.order_by("id")] == [False, True]


def test_redelivery_of_pending_event_runs(client: Client, settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK = "tests.test_processing.ignore"
    event = make_event("hookconsole_test.write")
    post_signed(client, event)
    assert Event.objects.get(stripe_id=event["id"]).status == EventStatus.PENDING
    del settings.HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK
    assert post_signed(client, event).json()["status"] == "succeeded"
    assert HandlerWrite.objects.count() == 1


def ignore(event: Event) -> None:
    pass


def test_unhandled_type_is_skipped_and_not_rerun(client: Client) -> None:
    event = make_event("nobody.listens")
    assert post_signed(client, event).json()["status"] == "skipped"
    post_signed(client, event)
    stored = Event.objects.get(stripe_id=event["id"])
    assert stored.status == EventStatus.SKIPPED
    assert stored.attempts.get().outcome == AttemptOutcome.SKIPPED


def test_busy_event_refuses_a_second_attempt(client: Client) -> None:
    event = make_event("hookconsole_test.write")
    post_signed(client, event)
    stored = Event.objects.get(stripe_id=event["id"])
    running = claim(stored, Trigger.TASK, force=True)
    assert running is not None
    with pytest.raises(EventBusy):
        reprocess(stored)
    with pytest.raises(EventBusy):
        process_event(stored)
    response = post_signed(client, event)
    assert response.status_code == 409
    assert response.json()["error"] == "event_busy"
    assert HandlerWrite.objects.count() == 1
    assert Attempt.objects.filter(event=stored).count() == 2


def test_expired_lease_can_be_taken_over(client: Client, settings: Any) -> None:
    event = make_event("hookconsole_test.write")
    post_signed(client, event)
    stored = Event.objects.get(stripe_id=event["id"])
    settings.HOOKCONSOLE_PROCESSING_LEASE = -1  # a worker died mid-attempt long ago
    assert claim(stored, Trigger.TASK, force=True) is not None
    assert reprocess(stored).outcome == AttemptOutcome.SUCCEEDED


def test_handler_that_swallows_a_database_error_fails_the_attempt(
    client: Client, handlers: Registry
) -> None:
    @handlers.handler("hookconsole_test.swallow")
    def swallow(event: Event, **kwargs: Any) -> None:
        HandlerWrite.objects.create(event_id=event.stripe_id, handler="swallow")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
        except Exception:
            transaction.set_rollback(True)  # what a broken transaction leaves behind

    response = post_signed(client, make_event("hookconsole_test.swallow"))
    assert response.status_code == 500
    attempt = Attempt.objects.get()
    assert attempt.exception_type.endswith("TransactionBroken")
    assert HandlerWrite.objects.count() == 0


def test_signals_follow_the_lifecycle(client: Client) -> None:
    seen: list[tuple[str, Any]] = []

    def recorder(name: str) -> Any:
        def receive(sender: Any, **kwargs: Any) -> None:
            seen.append((name, kwargs.get("valid", kwargs.get("attempt"))))

        return receive

    receivers = {
        signal: recorder(name)
        for name, signal in [
            ("pre_validate", signals.webhook_pre_validate),
            ("post_validate", signals.webhook_post_validate),
            ("pre_process", signals.webhook_pre_process),
            ("post_process", signals.webhook_post_process),
            ("error", signals.webhook_processing_error),
        ]
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    try:
        post_signed(client, make_event("hookconsole_test.fragile"))
    finally:
        for signal, receiver in receivers.items():
            signal.disconnect(receiver)
    assert [name for name, _ in seen] == [
        "pre_validate",
        "post_validate",
        "pre_process",
        "error",
        "post_process",
    ]
    assert seen[1][1] is True
    assert seen[3][1].outcome == AttemptOutcome.FAILED


def test_callback_receives_the_stored_event_instead_of_processing(
    client: Client, settings: Any
) -> None:
    received: list[Event] = []
    settings.HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK = received.append
    event = make_event("hookconsole_test.write")
    response = post_signed(client, event)
    assert response.json() == {"event": event["id"], "status": "pending", "duplicate": False}
    assert [e.stripe_id for e in received] == [event["id"]]
    assert received[0].pk is not None
    assert HandlerWrite.objects.count() == 0
    # The callback hands over to a queue; the queue processes the stored event.
    attempt = process_event(received[0])
    assert attempt is not None and attempt.outcome == AttemptOutcome.SUCCEEDED
    assert process_event(received[0]) is None  # done: nothing runs twice


def test_callback_failure_answers_500_and_keeps_the_event(client: Client, settings: Any) -> None:
    def broken(event: Event) -> None:
        raise ConnectionError("queue is down")

    settings.HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK = broken
    response = post_signed(client, make_event())
    assert response.status_code == 500
    assert response.json()["error"] == "callback_failed"
    assert Event.objects.get().status == EventStatus.PENDING


def test_atomic_requests_do_not_wrap_the_endpoint(client: Client, handlers: Registry) -> None:
    depths: list[int] = []

    @handlers.handler("probe.depth")
    def probe(event: Event, **kwargs: Any) -> None:
        depths.append(len(connection.atomic_blocks))

    connection.settings_dict["ATOMIC_REQUESTS"] = True
    try:
        # The handlers' transaction is the outermost one: the claim before it has
        # committed, so other processes see the event as processing.
        assert post_signed(client, make_event("probe.depth")).status_code == 200
        assert depths == [1]
        event = make_event("hookconsole_test.fragile")
        assert post_signed(client, event).status_code == 500
        stored = Event.objects.get(stripe_id=event["id"])
        assert stored.attempts.get().outcome == AttemptOutcome.FAILED
        assert HandlerWrite.objects.count() == 0
        testapp_handlers.SWITCHES["fail"] = False
        assert post_signed(client, event).status_code == 200
        assert HandlerWrite.objects.count() == 2
    finally:
        connection.settings_dict["ATOMIC_REQUESTS"] = False
