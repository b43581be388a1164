"""Read-only admin pages for the log (the full console builds on these)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from hookconsole.models import Attempt, Delivery, Event

# Admin classes are generic for type checkers only; at run time they are not subscriptable.
if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
    DeliveryInlineBase = admin.TabularInline[Delivery, Event]
    AttemptInlineBase = admin.TabularInline[Attempt, Event]
else:
    ModelAdmin = admin.ModelAdmin
    DeliveryInlineBase = AttemptInlineBase = admin.TabularInline


class ReadOnlyLogAdmin(ModelAdmin):
    """A log is written by the endpoint only: no add, no change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(DeliveryInlineBase):
    model = Delivery
    fields = readonly_fields = (
        "received_at",
        "remote_addr",
        "validation",
        "reason",
        "response_status",
        "duplicate",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttemptInline(AttemptInlineBase):
    model = Attempt
    fields = readonly_fields = (
        "started_at",
        "trigger",
        "outcome",
        "duration_ms",
        "exception_type",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyLogAdmin):
    list_display = [
        "received_at",
        "type",
        "stripe_id",
        "status",
        "livemode",
        "account",
        "delivery_count",
        "attempt_count",
        "last_error",
    ]
    list_filter = ["status", "livemode", "endpoint"]
    search_fields = ["=stripe_id", "=object_id", "type", "=request_id", "=idempotency_key"]
    date_hierarchy = "received_at"
    inlines = [DeliveryInline, AttemptInline]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyLogAdmin):
    list_display = [
        "received_at",
        "endpoint",
        "remote_addr",
        "validation",
        "reason",
        "response_status",
        "event",
    ]
    list_filter = ["validation", "reason", "endpoint"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]
    show_full_result_count = False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyLogAdmin):
    list_display = ["started_at", "event", "trigger", "outcome", "duration_ms", "exception_type"]
    list_filter = ["outcome", "trigger"]
    list_select_related = ["event"]
    raw_id_fields = ["event", "delivery", "requested_by"]
    show_full_result_count = False
