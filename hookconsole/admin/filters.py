"""List filters that read an index: none of them runs SELECT DISTINCT over the table."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hookconsole.conf import hookconsole_settings
from hookconsole.indexscan import distinct_values
from hookconsole.models import Event, EventQuerySet
from hookconsole.models.events import ANY_CONNECTED, PLATFORM_ONLY


class TypeFilter(admin.SimpleListFilter):
    """Exact types, and every dot-segment prefix of them ("invoice.*")."""

    title = _("type")
    parameter_name = "type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        types = distinct_values(Event, "type", Event.objects.db)
        prefixes = {t.rsplit(".", n)[0] for t in types for n in range(1, t.count(".") + 1)}
        choices = [(f"{p}.*", f"{p}.*") for p in prefixes] + [(t, t) for t in types]
        return sorted(choices, key=lambda choice: choice[0].removesuffix("*"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if value.endswith(".*"):
            return cast(EventQuerySet, queryset).of_type(value[:-2])
        return queryset.filter(type=value)


class EndpointFilter(admin.SimpleListFilter):
    """Endpoints come from the settings, so no query lists them."""

    title = _("endpoint")
    parameter_name = "endpoint"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(name, name) for name in hookconsole_settings.endpoint_names()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(endpoint=value) if value else queryset


class AccountFilter(admin.SimpleListFilter):
    title = _("account")
    parameter_name = "account"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        accounts = [a for a in distinct_values(Event, "account", Event.objects.db) if a]
        return [
            (PLATFORM_ONLY, _("Platform (no account)")),
            (ANY_CONNECTED, _("Any connected account")),
            *((a, a) for a in accounts),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return cast(EventQuerySet, queryset).of_account(value) if value else queryset
