"""Counting and dating a million-row log without scanning it."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import F, Max, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

COUNT_CAP = 2_000


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


class DateProbeQuerySet(QuerySet[Any]):
    """The date hierarchy's queries, answered by index seeks.

    The admin's date hierarchy asks for MIN and MAX of the date together (SQLite
    then reads every row) and for the distinct years, months or days (SQL's
    DISTINCT over a truncated date reads every row). Here the bounds are two
    ordered LIMIT 1 queries, and the periods are found by one index seek each.
    """

    def _edge(self, field_name: str, last: bool) -> Any:
        ordered = self.order_by(f"-{field_name}" if last else field_name)
        return ordered.values_list(field_name, flat=True).first()

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
            name = first.source_expressions[0].name
            return {"first": self._edge(name, last=False), "last": self._edge(name, last=True)}
        return super().aggregate(*args, **kwargs)

    def datetimes(  # type: ignore[override]
        self, field_name: str, kind: Any, order: Any = "ASC", tzinfo: Any = None
    ) -> list[datetime]:
        if kind not in ("year", "month", "day") or tzinfo is not None:
            return list(super().datetimes(field_name, kind, order=order, tzinfo=tzinfo))
        everything = self.model._default_manager.db_manager(self.db)
        found: list[datetime] = []
        moment = self._edge(field_name, last=False)
        # A loose index scan: from each period, seek the first row of the next one.
        while moment is not None:
            start, end = _period(moment, kind)
            found.append(start)
            # The seek's bound first: SQLite seeks with the first range it reads,
            # and the drilled-down period is already among self's conditions.
            later = everything.filter(**{f"{field_name}__gte": end}) & self
            moment = later.order_by(field_name).values_list(field_name, flat=True).first()
        return found if order == "ASC" else found[::-1]


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
