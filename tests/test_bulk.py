"""Bulk reprocess: the exact count, chunks that survive a crash, cancel, and the views."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from hookconsole import bulk
from hookconsole.models import Attempt, BulkRun, EventStatus, Trigger

from .admin_helpers import client_for, populate
from .testapp import webhooks as testapp_handlers

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def test_failed_only_unless_widened() -> None:
    populate(count=3, type="hookconsole_test.fragile")
    populate(count=2, type="hookconsole_test.write")
    assert bulk.selection({})[0].count() == 3
    assert bulk.selection({}, widen=True)[0].count() == 5
    assert bulk.selection({"status": "succeeded"})[0].count() == 2


def test_a_run_works_through_every_event_and_ignores_newcomers(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "STEP_SECONDS", 0)  # one event per step
    broken = populate(count=3, type="hookconsole_test.fragile")
    testapp_handlers.SWITCHES["fail"] = False
    run = bulk.start({}, widen=False, user=None)
    assert run.total == 3
    populate(count=1, type="hookconsole_test.fragile")  # arrives during the run
    steps = 0
    while run.state == BulkRun.State.RUNNING:
        run = bulk.step(run)
        steps += 1
    assert (run.done, run.succeeded, run.failed, run.busy) == (3, 3, 0, 0)
    assert steps == 4  # three events, then the step that finds none left
    for event in broken:
        event.refresh_from_db()
        assert event.status == EventStatus.SUCCEEDED
    assert Attempt.objects.filter(trigger=Trigger.REPROCESS).count() == 3


def test_a_crashed_step_loses_nothing(monkeypatch: Any) -> None:
    populate(count=4, type="hookconsole_test.fragile")
    run = bulk.start({}, widen=False, user=None)
    calls = {"n": 0}
    real = bulk.request_reprocess

    def dies_on_the_third(event: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("the worker died")
        return real(event, *args, **kwargs)

    monkeypatch.setattr(bulk, "request_reprocess", dies_on_the_third)
    with pytest.raises(SystemExit):
        bulk.step(run)
    run.refresh_from_db()
    assert run.done == 2 and run.stepping_until is None
    monkeypatch.setattr(bulk, "request_reprocess", real)
    while run.state == BulkRun.State.RUNNING:
        run = bulk.step(run)
    assert (run.done, run.failed) == (4, 4)


def test_cancel_stops_the_run(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "STEP_SECONDS", 0)
    populate(count=3, type="hookconsole_test.fragile")
    run = bulk.step(bulk.start({}, widen=False, user=None))
    run = bulk.cancel(run)
    assert bulk.step(run).done == 1 and run.state == BulkRun.State.CANCELLED


def test_views_confirm_start_step_and_finish() -> None:
    client: Client = client_for("reprocessor")
    populate(count=2, type="hookconsole_test.fragile")
    populate(count=1, type="hookconsole_test.write")
    confirm = client.get("/console/bulk/?type=hookconsole_test.*", headers=HX).content.decode()
    assert "2 events match" in confirm and "Reprocess 2 events" in confirm
    wide = client.get(
        "/console/bulk/?type=hookconsole_test.*&widen=1", headers=HX
    ).content.decode()
    assert "3 events match" in wide
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', confirm))
    fields.pop("csrfmiddlewaretoken")
    assert fields == {"type": "hookconsole_test.*", "status": "failed", "widen": "1"}
    started = client.post("/console/bulk/start/", fields, headers=HX).content.decode()
    run = BulkRun.objects.get()
    assert f'hx-post="/console/bulk/{run.pk}/step/"' in started and 'max="2"' in started
    answer = client.post(f"/console/bulk/{run.pk}/step/", headers=HX).content.decode()
    run.refresh_from_db()
    assert run.state == BulkRun.State.FINISHED and run.done == 2
    assert "2 of 2: 0 succeeded, 2 failed, 0 busy. finished." in answer
    assert "hx-post" not in answer.split("<progress")[0]  # polling stops


def test_views_without_javascript_redirect_and_continue() -> None:
    client: Client = client_for("reprocessor")
    populate(count=1, type="hookconsole_test.fragile")
    response = client.post("/console/bulk/start/", {"status": "failed", "widen": "1"})
    run = BulkRun.objects.get()
    assert response["Location"] == f"/console/bulk/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<noscript>" in page and "Continue" in page
    client.post(f"/console/bulk/{run.pk}/step/")
    run.refresh_from_db()
    assert run.state == BulkRun.State.FINISHED


@pytest.mark.parametrize("role", ["viewer", "exporter"])
def test_bulk_needs_the_reprocess_permission(role: str) -> None:
    populate(count=1, type="hookconsole_test.fragile")
    client = client_for(role)
    assert client.get("/console/bulk/").status_code == 403
    assert client.post("/console/bulk/start/", {"widen": "1"}).status_code == 403
    assert BulkRun.objects.count() == 0
