"""The dashboard in a real Chromium (Debian's, driven by Playwright) against a live server.

Skipped when Chromium is missing, unless HOOKCONSOLE_REQUIRE names "browser" (CI).
HOOKCONSOLE_SCREENSHOTS=<folder> saves screenshots of the dashboard there.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from hookconsole.sending import send_event

from .conftest import SECRET, make_event, require
from .testapp import webhooks as testapp_handlers

CHROMIUM = os.environ.get("HOOKCONSOLE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(
        "browser",
        Path(CHROMIUM).exists() and bool(shutil.which(CHROMIUM)),
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    User.objects.create_superuser("ops", password="ops-password")
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(f"{live_server.url}/admin/login/?next=/console/")
    tab.fill("#id_username", "ops")
    tab.fill("#id_password", "ops-password")
    tab.click("input[type=submit]")
    tab.wait_for_url("**/console/")
    tab.dialogs = dialogs
    yield tab
    context.close()


def deliver(live_server: Any, event_type: str, **fields: Any) -> dict[str, Any]:
    event = make_event(event_type, **fields)
    send_event(f"{live_server.url}/webhooks/stripe/", event, SECRET)
    return event


def screenshot(tab: Any, name: str) -> None:
    folder = os.environ.get("HOOKCONSOLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_find_the_failure_read_it_fix_it_reprocess_it(page: Any, live_server: Any) -> None:
    deliver(live_server, "hookconsole_test.write")
    failed = deliver(live_server, "hookconsole_test.fragile")
    page.reload()
    screenshot(page, "dashboard")
    page.select_option("select[name=status]", "failed")
    page.wait_for_url("**status=failed**")
    rows = page.locator("tbody.hc-event")
    rows.first.wait_for()
    assert rows.count() == 1
    row = page.locator("tbody.hc-event", has_text=failed["id"])
    row.locator("a.hc-open").click()
    traceback = row.locator("pre.hc-traceback")
    traceback.wait_for()
    assert f"ValueError: fragile handler broke on {failed['id']}" in traceback.inner_text()
    screenshot(page, "dashboard-open-event")
    url_before = page.url
    testapp_handlers.SWITCHES["fail"] = False  # the fix is deployed
    row.locator("tr.hc-row button.hc-reprocess").click()
    badge = row.locator("tr.hc-row .hc-badge")
    badge.filter(has_text="succeeded").wait_for()
    assert row.locator(".hc-notice").inner_text() == "Reprocessed: succeeded."
    assert page.url == url_before  # no reload: the filter and the open row stayed
    assert page.locator("select[name=status]").input_value() == "failed"


def test_a_live_event_appears_while_the_page_is_open(page: Any, live_server: Any) -> None:
    first = deliver(live_server, "hookconsole_test.write")
    page.reload()
    page.locator("tbody.hc-event", has_text=first["id"]).locator("a.hc-open").click()
    page.locator(f"#hc-open-{_pk(first)}").wait_for()
    fresh = deliver(live_server, "hookconsole_test.write")
    page.locator("tbody.hc-event", has_text=fresh["id"]).wait_for(timeout=10_000)
    assert page.locator(f"#hc-open-{_pk(first)}").is_visible()  # the open row stayed open


def test_a_hostile_payload_shows_as_text_and_runs_nothing(page: Any, live_server: Any) -> None:
    hostile = "<script>alert('pwned')</script><img src=x onerror=alert('img')>"
    event = deliver(live_server, "x.hostile", data={"object": {"id": "obj_1", "note": hostile}})
    page.reload()
    page.locator("tbody.hc-event", has_text=event["id"]).locator("a.hc-open").click()
    payload = page.locator(f"#hc-open-{_pk(event)} .hc-json-root")
    payload.wait_for()
    assert hostile in payload.inner_text()
    page.wait_for_timeout(500)
    assert page.dialogs == []
    assert page.locator("img[src=x]").count() == 0


def test_export_downloads_the_filtered_rows(page: Any, live_server: Any) -> None:
    User.objects.filter(username="ops").update(is_superuser=True)
    wanted = deliver(live_server, "invoice.paid")
    deliver(live_server, "customer.created")
    page.goto(f"{live_server.url}/console/?type=invoice.*&window=24h")
    with page.expect_download() as download:
        page.click("text=stream CSV")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["stripe_id"] for r in rows] == [wanted["id"]]
    assert json.loads(rows[0]["payload"])["type"] == "invoice.paid"


def test_bulk_reprocess_with_its_progress_bar(
    page: Any, live_server: Any, monkeypatch: Any
) -> None:
    from hookconsole import bulk

    monkeypatch.setattr(bulk, "STEP_SECONDS", 0)  # one event per step: the bar moves
    for _ in range(3):
        deliver(live_server, "hookconsole_test.fragile")
    deliver(live_server, "hookconsole_test.write")
    testapp_handlers.SWITCHES["fail"] = False
    page.goto(f"{live_server.url}/console/?type=hookconsole_test.*")
    page.click("a.hc-bulk-open")
    start = page.locator("button.hc-bulk-start")
    assert start.inner_text().strip() == "Reprocess 3 events"  # failed only
    start.click()
    status = page.locator(".hc-bulk-status")
    status.filter(has_text="finished").wait_for()
    assert "3 of 3: 3 succeeded, 0 failed, 0 busy." in status.inner_text()
    progress = page.locator("progress.hc-progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "3"
    screenshot(page, "dashboard-bulk")


def test_without_javascript(browser: Any, live_server: Any) -> None:
    User.objects.create_superuser("plain", password="plain-password")
    failed = deliver(live_server, "hookconsole_test.fragile")
    deliver(live_server, "hookconsole_test.write")
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(f"{live_server.url}/admin/login/?next=/console/")
    tab.fill("#id_username", "plain")
    tab.fill("#id_password", "plain-password")
    tab.click("input[type=submit]")
    tab.select_option("select[name=status]", "failed")
    tab.click("button:has-text('Filter')")  # a plain GET form
    assert "status=failed" in tab.url
    assert tab.locator("tbody.hc-event").count() == 1
    tab.click(f"tbody.hc-event:has-text('{failed['id']}') a.hc-open")  # its own page
    assert "fragile handler broke" in tab.locator("pre.hc-traceback").inner_text()
    testapp_handlers.SWITCHES["fail"] = False
    tab.click(".hc-detail button.hc-reprocess")  # a plain POST form, then a redirect
    assert "Reprocessed: succeeded." in tab.locator(".messagelist").inner_text()
    context.close()


def _pk(event: dict[str, Any]) -> int:
    from hookconsole.models import Event

    return Event.objects.get(stripe_id=event["id"]).pk
