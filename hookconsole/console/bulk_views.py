"""Bulk reprocess in the dashboard: confirm the exact count, then a progress bar that drives it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from hookconsole import bulk
from hookconsole.console.access import console_view, htmx
from hookconsole.models import BulkRun

TEMPLATE = "hookconsole/console/bulk.html"
REPROCESS = "hookconsole.reprocess_event"


def _params(data: Any) -> tuple[dict[str, Any], bool]:
    filters = {key: data.get(key) for key in data if key not in {"csrfmiddlewaretoken", "widen"}}
    return filters, data.get("widen") == "1"


def _show(request: HttpRequest, run: BulkRun) -> HttpResponse:
    if htmx(request):
        return render(request, f"{TEMPLATE}#progress", {"run": run})
    return HttpResponseRedirect(reverse("hookconsole:console_bulk_run", args=[run.pk]))


@require_GET
@console_view(REPROCESS)
def confirm(request: HttpRequest) -> HttpResponse:
    filters, widen = _params(request.GET)
    events, active = bulk.selection(filters, widen=widen)
    context = {
        "count": events.count(),
        "active": active,
        "widen": widen,
        "query": urlencode({k: v for k, v in filters.items() if v}),
    }
    name = f"{TEMPLATE}#confirm" if htmx(request) else TEMPLATE
    return render(request, name, context)


@require_POST
@console_view(REPROCESS)
def begin(request: HttpRequest) -> HttpResponse:
    filters, widen = _params(request.POST)
    run = bulk.start(filters, widen=widen, user=request.user)  # type: ignore[arg-type]
    return _show(request, run)


@require_GET
@console_view(REPROCESS)
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BulkRun, pk=pk)
    name = f"{TEMPLATE}#progress" if htmx(request) else TEMPLATE
    return render(request, name, {"run": run})


@require_POST
@console_view(REPROCESS)
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    run = bulk.step(get_object_or_404(BulkRun, pk=pk), user=request.user)  # type: ignore[arg-type]
    return _show(request, run)


@require_POST
@console_view(REPROCESS)
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    return _show(request, bulk.cancel(get_object_or_404(BulkRun, pk=pk)))
