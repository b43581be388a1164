"""The event pages: the list, the event with its payload, deliveries and attempts, reprocess."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hookconsole.admin.base import LogAdmin
from hookconsole.admin.display import badge, json_tree
from hookconsole.admin.filters import AccountFilter, EndpointFilter, TypeFilter
from hookconsole.models import Attempt, AttemptOutcome, Event, EventQuerySet
from hookconsole.queue import QUEUED, UNAVAILABLE, request_reprocess
from hookconsole.resources import EventResource
from hookconsole.webhooks import registry

# Attempts and deliveries shown on an event's page; older ones are in their lists.
DETAIL_ROWS = 50
# A bulk reprocess from the admin runs in the request; larger runs belong to a queue.
MAX_BULK_REPROCESS = 200


@admin.register(Event)
class EventAdmin(LogAdmin):
    resource_classes = [EventResource]
    # Typed differently by the two stub packages (see LogAdmin).
    change_form_template = "admin/hookconsole/event/change_form.html"  # type: ignore[misc]
    list_display = [
        "received_at",
        "type",
        "stripe_id",
        "status_badge",
        "livemode",
        "account",
        "delivery_count",
        "attempt_count",
        "last_error",
    ]
    list_display_links = ["received_at", "stripe_id"]
    list_filter = [
        "status",
        TypeFilter,
        "validation",
        "livemode",
        EndpointFilter,
        AccountFilter,
    ]
    # Searched by EventQuerySet.search() (see get_search_results); listed for the box.
    search_fields = ["stripe_id", "object_id", "customer_id", "type", "request_id"]
    search_help_text = _(
        "An event, object, customer or request id, an idempotency key, "
        "a type or a type prefix (invoice.*)."
    )
    date_hierarchy = "received_at"
    actions = [*LogAdmin.actions, "reprocess_selected"]
    readonly_fields = ["status_badge"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("stripe_id", "type"),
                    ("status_badge", "last_error"),
                    ("livemode", "account", "endpoint", "validation", "api_version"),
                    ("object_type", "object_id", "customer_id"),
                    ("stripe_created", "received_at", "last_received_at"),
                    ("request_id", "idempotency_key"),
                    ("delivery_count", "attempt_count", "payload_differs"),
                ]
            },
        ),
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Event], search_term: str
    ) -> tuple[QuerySet[Event], bool]:
        return cast(EventQuerySet, queryset).search(search_term), False

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, event: Event) -> str:
        return badge(event.status, event.get_status_display())

    def has_reprocess_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("hookconsole.reprocess_event")

    def get_urls(self) -> list[URLPattern]:
        reprocess_url = path(
            "<path:object_id>/reprocess/",
            self.admin_site.admin_view(require_POST(self.reprocess_view)),
            name="hookconsole_event_reprocess",
        )
        return [reprocess_url, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        event = self.get_object(request, object_id)
        if event is not None:
            attempts = event.attempts.select_related("requested_by")[:DETAIL_ROWS]
            extra_context = {
                **(extra_context or {}),
                "payload_tree": json_tree(event.payload),
                "deliveries": event.deliveries.all()[:DETAIL_ROWS],
                "attempts": attempts,
                "handlers": registry.handlers_for(event.type),
                "can_reprocess": self.has_reprocess_permission(request),
                "detail_rows": DETAIL_ROWS,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _reprocess_one(self, request: HttpRequest, event: Event) -> Attempt | str:
        """The attempt, or why there is none (see queue.request_reprocess); logged."""
        attempt = request_reprocess(event, request.user)  # type: ignore[arg-type]
        if attempt == QUEUED:
            self.log_change(request, event, "Queued for reprocessing.")
        elif isinstance(attempt, Attempt):
            self.log_change(
                request,
                event,
                f"Reprocessed: {attempt.get_outcome_display()} (attempt {attempt.pk}).",
            )
        return attempt

    def reprocess_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_reprocess_permission(request):
            raise PermissionDenied
        event = get_object_or_404(self.get_queryset(request), pk=object_id)
        attempt = self._reprocess_one(request, event)
        if attempt == QUEUED:
            messages.info(request, _("Queued for reprocessing: a worker runs it."))
        elif attempt == UNAVAILABLE:
            messages.error(request, _("The task queue is unavailable: nothing was queued."))
        elif not isinstance(attempt, Attempt):
            messages.warning(request, _("This event is being processed right now; not run again."))
        elif attempt.outcome == AttemptOutcome.FAILED:
            messages.error(request, _("Reprocessed: failed with %s.") % attempt.exception_type)
        else:
            messages.success(request, _("Reprocessed: %s.") % attempt.get_outcome_display())
        return HttpResponseRedirect(
            reverse(
                "admin:hookconsole_event_change", args=[event.pk], current_app=self.admin_site.name
            )
        )

    @admin.action(permissions=["reprocess"], description=_("Reprocess selected events"))
    def reprocess_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        events = list(queryset[: MAX_BULK_REPROCESS + 1])
        if len(events) > MAX_BULK_REPROCESS:
            messages.error(
                request,
                _("Select at most %d events to reprocess here.") % MAX_BULK_REPROCESS,
            )
            return
        outcomes = [self._reprocess_one(request, event) for event in events]
        if QUEUED in outcomes:
            queued = outcomes.count(QUEUED)
            message = ngettext(
                "Queued %(count)d event for reprocessing.",
                "Queued %(count)d events for reprocessing.",
                queued,
            ) % {"count": queued}
            messages.info(request, message)
            return
        attempts = [a for a in outcomes if isinstance(a, Attempt)]
        succeeded = sum(1 for a in attempts if a.outcome != AttemptOutcome.FAILED)
        failed = sum(1 for a in attempts if a.outcome == AttemptOutcome.FAILED)
        busy = len(outcomes) - len(attempts)
        summary = ngettext(
            "Reprocessed %(count)d event: %(ok)d succeeded, %(failed)d failed, %(busy)d busy.",
            "Reprocessed %(count)d events: %(ok)d succeeded, %(failed)d failed, %(busy)d busy.",
            len(events),
        ) % {"count": len(events), "ok": succeeded, "failed": failed, "busy": busy}
        messages.add_message(request, messages.ERROR if failed else messages.SUCCESS, summary)
