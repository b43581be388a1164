"""Every request the endpoint received, rejected ones included, with the reason."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hookconsole.admin.base import LogAdmin
from hookconsole.admin.display import badge
from hookconsole.admin.filters import EndpointFilter
from hookconsole.models import Delivery
from hookconsole.resources import DeliveryResource


@admin.register(Delivery)
class DeliveryAdmin(LogAdmin):
    resource_classes = [DeliveryResource]
    list_display = [
        "received_at",
        "endpoint",
        "remote_addr",
        "validation_badge",
        "reason",
        "response_status",
        "duplicate",
        "event",
    ]
    list_filter = ["reason", "validation", EndpointFilter, "duplicate"]
    list_select_related = ["event"]
    search_fields = ["event__stripe_id__exact"]
    search_help_text = _("A Stripe event id.")
    date_hierarchy = "received_at"
    fields = [
        ("received_at", "endpoint", "method", "remote_addr"),
        ("validation", "reason", "detail"),
        ("response_status", "duplicate", "event"),
        "headers_block",
        ("body_size", "body_truncated"),
        "body_block",
    ]
    readonly_fields = ["headers_block", "body_block"]

    @admin.display(description=_("headers"))
    def headers_block(self, delivery: Delivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(delivery.headers, indent=2))

    @admin.display(description=_("body"))
    def body_block(self, delivery: Delivery) -> str:
        return format_html('<pre class="hc-traceback">{}</pre>', delivery.body)

    @admin.display(description=_("validation"), ordering="validation")
    def validation_badge(self, delivery: Delivery) -> str:
        return badge(delivery.validation, delivery.get_validation_display())
