"""Streaming export (CSV and JSON Lines) with the import-export resources' columns.

django-import-export builds the whole file in memory; this writes row by row
from a server-side cursor, so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from import_export.resources import ModelResource

from hookconsole.formats import escape_formula

CHUNK_SIZE = 2000
STREAM_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


class _Line:
    """csv.writer wants a file; hand each written line back instead."""

    def write(self, line: str) -> str:
        return line


def _rows(resource: ModelResource[Any], queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    fields = resource.get_export_fields()
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [resource.export_field(field, obj) for field in fields]


def csv_lines(resource: ModelResource[Any], queryset: QuerySet[Any]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(resource.get_export_headers())
    for row in _rows(resource, queryset):
        yield writer.writerow([escape_formula(cell) for cell in row])


def jsonl_lines(resource: ModelResource[Any], queryset: QuerySet[Any]) -> Iterator[str]:
    headers = resource.get_export_headers()
    for row in _rows(resource, queryset):
        yield json.dumps(dict(zip(headers, row, strict=True)), ensure_ascii=False) + "\n"


def lines(resource: ModelResource[Any], queryset: QuerySet[Any], fmt: str) -> Iterator[str]:
    return csv_lines(resource, queryset) if fmt == "csv" else jsonl_lines(resource, queryset)


def streaming_response(
    resource: ModelResource[Any], queryset: QuerySet[Any], fmt: str, name: str
) -> StreamingHttpResponse:
    """A download of ``queryset`` as ``fmt`` ("csv" or "jsonl")."""
    stamp = timezone.now().strftime("%Y-%m-%dT%H%M%S")
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines(resource, queryset, fmt)),
        content_type=STREAM_FORMATS[fmt],
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response
