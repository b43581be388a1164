"""Streaming export (CSV and JSON Lines) with the import-export resources' columns.

django-import-export builds the whole file in memory; this writes row by row
from a server-side cursor, so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import sanitize_strftime_format
from import_export import widgets
from import_export.fields import Field
from import_export.resources import ModelResource

from hookconsole.formats import escape_row
from hookconsole.resources import ReadableJSON

CHUNK_SIZE = 2000
STREAM_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


class _Line:
    """csv.writer wants a file; hand each written line back instead."""

    def write(self, line: str) -> str:
        return line


def _column(resource: ModelResource[Any], field: Field) -> Callable[[Any], Any]:
    """One column's value for an object, resolved once rather than per row.

    Resource.export_field() looks the dehydrate method and the attribute path up
    again for every cell; at a million rows that lookup is most of the time. The
    values are the same: the resource's dehydrate method or its widget's render.
    """
    method = field.get_dehydrate_method(resource.get_field_name(field))
    dehydrate = method if callable(method) else getattr(resource, method, None)
    if dehydrate is not None:
        return dehydrate
    path = (field.attribute or "").split("__")
    render = field.widget.render

    def value(obj: Any) -> Any:
        for name in path:
            obj = getattr(obj, name, None)
            if obj is None:
                break
        return render(obj)

    return value


def _object_rows(resource: ModelResource[Any], queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    columns = [_column(resource, field) for field in resource.get_export_fields()]
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [column(obj) for column in columns]


def _renderer(widget: widgets.Widget) -> Callable[[Any], Any]:
    """The widget's render, or an equal shortcut for the two costly common widgets.

    IntegerWidget and DateTimeWidget look the locale's formats up for every cell
    (about 5 us each, most of an export's time at a million rows); CharWidget is
    cheap but is most cells. The shortcuts give the same text from the same
    Django functions, looked up once per export; tests compare them with the
    widgets.
    """
    if not getattr(widget, "coerce_to_string", False):
        return widget.render
    if type(widget) is widgets.CharWidget:
        return lambda value: "" if value is None else force_str(value)
    if type(widget) is widgets.IntegerWidget and not settings.USE_THOUSAND_SEPARATOR:
        # number_format() of an int without grouping is str().
        return lambda value: "" if value is None else str(value)
    if type(widget) is widgets.DateTimeWidget:
        strftime_format = sanitize_strftime_format(widget.formats[0])
        zone = timezone.get_current_timezone() if settings.USE_TZ else None

        def render(value: Any) -> str:
            if not value or not isinstance(value, datetime):
                return ""
            moment: datetime = timezone.localtime(value, zone) if zone is not None else value
            return moment.strftime(strftime_format)

        return render
    return widget.render


def _readable_json(text: str | None) -> str | None:
    # The database's JSON text is already what ReadableJSON renders (same separators)
    # unless it escapes characters: SQLite stores "Zo\u00eb", PostgreSQL "Zoë".
    if text is None or "\\u" not in text:
        return text
    return json.dumps(json.loads(text), ensure_ascii=False)


def _value_rows(
    resource: ModelResource[Any], queryset: QuerySet[Any]
) -> Iterator[list[Any]] | None:
    """Rows read as tuples, with JSON columns as the database's text; None if a
    column needs the model object (a dehydrate method).

    At a million rows, building model instances and decoding then re-encoding
    every payload was most of an export's time.
    """
    lookups: list[str] = []
    renders: list[Callable[[Any], Any]] = []
    texts: dict[str, Cast] = {}
    for field in resource.get_export_fields():
        method = field.get_dehydrate_method(resource.get_field_name(field))
        if callable(method) or hasattr(resource, method) or not field.attribute:
            return None
        if isinstance(field.widget, ReadableJSON):
            alias = f"_text_{len(texts)}"
            texts[alias] = Cast(field.attribute, TextField())
            lookups.append(alias)
            renders.append(_readable_json)
        else:
            lookups.append(field.attribute)
            renders.append(_renderer(field.widget))
    rows = queryset.annotate(**texts).values_list(*lookups).iterator(chunk_size=CHUNK_SIZE)
    return ([render(value) for render, value in zip(renders, row, strict=True)] for row in rows)


def _rows(resource: ModelResource[Any], queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    rows = _value_rows(resource, queryset)
    return rows if rows is not None else _object_rows(resource, queryset)


def csv_lines(resource: ModelResource[Any], queryset: QuerySet[Any]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(resource.get_export_headers())
    for row in _rows(resource, queryset):
        yield writer.writerow(escape_row(row))


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
