"""Counting and dating a million-row log without scanning it."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

COUNT_CAP = 10_000


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


def _period_starts(first: datetime, last: datetime, kind: str) -> list[tuple[datetime, datetime]]:
    """[(start, end)] of every year, month or day from ``first`` to ``last`` (local time)."""
    tz = timezone.get_current_timezone()
    first, last = timezone.localtime(first, tz), timezone.localtime(last, tz)
    start = first.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind in ("month", "year"):
        start = start.replace(day=1)
    if kind == "year":
        start = start.replace(month=1)
    periods = []
    while start <= last:
        if kind == "day":
            end = datetime.fromordinal(start.toordinal() + 1)
        elif kind == "month":
            end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
        else:
            end = datetime(start.year + 1, 1, 1)
        end = timezone.make_aware(end, tz)
        periods.append((start, end))
        start = end
    return periods


class DateProbeQuerySet(QuerySet[Any]):
    """``datetimes()`` by one index probe per candidate period.

    The admin's date hierarchy asks for the distinct years, months or days of the
    filtered rows; SQL's DISTINCT over a truncated date reads every row. At most
    31 cheap EXISTS queries read only the index.
    """

    def datetimes(  # type: ignore[override]
        self, field_name: str, kind: Any, order: Any = "ASC", tzinfo: Any = None
    ) -> list[datetime]:
        if kind not in ("year", "month", "day") or tzinfo is not None:
            return list(super().datetimes(field_name, kind, order=order, tzinfo=tzinfo))
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        found = [
            start
            for start, end in _period_starts(bounds["first"], bounds["last"], kind)
            if self.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end}).exists()
        ]
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
