"""Dashboard pages and fragments. Every view answers plain HTTP too (JavaScript off)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from hookconsole.admin.display import json_tree
from hookconsole.console.access import console_view, htmx
from hookconsole.console.stats import figures
from hookconsole.dryrun import dry_run
from hookconsole.filters import WINDOWS, EventFilter
from hookconsole.models import Attempt, Event
from hookconsole.processing import EventBusy
from hookconsole.queue import QUEUED, UNAVAILABLE, request_reprocess
from hookconsole.webhooks import registry

PAGE_SIZE = 50
EXPORT_LINKS = [
    ("csv", "stream CSV"),
    ("jsonl", "stream JSON Lines"),
    ("csv-file", "CSV file"),
    ("json", "JSON"),
    ("xlsx", "XLSX"),
]
TEMPLATE = "hookconsole/console/index.html"
# What a list row shows; the payload stays in the database until a row is opened.
ROW_FIELDS = (
    "id",
    "stripe_id",
    "type",
    "status",
    "livemode",
    "account",
    "received_at",
    "delivery_count",
    "attempt_count",
    "last_error",
)


def _filter(request: HttpRequest) -> EventFilter:
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    return EventFilter(params, queryset=Event.objects.only(*ROW_FIELDS))


def _cursor(event: Event) -> str:
    return f"{event.received_at.isoformat()}|{event.pk}"


def _older_than(queryset: QuerySet[Event], cursor: str) -> QuerySet[Event]:
    """Keyset pagination: the rows after ``cursor`` in (-received_at, -id) order."""
    moment, _, pk = cursor.rpartition("|")
    when = parse_datetime(moment)
    if when is None or not pk.isdigit():
        return queryset
    # The first condition bounds the index range; the OR only sorts out the ties.
    return queryset.filter(Q(received_at__lte=when), Q(received_at__lt=when) | Q(pk__lt=int(pk)))


def _rows_context(request: HttpRequest) -> dict[str, Any]:
    filterset = _filter(request)
    queryset = filterset.qs.order_by("-received_at", "-id")
    before = request.GET.get("before", "")
    page = list((_older_than(queryset, before) if before else queryset)[: PAGE_SIZE + 1])
    more, events = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
    query = urlencode(filterset.active(), doseq=True)
    newest = max((e.pk for e in events), default=int(request.GET.get("after") or 0))
    return {
        "filter": filterset,
        "events": events,
        "query": query,
        "older": _cursor(events[-1]) if more else "",
        "newest": newest,
        "paged": bool(before),
        "can_reprocess": request.user.has_perm("hookconsole.reprocess_event"),
        "can_export": request.user.has_perm("hookconsole.export_event"),
        "export_formats": EXPORT_LINKS,
    }


@require_GET
@console_view()
def index(request: HttpRequest) -> HttpResponse:
    context = _rows_context(request)
    if htmx(request).target == "hc-list":
        return render(request, f"{TEMPLATE}#list", context)
    return render(request, TEMPLATE, context)


@require_GET
@console_view()
def figures_view(request: HttpRequest) -> HttpResponse:
    """The figures strip and chart, for the filters' window (24 h unless chosen)."""
    filterset = _filter(request)
    chosen = request.GET.get("window", "")
    window = chosen if chosen in WINDOWS else "24h"
    context = {"figures": figures(filterset.qs, window), "query": urlencode(filterset.active())}
    if htmx(request):
        return render(request, f"{TEMPLATE}#figures", context)
    return render(request, "hookconsole/console/figures.html", context)


@require_GET
@console_view()
def new_rows(request: HttpRequest) -> HttpResponse:
    """Events newer than ``after`` (an id) that match the filters: what polling adds."""
    filterset = _filter(request)
    after = request.GET.get("after", "")
    newest = int(after) if after.isdigit() else 0
    # New rows are the ones inserted since: a primary-key range, then shown newest first.
    events = list(filterset.qs.filter(pk__gt=newest).order_by("-pk")[:PAGE_SIZE])
    events.sort(key=lambda e: (e.received_at, e.pk), reverse=True)
    context = {
        "events": events,
        "newest": max((e.pk for e in events), default=newest),
        "query": urlencode(filterset.active(), doseq=True),
        "can_reprocess": request.user.has_perm("hookconsole.reprocess_event"),
    }
    return render(request, f"{TEMPLATE}#new-rows", context)


def _detail_context(request: HttpRequest, event: Event, **extra: Any) -> dict[str, Any]:
    attempts = event.attempts.select_related("requested_by")
    if request.GET.get("dry_runs") != "1" and not extra.get("show_dry_runs"):
        attempts = attempts.real()
    return {
        "event": event,
        "payload_tree": json_tree(event.payload),
        "deliveries": event.deliveries.all()[:50],
        "attempts": attempts[:50],
        "handlers": registry.handlers_for(event.type),
        "can_reprocess": request.user.has_perm("hookconsole.reprocess_event"),
        **extra,
    }


@require_GET
@console_view()
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    context = _detail_context(request, event)
    if htmx(request):
        return render(request, f"{TEMPLATE}#detail", context)
    return render(request, "hookconsole/console/event.html", context)


QUEUED_NOTICE = "Queued for reprocessing: a worker runs it, and its attempt appears here."
UNAVAILABLE_NOTICE = "The task queue is unavailable: nothing was queued. Try again shortly."


def _acted(
    request: HttpRequest, event: Event, notice: str, level: int, **extra: Any
) -> HttpResponse:
    if not htmx(request):
        messages.add_message(request, level, notice)
        return HttpResponseRedirect(reverse("hookconsole:console_event", args=[event.pk]))
    event.refresh_from_db()
    context = _detail_context(request, event, notice=notice, **extra)
    return render(request, f"{TEMPLATE}#acted", context)


@require_POST
@console_view("hookconsole.reprocess_event")
def reprocess_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    attempt = request_reprocess(event, request.user)  # type: ignore[arg-type]
    if attempt == QUEUED:
        return _acted(request, event, QUEUED_NOTICE, messages.INFO)
    if attempt == UNAVAILABLE:
        return _acted(request, event, UNAVAILABLE_NOTICE, messages.ERROR)
    if not isinstance(attempt, Attempt):
        return _acted(
            request, event, "Being processed right now: not run again.", messages.WARNING
        )
    level = messages.ERROR if attempt.outcome == "failed" else messages.SUCCESS
    return _acted(request, event, f"Reprocessed: {attempt.get_outcome_display()}.", level)


@require_POST
@console_view("hookconsole.reprocess_event")
def dry_run_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    try:
        attempt = dry_run(event, user=request.user)  # type: ignore[arg-type]
    except EventBusy:
        return _acted(request, event, "Being processed right now: no dry run.", messages.WARNING)
    notice = f"Dry run: {attempt.get_outcome_display()}; every change was rolled back."
    return _acted(request, event, notice, messages.INFO, show_dry_runs=True, dry=attempt)
