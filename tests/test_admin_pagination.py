"""The admin's capped counts and index-seeking date hierarchy give Django's answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Max, Min, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hookconsole.admin.pagination import MAX_PROBES, _probing
from hookconsole.models import Event, EventStatus

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 7, 23, 30, tzinfo=UTC)
# A day apart across a DST change; an hour apart across midnight in every zone
# below; and spans short enough to probe at once or too long (walked seek by seek).
SPANS = {
    "days": [START + timedelta(days=n, hours=n % 5) for n in range(0, 30, 2)],
    "hours": [START + timedelta(hours=n) for n in range(0, 30, 3)],
    "months": [START + timedelta(days=31 * n) for n in range(9)],
    "long": [START + timedelta(days=3 * n) for n in range(MAX_PROBES + 5)],
    "years": [START.replace(year=2019 + n) for n in range(0, 8, 3)],
}
ZONES = ["UTC", "America/New_York", "Asia/Kathmandu"]


def events_at(moments: list[datetime]) -> None:
    Event.objects.bulk_create(
        Event(
            stripe_id=f"evt_{n}",
            type="invoice.paid",
            endpoint="default",
            payload={},
            payload_hash="",
            status=EventStatus.FAILED if n % 3 == 0 else EventStatus.SUCCEEDED,
            received_at=moment,
            last_received_at=moment,
        )
        for n, moment in enumerate(moments)
    )


def probing(queryset: QuerySet[Event]) -> QuerySet[Event]:
    clone = queryset.all()
    clone.__class__ = _probing(type(queryset))
    return clone


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("span", SPANS)
@pytest.mark.parametrize("kind", ["year", "month", "day"])
def test_datetimes_are_djangos(span: str, kind: str, zone: str) -> None:
    events_at(SPANS[span])
    with timezone.override(zone):
        for rows in (Event.objects.all(), Event.objects.failed()):
            expected = list(rows.datetimes("received_at", kind))
            assert probing(rows).datetimes("received_at", kind) == expected
            descending = list(rows.datetimes("received_at", kind, order="DESC"))
            assert probing(rows).datetimes("received_at", kind, order="DESC") == descending


def test_first_and_last_are_djangos() -> None:
    events_at(SPANS["days"])
    rows = Event.objects.failed()
    bounds = {"first": Min("received_at"), "last": Max("received_at")}
    assert probing(rows).aggregate(**bounds) == rows.aggregate(**bounds)
    assert probing(rows.none()).aggregate(**bounds) == {"first": None, "last": None}
    assert probing(rows.none()).datetimes("received_at", "day") == []


def test_a_month_of_days_costs_three_queries() -> None:
    """Two seeks for the bounds (asked once for the tag's two questions), one probe."""
    events_at(SPANS["days"])
    rows = probing(Event.objects.all())
    with CaptureQueriesContext(connection) as queries:
        rows.aggregate(first=Min("received_at"), last=Max("received_at"))
        days = rows.datetimes("received_at", "day")
    assert len(days) == len(SPANS["days"])
    assert len(queries.captured_queries) == 3
