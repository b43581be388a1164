"""Users of every kind and a small log, for the admin tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission, User
from django.test import Client

from hookconsole.models import Event
from hookconsole.resources import AttemptResource, DeliveryResource, EventResource

from .conftest import make_event, post_signed

VIEW = ["view_event", "view_delivery", "view_attempt"]
EXPORT = ["export_event", "export_delivery", "export_attempt"]
ROLES: dict[str, tuple[bool, list[str]] | None] = {
    "anonymous": None,
    "non_staff": (False, [*VIEW, "reprocess_event", *EXPORT]),
    "staff_without_view": (True, []),
    "viewer": (True, VIEW),
    "reprocessor": (True, [*VIEW, "reprocess_event"]),
    "exporter": (True, [*VIEW, *EXPORT]),
}
RESOURCES = {"event": EventResource, "delivery": DeliveryResource, "attempt": AttemptResource}


def client_for(role: str) -> Client:
    client = Client()
    spec = ROLES[role]
    if spec is None:
        return client
    is_staff, codenames = spec
    user = User.objects.create_user(role, password="x", is_staff=is_staff)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def populate(client: Client | None = None, count: int = 3, **fields: Any) -> list[Event]:
    """Deliver ``count`` events through the real endpoint."""
    client = client or Client()
    ids = []
    for _ in range(count):
        event = make_event(**fields)
        post_signed(client, event)
        ids.append(event["id"])
    return list(Event.objects.filter(stripe_id__in=ids).order_by("id"))


def export_form(model: str, fmt: int) -> dict[str, Any]:
    """What the import-export form posts: a format, the resource, every field ticked."""
    resource = RESOURCES[model]
    prefix = resource.__name__.lower()
    data: dict[str, Any] = {"format": str(fmt), "resource": "0"}
    for field in resource().get_export_order():
        data[f"{prefix}_{field}"] = "on"
    return data


def count_queries(client: Client, page: str) -> int:
    """How many queries one GET of ``page`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(page).status_code == 200
    return len(context.captured_queries)
