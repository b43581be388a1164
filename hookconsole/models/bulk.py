"""A bulk reprocess: the events a filter selected, worked through in chunks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        CANCELLED = "cancelled", _("cancelled")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The dashboard's filters, as its query string holds them.
    filters = models.JSONField(_("filters"), default=dict)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.RUNNING)
    # The events are those matching the filters with a pk up to upper_pk (new
    # arrivals are not taken in), walked in pk order; cursor is the last one done.
    upper_pk = models.BigIntegerField(default=0)
    cursor = models.BigIntegerField(default=0)
    total = models.PositiveIntegerField(_("events"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    succeeded = models.PositiveIntegerField(_("succeeded"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    busy = models.PositiveIntegerField(_("busy"), default=0)
    # Task mode: handed to the queue's workers, whose attempts tell the outcome.
    queued = models.PositiveIntegerField(_("queued"), default=0)
    # Whoever steps the run holds it until then; a crashed step's hold lapses.
    stepping_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk reprocess")
        verbose_name_plural = _("bulk reprocesses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"bulk reprocess {self.pk}: {self.done}/{self.total} {self.state}"
