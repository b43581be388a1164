"""Who may see, reprocess and export: every page, action and export, for every kind of user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from hookconsole.models import Attempt, Event

from .admin_helpers import ROLES, client_for, export_form, populate

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
Request = Callable[[Client, Event], Any]


def get(path: str) -> Request:
    return lambda client, event: client.get(
        path.format(pk=event.pk, delivery=_delivery(event), attempt=_attempt(event))
    )


def _delivery(event: Event) -> int:
    return event.deliveries.get().pk


def _attempt(event: Event) -> int:
    return event.attempts.get().pk


def action(model: str, name: str) -> Request:
    def send(client: Client, event: Event) -> Any:
        pk = {"event": event.pk, "delivery": _delivery(event), "attempt": _attempt(event)}[model]
        return client.post(
            f"/admin/hookconsole/{model}/", {"action": name, "_selected_action": [pk]}
        )

    return send


def export_post(model: str) -> Request:
    return lambda client, event: client.post(
        f"/admin/hookconsole/{model}/export/", export_form(model, 0)
    )


# (what, request, who gets a 200 or redirect that did the work)
VIEWING = {"viewer", "reprocessor", "exporter"}
CASES: list[tuple[str, Request, set[str]]] = [
    ("event list", get("/admin/hookconsole/event/"), VIEWING),
    ("event page", get("/admin/hookconsole/event/{pk}/change/"), VIEWING),
    ("delivery list", get("/admin/hookconsole/delivery/"), VIEWING),
    ("delivery page", get("/admin/hookconsole/delivery/{delivery}/change/"), VIEWING),
    ("attempt list", get("/admin/hookconsole/attempt/"), VIEWING),
    ("attempt page", get("/admin/hookconsole/attempt/{attempt}/change/"), VIEWING),
    ("event history", get("/admin/hookconsole/event/{pk}/history/"), VIEWING),
    ("export page", get("/admin/hookconsole/event/export/"), {"exporter"}),
    ("event export", export_post("event"), {"exporter"}),
    ("delivery export", export_post("delivery"), {"exporter"}),
    ("attempt export", export_post("attempt"), {"exporter"}),
    ("event stream", get("/admin/hookconsole/event/stream/?_stream=csv"), {"exporter"}),
    ("delivery stream", get("/admin/hookconsole/delivery/stream/?_stream=jsonl"), {"exporter"}),
    ("attempt stream", get("/admin/hookconsole/attempt/stream/?_stream=csv"), {"exporter"}),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("what", "request_", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_pages_and_exports(role: str, what: str, request_: Request, allowed: set[str]) -> None:
    event = populate(count=1)[0]
    response = request_(client_for(role), event)
    if role in {"anonymous", "non_staff"}:
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    elif role in allowed:
        assert response.status_code == 200, (what, response.status_code)
    else:
        assert response.status_code == 403, (what, response.status_code)


@pytest.mark.parametrize("role", list(ROLES))
def test_reprocess_button(role: str) -> None:
    event = populate(count=1)[0]
    response = client_for(role).post(f"/admin/hookconsole/event/{event.pk}/reprocess/")
    ran = Attempt.objects.filter(event=event).count() == 2
    if role == "reprocessor":
        assert response.status_code == 302 and ran
        entry = LogEntry.objects.get()
        assert entry.user.username == "reprocessor"
        assert entry.object_id == str(event.pk)
        assert "Reprocessed: succeeded" in entry.get_change_message()
    else:
        assert response.status_code in {302, 403} and not ran
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN)


def test_reprocess_button_needs_post() -> None:
    event = populate(count=1)[0]
    response = client_for("reprocessor").get(f"/admin/hookconsole/event/{event.pk}/reprocess/")
    assert response.status_code == 405


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    ("name", "model", "allowed"),
    [
        ("reprocess_selected", "event", {"reprocessor"}),
        ("export_selected", "event", {"exporter"}),
        ("stream_selected_csv", "event", {"exporter"}),
        ("stream_selected_jsonl", "delivery", {"exporter"}),
        ("stream_selected_csv", "attempt", {"exporter"}),
        ("delete_selected", "event", set()),
    ],
)
def test_actions(role: str, name: str, model: str, allowed: set[str]) -> None:
    event = populate(count=1)[0]
    client = client_for(role)
    response = action(model, name)(client, event)
    if role in {"anonymous", "non_staff"}:
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        return
    if role == "staff_without_view":
        assert response.status_code == 403
        return
    did_run = {
        "reprocess_selected": lambda: Attempt.objects.count() == 2,
        "export_selected": lambda: b'name="format"' in response.content,
        "stream_selected_csv": lambda: response.get("Content-Type", "").startswith("text/csv"),
        "stream_selected_jsonl": lambda: "ndjson" in response.get("Content-Type", ""),
        "delete_selected": lambda: b"Are you sure" in response.content,
    }[name]
    assert did_run() is (role in allowed), (role, name)
    assert Event.objects.count() == 1


def test_buttons_show_only_with_the_permission() -> None:
    event = populate(count=1)[0]
    viewer, reprocessor, exporter = (client_for(r) for r in ("viewer", "reprocessor", "exporter"))
    page = f"/admin/hookconsole/event/{event.pk}/change/"
    assert b"/reprocess/" not in viewer.get(page).content
    assert b"/reprocess/" in reprocessor.get(page).content
    listing = "/admin/hookconsole/event/"
    for client, can_export, can_reprocess in [
        (viewer, False, False),
        (reprocessor, False, True),
        (exporter, True, False),
    ]:
        content = client.get(listing).content
        assert (b"/export/" in content) is can_export
        assert (b"_stream=csv" in content) is can_export
        assert (b"export_selected" in content) is can_export
        assert (b"reprocess_selected" in content) is can_reprocess


def test_no_add_and_no_change_even_for_superusers(admin_client: Client) -> None:
    event = populate(count=1)[0]
    assert admin_client.get("/admin/hookconsole/event/add/").status_code == 403
    response = admin_client.post(f"/admin/hookconsole/event/{event.pk}/change/", {"type": "x"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.type == "hookconsole_test.write"
    assert b"/import/" not in admin_client.get("/admin/hookconsole/event/").content


def test_the_admin_leads_to_the_dashboard() -> None:
    populate(count=1)
    viewer = client_for("viewer")
    assert b'href="/console/"' in viewer.get("/admin/hookconsole/").content
    assert b'href="/console/"' in viewer.get("/admin/hookconsole/event/").content
    assert b'href="/console/"' in viewer.get("/admin/").content  # "View site", in the header
