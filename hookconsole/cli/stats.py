"""stats: counts by status, type and rejection reason, and processing times."""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from django.db.models import Count

from hookconsole.cli.common import moment
from hookconsole.models import Attempt, Delivery, Event


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=moment, help="ISO date-time, or 24h / 7d ago")


def _table(command: Any, title: str, rows: list[tuple[Any, int]]) -> None:
    command.stdout.write(f"{title}:")
    for name, n in rows or [("(none)", 0)]:
        command.stdout.write(f"  {n:>9}  {name}")


def run(command: Any, options: dict[str, Any]) -> int:
    since = options.get("since")
    events, deliveries = Event.objects.all(), Delivery.objects.rejected()
    attempts = Attempt.objects.real().exclude(duration_ms=None)
    if since:
        events = events.filter(received_at__gte=since)
        deliveries = deliveries.filter(received_at__gte=since)
        attempts = attempts.filter(started_at__gte=since)
    by = "-n"
    _table(
        command,
        "events by status",
        list(events.values_list("status").annotate(n=Count("id")).order_by(by)),
    )
    _table(
        command,
        "events by type",
        list(events.values_list("type").annotate(n=Count("id")).order_by(by, "type")[:30]),
    )
    _table(
        command,
        "rejected deliveries by reason",
        list(deliveries.values_list("reason").annotate(n=Count("id")).order_by(by)),
    )
    durations: list[float] = [
        d for d in attempts.values_list("duration_ms", flat=True) if d is not None
    ]
    if len(durations) >= 2:
        p95 = statistics.quantiles(durations, n=20)[18]
        command.stdout.write(
            f"processing time: p50 {statistics.median(durations):.1f} ms, p95 {p95:.1f} ms "
            f"({len(durations)} attempts)"
        )
    else:
        command.stdout.write("processing time: not enough attempts")
    return 0
