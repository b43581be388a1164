"""The event pages: what they show, how they filter and search, reprocess from the admin."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hookconsole.admin.pagination import CappedPaginator
from hookconsole.models import Attempt, Event, EventStatus, Trigger
from hookconsole.processing import claim

from .admin_helpers import client_for, count_queries, populate
from .conftest import make_event, post_signed
from .testapp import webhooks as testapp_handlers

pytestmark = pytest.mark.django_db

LIST = "/admin/hookconsole/event/"


@pytest.fixture
def viewer() -> Client:
    return client_for("viewer")


@pytest.fixture
def reprocessor() -> Client:
    return client_for("reprocessor")


def listed(client: Client, query: str = "") -> list[str]:
    content = client.get(LIST + query).content.decode()
    return re.findall(r">(evt_[0-9a-z_]+)</a>", content)


def test_list_shows_status_as_text_and_the_last_error(viewer: Client) -> None:
    [failed] = populate(count=1, type="hookconsole_test.fragile")
    content = viewer.get(LIST).content.decode()
    assert '<span class="hc-badge hc-failed">failed</span>' in content
    assert f"ValueError: fragile handler broke on {failed.stripe_id}" in content


def test_payload_script_is_shown_as_text_everywhere(viewer: Client) -> None:
    hostile = "<script>alert(1)</script>"
    event = make_event(
        "hookconsole_test.fragile",
        data={"object": {"id": "obj<b>", "object": "x", hostile: hostile}},
    )
    post_signed(viewer, event, X_Evil=hostile)
    stored = Event.objects.get()
    pages = [
        LIST,
        f"{LIST}{stored.pk}/change/",
        "/admin/hookconsole/delivery/",
        f"/admin/hookconsole/delivery/{stored.deliveries.get().pk}/change/",
        f"/admin/hookconsole/attempt/{stored.attempts.get().pk}/change/",
    ]
    for page in pages:
        content = viewer.get(page).content.decode()
        assert hostile not in content, page
        assert "<b>" not in content, page
    detail = viewer.get(f"{LIST}{stored.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_event_page_reads_top_down(viewer: Client) -> None:
    event = make_event("hookconsole_test.fragile", customer="cus_1")
    post_signed(viewer, event)
    testapp_handlers.SWITCHES["fail"] = False
    post_signed(viewer, event)  # a redelivery: the retry succeeds
    stored = Event.objects.get()
    content = viewer.get(f"{LIST}{stored.pk}/change/").content.decode()
    order = [
        content.index(marker)
        for marker in (
            event["id"],
            'id="hc-payload"',
            'id="hc-handlers"',
            'id="hc-attempts"',
            'id="hc-deliveries"',
        )
    ]
    assert order == sorted(order)
    assert "tests.testapp.webhooks.write_row" in content
    assert "tests.testapp.webhooks.fragile" in content
    # Newest attempt first: the successful redelivery, then the failure with its traceback.
    attempts = content[content.index('id="hc-attempts"') : content.index('id="hc-deliveries"')]
    assert attempts.index("hc-attempt-succeeded") < attempts.index("hc-attempt-failed")
    assert "Traceback (most recent call last)" in attempts
    assert "raise ValueError" in attempts
    assert '<details class="hc-json" open>' in content


def test_headers_are_shown_redacted(viewer: Client) -> None:
    post_signed(viewer, make_event(), Authorization="Bearer sk_live_secret")
    stored = Event.objects.get()
    for page in (
        f"{LIST}{stored.pk}/change/",
        f"/admin/hookconsole/delivery/{stored.deliveries.get().pk}/change/",
    ):
        content = viewer.get(page).content.decode()
        assert "sk_live_secret" not in content
        assert "[redacted]" in content
        assert "whsec_test_secret" not in content


def test_filters(viewer: Client) -> None:
    client = Client()
    [invoice] = populate(client, 1, type="invoice.paid")
    [failed_invoice] = populate(client, 1, type="invoice.payment_failed")
    [customer] = populate(client, 1, type="customer.created", livemode=True)
    [connected] = populate(client, 1, type="invoiceitem.created", account="acct_9")
    Event.objects.filter(pk=failed_invoice.pk).update(status=EventStatus.FAILED)
    every = {e.stripe_id for e in (invoice, failed_invoice, customer, connected)}
    assert set(listed(viewer)) == every
    assert listed(viewer, "?status__exact=failed") == [failed_invoice.stripe_id]
    assert set(listed(viewer, "?type=invoice.*")) == {invoice.stripe_id, failed_invoice.stripe_id}
    assert listed(viewer, "?type=invoice.paid") == [invoice.stripe_id]
    assert listed(viewer, "?livemode__exact=1") == [customer.stripe_id]
    assert listed(viewer, "?account=*") == [connected.stripe_id]
    assert listed(viewer, "?account=acct_9") == [connected.stripe_id]
    assert connected.stripe_id not in listed(viewer, "?account=-")
    assert set(listed(viewer, "?endpoint=default")) == every
    assert set(listed(viewer, "?validation__exact=valid")) == every
    assert listed(viewer, "?validation__exact=unverified") == []
    page = viewer.get(LIST).content.decode()
    assert "?type=invoice.%2A" in page or "?type=invoice.*" in page
    assert "acct_9" in page


def test_date_hierarchy_drills_down(viewer: Client) -> None:
    [event] = populate(count=1)
    year, month, day = (event.received_at.year, event.received_at.month, event.received_at.day)
    content = viewer.get(LIST).content.decode()
    assert f"received_at__day={day}" in content  # one month of data: days are offered
    query = f"?received_at__year={year}&received_at__month={month}&received_at__day={day}"
    assert listed(viewer, query) == [event.stripe_id]
    assert listed(viewer, f"?received_at__year={year - 1}") == []


@pytest.mark.parametrize(
    "field", ["stripe_id", "object_id", "customer_id", "type", "request_id", "idempotency_key"]
)
def test_search_by_every_id(viewer: Client, field: str) -> None:
    wanted = make_event(
        "invoice.paid",
        data={"object": {"id": "in_wanted", "object": "invoice", "customer": "cus_wanted"}},
        request={"id": "req_wanted", "idempotency_key": "idem_wanted"},
    )
    post_signed(viewer, wanted)
    populate(count=2)
    value = getattr(Event.objects.get(stripe_id=wanted["id"]), field)
    assert listed(viewer, f"?q={value}") == [wanted["id"]]


def test_delivery_list_shows_rejections_by_reason(viewer: Client) -> None:
    populate(count=1)
    post_signed(viewer, make_event(), secret="whsec_wrong")
    content = viewer.get("/admin/hookconsole/delivery/?reason__exact=bad_signature").content
    assert content.count(b"hc-badge hc-rejected") == 1
    assert b"1 delivery" in content


@pytest.mark.parametrize(
    "page", [LIST, "/admin/hookconsole/delivery/", "/admin/hookconsole/attempt/"]
)
def test_list_pages_run_a_fixed_number_of_queries(viewer: Client, page: str) -> None:
    populate(count=2, type="hookconsole_test.fragile")
    viewer.get(page)  # warm the session and content types

    few = count_queries(viewer, page)
    populate(count=40, type="hookconsole_test.fragile")
    assert count_queries(viewer, page) == few


def test_count_stops_at_the_cap(viewer: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    populate(count=5)
    with CaptureQueriesContext(connection) as context:
        content = viewer.get(LIST).content.decode()
    assert "More than 3 events" in content
    counts = [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts


def test_reprocess_button_after_the_fix(reprocessor: Client) -> None:
    [event] = populate(count=1, type="hookconsole_test.fragile")
    response = reprocessor.post(f"{LIST}{event.pk}/reprocess/", follow=True)
    assert "Reprocessed: failed with builtins.ValueError" in response.content.decode()
    testapp_handlers.SWITCHES["fail"] = False
    response = reprocessor.post(f"{LIST}{event.pk}/reprocess/", follow=True)
    assert "Reprocessed: succeeded" in response.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.SUCCEEDED
    last = event.attempts.first()
    assert last is not None and last.trigger == Trigger.REPROCESS
    assert last.requested_by is not None and last.requested_by.get_username() == "reprocessor"


def test_reprocess_action_counts_outcomes(reprocessor: Client) -> None:
    fine = populate(count=2)
    broken = populate(count=1, type="hookconsole_test.fragile")
    busy = populate(count=1)
    claim(busy[0], Trigger.TASK, force=True)  # another worker is on it
    selected = [e.pk for e in (*fine, *broken, *busy)]
    response = reprocessor.post(
        LIST, {"action": "reprocess_selected", "_selected_action": selected}, follow=True
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Reprocessed 4 events: 2 succeeded, 1 failed, 1 busy."]
    assert Attempt.objects.filter(trigger=Trigger.REPROCESS).count() == 3


def test_reprocess_of_a_busy_event_says_so(reprocessor: Client) -> None:
    [event] = populate(count=1)
    claim(event, Trigger.TASK, force=True)
    response = reprocessor.post(f"{LIST}{event.pk}/reprocess/", follow=True)
    assert "being processed right now" in response.content.decode()
    assert event.attempts.count() == 2  # the delivery's and the claim; none from the button


@pytest.mark.parametrize("model", [Event, Attempt])
def test_row_checkbox_is_djangos_markup(model: Any) -> None:
    from django.contrib import admin
    from django.contrib.admin import ModelAdmin

    populate(count=1, type='hookconsole_test.hostile"<b>')
    obj = model.objects.first()
    model_admin = admin.site.get_model_admin(model)
    assert model_admin.action_checkbox(obj) == ModelAdmin.action_checkbox(model_admin, obj)
