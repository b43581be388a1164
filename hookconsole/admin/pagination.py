"""Counting and dating a million-row log without scanning it."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Max, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

COUNT_CAP = 2_000
# Periods asked about in one statement (a month's days fit); a longer span is walked.
MAX_PROBES = 40


# Paginator is generic for type checkers only.
if TYPE_CHECKING:
    PaginatorBase = Paginator[Any]
else:
    PaginatorBase = Paginator


class CappedPaginator(PaginatorBase):
    """Counts at most ``COUNT_CAP + 1`` rows; pages past the cap call for a filter.

    An exact COUNT(*) over a large PostgreSQL table reads every row.
    """

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # a QuerySet on every admin page
        # Unordered: which rows are counted does not matter, and no sort is needed.
        counted: int = rows.order_by()[: self.cap + 1].count()
        return counted

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _period(moment: datetime, kind: str) -> tuple[datetime, datetime]:
    """The year, month or day holding ``moment``, in local time: [start, end)."""
    tz = timezone.get_current_timezone()
    local = timezone.localtime(moment, tz).replace(tzinfo=None)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "day":
        end = datetime.fromordinal(start.toordinal() + 1)
    elif kind == "month":
        start = start.replace(day=1)
        end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
    else:
        start = start.replace(month=1, day=1)
        end = datetime(start.year + 1, 1, 1)
    return timezone.make_aware(start, tz), timezone.make_aware(end, tz)


def _periods(
    first: datetime | None, last: datetime | None, kind: str, limit: int
) -> list[tuple[datetime, datetime]]:
    """The periods from ``first``'s to ``last``'s, ``limit`` at most."""
    periods: list[tuple[datetime, datetime]] = []
    if first is None or last is None:
        return periods
    start, end = _period(first, kind)
    while start <= last and len(periods) < limit:
        periods.append((start, end))
        start, end = _period(end, kind)
    return periods


class DateProbeQuerySet(QuerySet[Any]):
    """The date hierarchy's queries, answered by index seeks.

    The admin's date hierarchy asks for MIN and MAX of the date together (SQLite
    then reads every row) and for the distinct years, months or days (SQL's
    DISTINCT over a truncated date reads every row). Here the bounds are two
    ordered LIMIT 1 queries, kept for the periods that follow; the periods
    between them are probed in one query, one EXISTS each, or, over a longer
    span, found by one index seek each.
    """

    _date_edges: dict[str, tuple[Any, Any]]

    def _edge(self, field_name: str, last: bool) -> Any:
        ordered = self.order_by(f"-{field_name}" if last else field_name)
        return ordered.values_list(field_name, flat=True).first()

    def _edges(self, field_name: str) -> tuple[Any, Any]:
        """The earliest and latest date; the tag asks twice, the database once."""
        if not hasattr(self, "_date_edges"):
            self._date_edges = {}
        if field_name not in self._date_edges:
            edges = self._edge(field_name, last=False), self._edge(field_name, last=True)
            self._date_edges[field_name] = edges
        return self._date_edges[field_name]

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        first, last = kwargs.get("first"), kwargs.get("last")
        if (
            not args
            and set(kwargs) == {"first", "last"}
            and isinstance(first, Min)
            and isinstance(last, Max)
            and first.source_expressions == last.source_expressions
            and isinstance(first.source_expressions[0], F)
        ):
            earliest, latest = self._edges(first.source_expressions[0].name)
            return {"first": earliest, "last": latest}
        return super().aggregate(*args, **kwargs)

    def datetimes(  # type: ignore[override]
        self, field_name: str, kind: Any, order: Any = "ASC", tzinfo: Any = None
    ) -> list[datetime]:
        if kind not in ("year", "month", "day") or tzinfo is not None:
            return list(super().datetimes(field_name, kind, order=order, tzinfo=tzinfo))
        first, last = self._edges(field_name)
        periods = _periods(first, last, kind, limit=MAX_PROBES + 1)
        if len(periods) <= MAX_PROBES:
            found = self._probe(field_name, periods)
        else:
            found = self._walk(field_name, kind, first)
        return found if order == "ASC" else found[::-1]

    def _in(self, field_name: str, start: datetime, end: datetime) -> QuerySet[Any]:
        everything = self.model._default_manager.db_manager(self.db)
        # The period's bound first: SQLite seeks with the first range it reads,
        # and the drilled-down period is already among self's conditions.
        bounded: QuerySet[Any] = everything.filter(
            **{f"{field_name}__gte": start, f"{field_name}__lt": end}
        )
        return bounded & self

    def _probe(self, field_name: str, periods: list[tuple[datetime, datetime]]) -> list[datetime]:
        """The periods holding a row, asked in one statement: SELECT EXISTS(...), ...

        Django has no SELECT without a FROM, so the statement is joined from the
        subqueries Django compiles.
        """
        if not periods:
            return []
        connection = connections[self.db]
        parts, params = [], []
        for start, end in periods:
            rows = self._in(field_name, start, end).order_by().values("pk")[:1]
            sql, part_params = rows.query.get_compiler(connection=connection).as_sql()
            parts.append(f"EXISTS({sql})")
            params.extend(part_params)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            held = cursor.fetchone()
        return [start for (start, _), present in zip(periods, held, strict=True) if present]

    def _walk(self, field_name: str, kind: str, moment: Any) -> list[datetime]:
        """A loose index scan: from each period, seek the first row of the next one."""
        everything = self.model._default_manager.db_manager(self.db)
        found: list[datetime] = []
        while moment is not None:
            start, end = _period(moment, kind)
            found.append(start)
            later = everything.filter(**{f"{field_name}__gte": end}) & self
            moment = later.order_by(field_name).values_list(field_name, flat=True).first()
        return found


@functools.cache
def _probing(queryset_class: type[QuerySet[Any]]) -> type[QuerySet[Any]]:
    return type(f"DateProbe{queryset_class.__name__}", (DateProbeQuerySet, queryset_class), {})


class LogChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        queryset = super().get_queryset(request, exclude_parameters)
        # Same rows and SQL; only the date hierarchy's datetimes() changes.
        clone = queryset.all()
        clone.__class__ = _probing(type(queryset))
        return clone
