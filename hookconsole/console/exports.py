"""Exports of exactly what the dashboard's filters select, in every format the admin offers."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.http import require_GET

from hookconsole.console.access import console_view
from hookconsole.filters import EventFilter
from hookconsole.formats import FILE_FORMATS, export_file
from hookconsole.models import Event
from hookconsole.resources import EventResource
from hookconsole.streaming import STREAM_FORMATS, streaming_response


@require_GET
@console_view("hookconsole.export_event")
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    events = EventFilter(params, queryset=Event.objects.all()).qs.order_by("-received_at", "-id")
    if fmt in STREAM_FORMATS:
        return streaming_response(EventResource(), events, fmt, "events")
    if fmt not in FILE_FORMATS:
        raise Http404("No such export format.")
    # import-export's formats, built in memory: for the few thousand rows of an incident.
    data, file_format = export_file(EventResource(), events, fmt)
    response = HttpResponse(data, content_type=file_format.get_content_type())
    stamp = timezone.now().strftime("%Y-%m-%dT%H%M%S")
    extension = file_format.get_extension()
    response["Content-Disposition"] = f'attachment; filename="events-{stamp}.{extension}"'
    return response
