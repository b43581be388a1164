"""The dashboard's one FilterSet: it selects the list, the export link and bulk reprocess."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hookconsole.conf import hookconsole_settings
from hookconsole.models import Event, EventQuerySet, EventStatus, ValidationOutcome

WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}


def _endpoint_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in hookconsole_settings.endpoint_names()]


class EventFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, empty_label=_("any status"))
    type = django_filters.CharFilter(
        method="filter_type",
        label=_("type"),
        widget=forms.TextInput(attrs={"placeholder": "invoice.* or invoice.paid"}),
    )
    validation = django_filters.ChoiceFilter(
        choices=[c for c in ValidationOutcome.choices if c[0] != ValidationOutcome.REJECTED],
        empty_label=_("any validation"),
    )
    livemode = django_filters.ChoiceFilter(
        choices=[("true", _("live")), ("false", _("test"))],
        method="filter_livemode",
        empty_label=_("live and test"),
        label=_("mode"),
    )
    endpoint = django_filters.ChoiceFilter(
        choices=_endpoint_choices, empty_label=_("any endpoint")
    )
    account = django_filters.CharFilter(
        method="filter_account",
        label=_("account"),
        widget=forms.TextInput(attrs={"placeholder": "acct_… (- platform, * connected)"}),
    )
    window = django_filters.ChoiceFilter(
        choices=[("1h", _("last hour")), ("24h", _("last 24 h")), ("7d", _("last 7 days"))],
        method="filter_window",
        empty_label=_("any time"),
        label=_("received"),
    )
    since = django_filters.IsoDateTimeFilter(
        field_name="received_at",
        lookup_expr="gte",
        label=_("from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="received_at",
        lookup_expr="lt",
        label=_("until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("search"),
        widget=forms.TextInput(attrs={"placeholder": "evt_…, cus_…, in_…, req_…"}),
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_type(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        value = value.strip()
        if value.endswith((".*", ".")):
            return cast(EventQuerySet, queryset).of_type(value.rstrip("*"))
        return queryset.filter(type=value)

    def filter_livemode(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return queryset.filter(livemode=value == "true")

    def filter_account(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return cast(EventQuerySet, queryset).of_account(value.strip())

    def filter_window(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return queryset.filter(received_at__gte=timezone.now() - WINDOWS[value])

    def filter_search(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return cast(EventQuerySet, queryset).search(value)

    def active(self) -> dict[str, Any]:
        """The filters in use, as the query string keeps them."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return {key: value for key, value in data.items() if value not in (None, "")}
