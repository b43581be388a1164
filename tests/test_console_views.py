"""The dashboard's pages and fragments, with HTMX headers and without (JavaScript off)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from hookconsole.models import Attempt, Event, EventStatus, Trigger
from hookconsole.processing import claim

from .admin_helpers import ROLES, client_for, count_queries, populate
from .conftest import make_event, post_signed
from .testapp import webhooks as testapp_handlers

pytestmark = pytest.mark.django_db

CONSOLE = "/console/"
HX = {"HX-Request": "true"}


@pytest.fixture
def reprocessor() -> Client:
    return client_for("reprocessor")


def ids(content: bytes) -> list[str]:
    return re.findall(r"<code>(evt_[0-9a-z_]+)</code>", content.decode())


def test_page_lists_events_newest_first_with_a_strict_policy(reprocessor: Client) -> None:
    events = populate(count=3)
    response = reprocessor.get(CONSOLE)
    assert response.status_code == 200
    assert ids(response.content) == [e.stripe_id for e in reversed(events)]
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_filters_live_in_the_url_and_narrow_the_list(reprocessor: Client) -> None:
    [failed] = populate(count=1, type="hookconsole_test.fragile")
    populate(count=2, type="invoice.paid")
    assert ids(reprocessor.get(CONSOLE + "?status=failed").content) == [failed.stripe_id]
    assert len(ids(reprocessor.get(CONSOLE + "?type=invoice.*").content)) == 2
    assert ids(reprocessor.get(CONSOLE + f"?q={failed.stripe_id}").content) == [failed.stripe_id]
    # The HTMX request for the list gets the list alone.
    fragment = reprocessor.get(CONSOLE + "?status=failed", headers={**HX, "HX-Target": "hc-list"})
    assert fragment.content.decode().lstrip().startswith('<div id="hc-list">')
    assert b"<html" not in fragment.content


def test_keyset_pages(reprocessor: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr("hookconsole.console.views.PAGE_SIZE", 2)
    events = populate(count=5)
    newest_first = [e.stripe_id for e in reversed(events)]
    first = reprocessor.get(CONSOLE).content.decode()
    assert ids(first.encode()) == newest_first[:2]
    older = re.search(r'class="hc-older" href="([^"]+)"', first)
    assert older is not None
    second = reprocessor.get(older.group(1).replace("&amp;", "&")).content
    assert ids(second) == newest_first[2:4]
    assert b"OFFSET" not in second


def test_polling_sends_only_what_is_new(reprocessor: Client) -> None:
    populate(count=2, type="invoice.paid")
    page = reprocessor.get(CONSOLE + "?type=invoice.*").content.decode()
    poll = re.search(r'id="hc-poll"[^>]*hx-get="([^"]+)"', page, re.S)
    assert poll is not None
    url = poll.group(1).replace("&amp;", "&")
    assert reprocessor.get(url, headers=HX).content.count(b"<tbody") == 0
    [fresh] = populate(count=1, type="invoice.paid")
    populate(count=1, type="customer.created")  # not in the filter
    answer = reprocessor.get(url, headers=HX).content.decode()
    assert ids(answer.encode()) == [fresh.stripe_id]
    assert 'hx-swap-oob="true"' in answer and f"after={fresh.pk}" in answer


def test_opening_an_event_in_place_and_on_its_own_page(reprocessor: Client) -> None:
    [event] = populate(count=1, type="hookconsole_test.fragile")
    url = f"{CONSOLE}events/{event.pk}/"
    fragment = reprocessor.get(url, headers=HX).content.decode()
    assert fragment.lstrip().startswith(f'<div class="hc-detail" id="hc-open-{event.pk}">')
    assert "Traceback (most recent call last)" in fragment
    assert "tests.testapp.webhooks.fragile" in fragment
    page = reprocessor.get(url).content.decode()  # JavaScript off: a whole page
    assert "<html" in page and "Traceback (most recent call last)" in page


def test_reprocess_with_htmx_updates_detail_and_row(reprocessor: Client) -> None:
    [event] = populate(count=1, type="hookconsole_test.fragile")
    testapp_handlers.SWITCHES["fail"] = False
    answer = reprocessor.post(f"{CONSOLE}events/{event.pk}/reprocess/", headers=HX)
    html = answer.content.decode()
    assert "Reprocessed: succeeded." in html
    assert f'<tr id="hc-row-{event.pk}" class="hc-row" hx-swap-oob="true">' in html
    assert '<span class="hc-badge hc-succeeded">succeeded</span>' in html
    event.refresh_from_db()
    assert event.status == EventStatus.SUCCEEDED


def test_reprocess_without_javascript_redirects(reprocessor: Client) -> None:
    [event] = populate(count=1, type="hookconsole_test.fragile")
    response = reprocessor.post(f"{CONSOLE}events/{event.pk}/reprocess/", follow=True)
    assert response.redirect_chain[-1][0] == f"{CONSOLE}events/{event.pk}/"
    assert "Reprocessed: failed." in response.content.decode()


def test_second_click_while_running_answers_clearly(reprocessor: Client) -> None:
    [event] = populate(count=1)
    claim(event, Trigger.TASK, force=True)
    answer = reprocessor.post(f"{CONSOLE}events/{event.pk}/reprocess/", headers=HX)
    assert "Being processed right now" in answer.content.decode()
    assert Attempt.objects.filter(event=event, trigger=Trigger.REPROCESS).count() == 0


def test_dry_run_shows_outcome_and_changes_nothing(reprocessor: Client) -> None:
    [event] = populate(count=1, type="hookconsole_test.fragile")
    answer = reprocessor.post(f"{CONSOLE}events/{event.pk}/dry-run/", headers=HX).content.decode()
    assert "Dry run: failed; every change was rolled back." in answer
    assert "dry run" in answer and "raise ValueError" in answer
    event.refresh_from_db()
    assert (event.status, event.attempt_count) == (EventStatus.FAILED, 1)
    hidden = reprocessor.get(f"{CONSOLE}events/{event.pk}/", headers=HX).content.decode()
    assert "dry run" not in hidden.split('id="hc-attempts"')[1].split('id="hc-deliveries"')[0]


def test_payload_script_shows_as_text(reprocessor: Client) -> None:
    hostile = "<script>alert(1)</script>"
    post_signed(reprocessor, make_event("x.y", data={"object": {"id": hostile}}))
    event = Event.objects.get()
    Event.objects.filter(pk=event.pk).update(last_error=hostile)
    for url in (CONSOLE, f"{CONSOLE}events/{event.pk}/"):
        html = reprocessor.get(url).content.decode()
        assert hostile not in html and "&lt;script&gt;" in html


PAGES = [
    ("get", CONSOLE, {"viewer", "reprocessor", "exporter"}),
    ("get", CONSOLE + "new/?after=0", {"viewer", "reprocessor", "exporter"}),
    ("get", CONSOLE + "events/{pk}/", {"viewer", "reprocessor", "exporter"}),
    ("post", CONSOLE + "events/{pk}/reprocess/", {"reprocessor"}),
    ("post", CONSOLE + "events/{pk}/dry-run/", {"reprocessor"}),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("method", "url", "allowed"), PAGES, ids=[p[1] for p in PAGES])
def test_permissions(role: str, method: str, url: str, allowed: set[str]) -> None:
    [event] = populate(count=1)
    response = getattr(client_for(role), method)(url.format(pk=event.pk), headers=HX)
    if role in {"anonymous", "non_staff"}:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert response.status_code == (200 if role in allowed else 403), role
    ran = Attempt.objects.filter(event=event).count() > 1
    assert ran is (role == "reprocessor" and method == "post")


def test_export_links_only_with_the_export_permission() -> None:
    populate(count=1)
    exporter_page = client_for("exporter").get(CONSOLE + "?status=succeeded").content
    assert b'href="/console/export/csv/?status=succeeded"' in exporter_page
    assert b"/console/export/" not in client_for("viewer").get(CONSOLE).content


def test_actions_need_post(reprocessor: Client) -> None:
    [event] = populate(count=1)
    assert reprocessor.get(f"{CONSOLE}events/{event.pk}/reprocess/").status_code == 405


def test_csrf_is_enforced_on_actions() -> None:
    [event] = populate(count=1)
    client = Client(enforce_csrf_checks=True)
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("csrf", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_event", "reprocess_event"])
    )
    client.force_login(user)
    assert client.post(f"{CONSOLE}events/{event.pk}/reprocess/", headers=HX).status_code == 403
    page = client.get(CONSOLE).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert token is not None
    answer = client.post(
        f"{CONSOLE}events/{event.pk}/reprocess/", headers={**HX, "X-CSRFToken": token.group(1)}
    )
    assert answer.status_code == 200


def test_figures_count_the_window_and_draw_a_chart(reprocessor: Client) -> None:
    populate(count=3, type="hookconsole_test.write")
    populate(count=1, type="hookconsole_test.fragile")
    post_signed(reprocessor, make_event(), secret="whsec_wrong")
    fragment = reprocessor.get(CONSOLE + "figures/?window=1h", headers=HX).content.decode()
    strip = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", fragment))
    assert (strip["received"], strip["succeeded"], strip["failed"]) == ("4", "3", "1")
    assert strip["rejected deliveries"] == "bad_signature 1"
    assert strip["window"] == "1h"
    assert "ms" in strip["median"] and "ms" in strip["p95"]
    assert fragment.count('class="hc-bar hc-bar-succeeded"') == 1
    assert fragment.count('class="hc-bar hc-bar-failed"') == 1
    assert "<polyline" in fragment
    narrowed = reprocessor.get(
        CONSOLE + "figures/?type=hookconsole_test.write", headers=HX
    ).content.decode()
    assert dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", narrowed))["received"] == "3"
    page = reprocessor.get(CONSOLE + "figures/").content.decode()  # JavaScript off
    assert "<html" in page and "hc-chart-svg" in page and " style=" not in page


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "csv-file", "json", "xlsx"])
def test_exports_hold_exactly_the_filtered_events(fmt: str) -> None:
    import csv as csv_module
    import io
    import json

    import openpyxl

    exporter = client_for("exporter")
    [wanted] = populate(count=1, type="invoice.paid")
    populate(count=2, type="customer.created")
    # Dashboard-only filters (a time range) hold in the export too.
    query = "?type=invoice.*&window=24h&since=2020-01-01T00:00"
    response = exporter.get(f"{CONSOLE}export/{fmt}/{query}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt in {"csv", "csv-file"}:
        ids_ = [r["stripe_id"] for r in csv_module.DictReader(io.StringIO(body.decode()))]
    elif fmt == "jsonl":
        ids_ = [json.loads(line)["stripe_id"] for line in body.decode().splitlines()]
    elif fmt == "json":
        ids_ = [row["stripe_id"] for row in json.loads(body)]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        header = [c.value for c in sheet[1]]
        ids_ = [row[header.index("stripe_id")] for row in sheet.iter_rows(2, values_only=True)]
    assert ids_ == [wanted.stripe_id]


def test_exports_need_the_export_permission() -> None:
    populate(count=1)
    assert client_for("viewer").get(f"{CONSOLE}export/csv/").status_code == 403
    assert client_for("exporter").get(f"{CONSOLE}export/pdf/").status_code == 404


@pytest.mark.parametrize(
    "page", [CONSOLE, CONSOLE + "?status=failed&type=hookconsole_test.*", CONSOLE + "new/?after=0"]
)
def test_dashboard_pages_run_a_fixed_number_of_queries(reprocessor: Client, page: str) -> None:
    populate(count=2, type="hookconsole_test.fragile")
    reprocessor.get(page)

    few = count_queries(reprocessor, page)
    populate(count=30, type="hookconsole_test.fragile")
    assert count_queries(reprocessor, page) == few
