"""Every processing run of an event: outcome, handler results, traceback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hookconsole.models.choices import AttemptOutcome, Trigger
from hookconsole.models.deliveries import Delivery
from hookconsole.models.events import Event


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def real(self) -> AttemptQuerySet:
        """Attempts that could commit: every trigger but dry runs."""
        return self.exclude(trigger=Trigger.DRY_RUN)

    def dry_runs(self) -> AttemptQuerySet:
        return self.filter(trigger=Trigger.DRY_RUN)

    def running(self) -> AttemptQuerySet:
        return self.filter(outcome=AttemptOutcome.RUNNING)

    def failed(self) -> AttemptQuerySet:
        return self.filter(outcome=AttemptOutcome.FAILED)

    def succeeded(self) -> AttemptQuerySet:
        return self.filter(outcome=AttemptOutcome.SUCCEEDED)


class Attempt(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attempts"
    )
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("delivery"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempts",
    )
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_ms = models.FloatField(_("duration (ms)"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AttemptOutcome, default=AttemptOutcome.RUNNING
    )
    exception_type = models.CharField(_("exception"), max_length=255, blank=True)
    exception_message = models.TextField(_("message"), blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    # [{"name": ..., "outcome": "succeeded"|"failed"|"not_run", "duration_ms": ..., "error": ...}]
    handler_results = models.JSONField(_("handler results"), default=list)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="hookconsole_attempt_recent"),
            models.Index(fields=["event", "-started_at", "-id"], name="hookconsole_attempt_event"),
            models.Index(
                fields=["outcome", "-started_at", "-id"], name="hookconsole_attempt_outcome"
            ),
            models.Index(
                fields=["trigger", "-started_at", "-id"], name="hookconsole_attempt_trigger"
            ),
        ]
        permissions = [("export_attempt", _("Can export attempts"))]

    def __str__(self) -> str:
        return f"{self.trigger} {self.outcome} ({self.event_id})"
