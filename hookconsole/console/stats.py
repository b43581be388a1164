"""The dashboard's figures and its chart of events over time, drawn as SVG on the server."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import CharField, Count, Func, QuerySet
from django.db.models.functions import Cast, TruncHour, TruncMinute
from django.utils import timezone

from hookconsole.filters import WINDOWS
from hookconsole.models import Attempt, Delivery, Event, EventStatus

# Percentiles come from the newest attempts of the window, so the query stays small.
DURATION_SAMPLE = 10_000
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 720, 160, 24


@dataclass
class Bucket:
    start: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def failed(self) -> int:
        return self.counts.get(EventStatus.FAILED, 0)

    @property
    def failure_rate(self) -> float | None:
        return self.failed / self.total if self.total else None


class UTCPrefix(Func):
    """A timestamp's UTC hour or minute, computed by the database itself.

    Django's TruncHour calls a Python function per row on SQLite; at 100,000 rows
    in a window that is most of the page's time. ``length`` 13 is the hour, 16 the
    minute.
    """

    output_field = CharField()

    def __init__(self, expression: Any, length: int) -> None:
        super().__init__(expression)
        self.length = length

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps datetimes as UTC text: "YYYY-MM-DD HH:MM:SS".
        return self.as_sql(
            compiler, connection, template=f"substr(%(expressions)s, 1, {self.length})"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # A naive UTC timestamp; _utc() reads it as such.
        unit = "hour" if self.length == 13 else "minute"
        template = f"date_trunc('{unit}', %(expressions)s AT TIME ZONE 'UTC')"
        return self.as_sql(compiler, connection, template=template)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        if "template" not in extra:  # other databases: the portable, slower way
            trunc = TruncHour if self.length == 13 else TruncMinute
            inner = trunc(self.source_expressions[0], tzinfo=UTC)
            return compiler.compile(Cast(inner, CharField()))
        return super().as_sql(compiler, connection, **extra)


def _utc(value: Any) -> datetime:
    """A UTCPrefix value ('YYYY-MM-DD HH[:MM]' text, or a naive UTC datetime) as aware."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    text = str(value)
    if len(text) >= 16:
        return datetime.strptime(text[:16], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    return datetime.strptime(text[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)


def _buckets(events: QuerySet[Event], since: datetime, window: str) -> list[Bucket]:
    step = timedelta(minutes=5) if window == "1h" else timedelta(hours=1)
    first = since.astimezone(UTC).replace(second=0, microsecond=0)
    if window == "1h":
        first = first.replace(minute=first.minute - first.minute % 5)
    else:
        first = first.replace(minute=0)
    count = int(WINDOWS[window] / step) + 1
    buckets = [Bucket(first + step * n) for n in range(count)]
    rows = (
        events.annotate(at=UTCPrefix("received_at", 16 if window == "1h" else 13))
        .values_list("at", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for text, status, n in rows:
        index = int((_utc(text) - first) / step)
        if 0 <= index < count:
            buckets[index].counts[status] = buckets[index].counts.get(status, 0) + n
    return buckets


def _percentiles(since: datetime) -> tuple[float | None, float | None]:
    durations: list[float] = list(
        Attempt.objects.real()
        .filter(started_at__gte=since, duration_ms__isnull=False)
        .order_by("-started_at")
        .values_list("duration_ms", flat=True)[:DURATION_SAMPLE]  # type: ignore[arg-type]
    )
    if len(durations) < 2:
        return (durations[0], durations[0]) if durations else (None, None)
    cuts = statistics.quantiles(durations, n=20)
    return statistics.median(durations), cuts[18]


def _chart(buckets: list[Bucket]) -> dict[str, Any]:
    """Bar geometry (succeeded, failed, other stacked) and the failure-rate line."""
    peak = max((b.total for b in buckets), default=0) or 1
    width = (CHART_WIDTH - 2 * CHART_PAD) / max(len(buckets), 1)
    inner = CHART_HEIGHT - 2 * CHART_PAD
    bars, points = [], []
    for n, bucket in enumerate(buckets):
        x = CHART_PAD + n * width
        y: float = CHART_HEIGHT - CHART_PAD
        for status in (EventStatus.SUCCEEDED, EventStatus.FAILED, "other"):
            if status == "other":
                value = bucket.total - bucket.failed - bucket.counts.get(EventStatus.SUCCEEDED, 0)
            else:
                value = bucket.counts.get(status, 0)
            if value:
                height = inner * value / peak
                y -= height
                bars.append(
                    {
                        "x": round(x + 1, 1),
                        "y": round(y, 1),
                        "w": round(max(width - 2, 1), 1),
                        "h": round(height, 1),
                        "status": status,
                        "n": value,
                        "at": bucket.start,
                    }
                )
        if bucket.failure_rate is not None:
            cy = CHART_HEIGHT - CHART_PAD - inner * bucket.failure_rate
            points.append(f"{x + width / 2:.1f},{cy:.1f}")
    return {
        "bars": bars,
        "line": " ".join(points),
        "peak": peak,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "pad": CHART_PAD,
        "bottom": CHART_HEIGHT - CHART_PAD,
    }


def figures(events: QuerySet[Event], window: str) -> dict[str, Any]:
    """Figures for the filtered events received in the window ("1h", "24h" or "7d")."""
    since = timezone.now() - WINDOWS[window]
    recent = events.filter(received_at__gte=since)
    buckets = _buckets(recent, since, window)
    by_status: dict[str, int] = {}  # from the buckets: the window needs reading once
    for bucket in buckets:
        for status, n in bucket.counts.items():
            by_status[status] = by_status.get(status, 0) + n
    rejected = (
        Delivery.objects.rejected()
        .filter(received_at__gte=since)
        .values_list("reason")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    median, p95 = _percentiles(since)
    return {
        "window": window,
        "received": sum(by_status.values()),
        "succeeded": by_status.get(EventStatus.SUCCEEDED, 0),
        "failed": by_status.get(EventStatus.FAILED, 0),
        "rejected": list(rejected),
        "median_ms": median,
        "p95_ms": p95,
        "buckets": buckets,
        "chart": _chart(buckets),
    }
