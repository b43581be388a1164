"""What the subcommands share: durations, the dashboard's filters, progress output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from tqdm import tqdm

from hookconsole import retention
from hookconsole.filters import EventFilter
from hookconsole.models import Event


def duration(text: str) -> timedelta:
    """A retention duration; argparse turns a bad one into exit status 2."""
    try:
        return retention.duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def moment(text: str) -> datetime:
    """An ISO date-time, or a duration meaning that long ago."""
    if retention.DURATION.match(text.strip()):
        return timezone.now() - duration(text)
    parsed = parse_datetime(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"{text!r} is neither an ISO date-time nor like 2h")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def add_filters(parser: argparse.ArgumentParser) -> None:
    """The dashboard's filters, as options."""
    parser.add_argument("--id", action="append", default=[], help="a Stripe event id (repeat)")
    parser.add_argument("--failed", action="store_true", help="failed events only")
    parser.add_argument(
        "--status", choices=["pending", "processing", "succeeded", "failed", "skipped"]
    )
    parser.add_argument("--type", help="a type, or a prefix such as invoice. or invoice.*")
    parser.add_argument("--since", type=moment, help="ISO date-time, or 2h / 7d ago")
    parser.add_argument("--until", type=moment, help="ISO date-time, or 2h / 7d ago")
    parser.add_argument("--limit", type=int, help="at most this many events")


def selected(options: dict[str, Any]) -> QuerySet[Event]:
    data: dict[str, Any] = {}
    if options.get("failed"):
        data["status"] = "failed"
    if options.get("status"):
        data["status"] = options["status"]
    if options.get("type"):
        kind = options["type"]
        data["type"] = kind + "*" if kind.endswith(".") else kind
    for key in ("since", "until"):
        if options.get(key):
            data[key] = options[key].isoformat()
    events = EventFilter(data, queryset=Event.objects.all()).qs
    if options.get("id"):
        events = events.filter(stripe_id__in=options["id"])
    events = events.order_by("received_at", "id")
    return events[: options["limit"]] if options.get("limit") else events


def progress[T](items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """A bar on a terminal; plain lines (every tenth) on stderr otherwise."""
    if sys.stderr.isatty():
        yield from tqdm(items, total=total, desc=label, unit="event", file=sys.stderr)
        return
    every = max(1, total // 10)
    done = 0
    for item in items:
        yield item
        done += 1
        if done % every == 0 or done == total:
            print(f"{label}: {done}/{total}", file=sys.stderr, flush=True)
