"""manage.py hookconsole: each subcommand end to end, on the real database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hookconsole.models import Attempt, Delivery, Event, EventStatus, Trigger
from hookconsole.samples import COMMON_TYPES, sample_event

from .admin_helpers import populate
from .conftest import make_event, post_signed
from .testapp import webhooks as testapp_handlers

ROOT = Path(__file__).resolve().parent.parent


def hookconsole(*args: str) -> str:
    out = io.StringIO()
    call_command("hookconsole", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_send_signs_and_posts_to_a_live_server(live_server: Any) -> None:
    out = hookconsole(
        "send",
        "invoice.payment_failed",
        "--url",
        live_server.url,
        "--count",
        "2",
        "--override",
        "data.object.amount_due=999",
    )
    lines = out.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("200 {") for line in lines)
    events = Event.objects.filter(type="invoice.payment_failed")
    assert events.count() == 2  # a fresh id each time
    assert {e.payload["data"]["object"]["amount_due"] for e in events} == {999}
    assert Delivery.objects.filter(validation="valid").count() == 2


@pytest.mark.django_db(transaction=True)
def test_send_a_file_and_resend_it(live_server: Any, tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(make_event("charge.refunded", id="evt_from_file")))
    hookconsole("send", str(path), "--url", live_server.url, "--resend")
    out = hookconsole("send", str(path), "--url", live_server.url, "--resend")
    assert '"duplicate": true' in out
    assert Event.objects.get().stripe_id == "evt_from_file"


@pytest.mark.django_db(transaction=True)
def test_send_with_the_wrong_secret_fails(live_server: Any) -> None:
    with pytest.raises(CommandError):
        hookconsole("send", "charge.succeeded", "--url", live_server.url, "--secret", "whsec_no")
    assert Delivery.objects.get().reason == "bad_signature"


def test_every_common_sample_is_an_event() -> None:
    for event_type in COMMON_TYPES:
        event = sample_event(event_type)
        assert event["type"] == event_type and event["id"].startswith("evt_")
        assert isinstance(event["data"]["object"]["id"], str)


@pytest.mark.django_db
def test_reprocess_filters_summarises_and_exits_non_zero_on_failure() -> None:
    populate(count=2, type="hookconsole_test.fragile")
    populate(count=1, type="hookconsole_test.write")
    with pytest.raises(CommandError) as failure:
        hookconsole("reprocess", "--failed")
    assert failure.value.returncode == 1
    assert Attempt.objects.filter(trigger=Trigger.REPROCESS).count() == 2
    testapp_handlers.SWITCHES["fail"] = False
    assert hookconsole("reprocess", "--type", "hookconsole_test.", "--failed").strip() == (
        "reprocessed 2 events: 2 succeeded"
    )
    assert not Event.objects.failed().exists()


@pytest.mark.django_db
def test_reprocess_dry_run_changes_nothing() -> None:
    [event] = populate(count=1, type="hookconsole_test.fragile")
    testapp_handlers.SWITCHES["fail"] = False
    out = hookconsole("reprocess", "--id", event.stripe_id, "--dry-run")
    assert out.strip() == "dry-ran 1 events: 1 succeeded"
    event.refresh_from_db()
    assert event.status == EventStatus.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "xlsx"])
def test_export_to_a_file_parsed_back(fmt: str, tmp_path: Path) -> None:
    import openpyxl

    [wanted] = populate(count=1, type="invoice.paid")
    populate(count=1, type="customer.created")
    target = tmp_path / f"events.{fmt}"
    hookconsole("export", "--format", fmt, "--type", "invoice.*", "-o", str(target))
    if fmt == "csv":
        ids = [r["stripe_id"] for r in csv.DictReader(io.StringIO(target.read_text()))]
    elif fmt == "jsonl":
        ids = [json.loads(line)["stripe_id"] for line in target.read_text().splitlines()]
    elif fmt == "json":
        ids = [row["stripe_id"] for row in json.loads(target.read_text())]
    else:
        sheet = openpyxl.load_workbook(target).active
        assert sheet is not None
        header = [c.value for c in sheet[1]]
        ids = [row[header.index("stripe_id")] for row in sheet.iter_rows(2, values_only=True)]
    assert ids == [wanted.stripe_id]


@pytest.mark.django_db
def test_prune_keeps_ids_and_dry_run_changes_nothing(client: Any) -> None:
    old = make_event("hookconsole_test.write")
    post_signed(client, old)
    post_signed(client, make_event(), secret="whsec_wrong")
    fresh = make_event("hookconsole_test.write")
    post_signed(client, fresh)
    long_ago = timezone.now() - timedelta(days=400)
    Event.objects.filter(stripe_id=old["id"]).update(last_received_at=long_ago)
    Delivery.objects.filter(event=None).update(received_at=long_ago)
    before = (Event.objects.count(), Delivery.objects.count(), Attempt.objects.count())
    out = hookconsole("prune", "--dry-run")
    assert out.strip().startswith("would prune 1 events (their 1 deliveries and 1 attempts")
    assert out.strip().endswith("and 1 rejected deliveries")
    assert (Event.objects.count(), Delivery.objects.count(), Attempt.objects.count()) == before
    hookconsole("prune")
    pruned = Event.objects.get(stripe_id=old["id"])
    assert (pruned.type, pruned.status, pruned.payload) == (
        "hookconsole_test.write",
        EventStatus.SUCCEEDED,
        {"pruned": True},
    )
    assert not pruned.deliveries.exists() and not pruned.attempts.exists()
    assert Delivery.objects.count() == 1  # the fresh event's
    # A late redelivery of the pruned event is still recognised, and runs nothing.
    answer = post_signed(client, old).json()
    assert answer == {"event": old["id"], "status": "succeeded", "duplicate": True}


@pytest.mark.django_db
def test_stats() -> None:
    populate(count=2, type="hookconsole_test.write")
    populate(count=1, type="hookconsole_test.fragile")
    out = hookconsole("stats", "--since", "1h")
    assert "events by status:" in out and "        2  succeeded" in out
    assert "        1  hookconsole_test.fragile" in out
    assert "processing time: p50" in out


@pytest.mark.parametrize(
    "args",
    [
        ["prune", "--succeeded-older-than", "soon"],
        ["reprocess", "--since", "yesterday-ish"],
        ["export", "--format", "pdf"],
        ["nosuch"],
        ["send", "charge.succeeded", "--override", "novalue"],
    ],
)
def test_bad_arguments_exit_2_with_a_message(args: list[str], tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "hookconsole", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip()


def test_every_subcommand_has_help() -> None:
    for name in ("send", "reprocess", "export", "prune", "stats", "sweep"):
        result = subprocess.run(
            [sys.executable, "manage.py", "hookconsole", name, "--help"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and "usage:" in result.stdout


@pytest.mark.django_db
def test_prune_as_a_task_follows_the_retention_setting(client: Any, settings: Any) -> None:
    from hookconsole.tasks import prune_old_events

    event = make_event("hookconsole_test.write")
    post_signed(client, event)
    Event.objects.update(last_received_at=timezone.now() - timedelta(days=3))
    assert prune_old_events.enqueue().return_value["events"] == 0  # 30 days by default
    settings.HOOKCONSOLE_RETENTION = {"succeeded": "2d"}
    result = prune_old_events.enqueue(dry_run=True)
    assert result.return_value == {"events": 1, "attempts": 1, "deliveries": 1, "rejected": 0}
    assert Attempt.objects.count() == 1
    assert prune_old_events.enqueue().return_value["events"] == 1
    assert Event.objects.get().payload == {"pruned": True}
