"""Every processing run: outcome, handler results, traceback."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hookconsole.admin.base import LogAdmin
from hookconsole.admin.display import badge
from hookconsole.models import Attempt
from hookconsole.resources import AttemptResource


@admin.register(Attempt)
class AttemptAdmin(LogAdmin):
    resource_classes = [AttemptResource]
    list_display = [
        "started_at",
        "event",
        "trigger",
        "outcome_badge",
        "duration_ms",
        "exception_type",
        "requested_by",
    ]
    list_filter = ["outcome", "trigger"]
    list_select_related = ["event", "requested_by"]
    search_fields = ["event__stripe_id__exact", "exception_type__exact"]
    search_help_text = _("A Stripe event id or an exception class (module.Name).")
    date_hierarchy = "started_at"
    fields = [
        ("event", "trigger", "requested_by", "delivery"),
        ("outcome", "started_at", "finished_at", "duration_ms"),
        ("exception_type", "exception_message"),
        "handler_results_block",
        "traceback_block",
    ]
    readonly_fields = ["handler_results_block", "traceback_block"]

    @admin.display(description=_("handler results"))
    def handler_results_block(self, attempt: Attempt) -> str:
        return format_html("<pre>{}</pre>", json.dumps(attempt.handler_results, indent=2))

    @admin.display(description=_("traceback"))
    def traceback_block(self, attempt: Attempt) -> str:
        return format_html('<pre class="hc-traceback">{}</pre>', attempt.traceback)

    @admin.display(description=_("outcome"), ordering="outcome")
    def outcome_badge(self, attempt: Attempt) -> str:
        return badge(attempt.outcome, attempt.get_outcome_display())
