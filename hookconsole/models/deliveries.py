"""Every HTTP request that reached the endpoint, accepted or not."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hookconsole.models.choices import Reason, ValidationOutcome
from hookconsole.models.events import Event


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def rejected(self) -> DeliveryQuerySet:
        return self.filter(validation=ValidationOutcome.REJECTED)

    def accepted(self) -> DeliveryQuerySet:
        return self.exclude(validation=ValidationOutcome.REJECTED)


class Delivery(models.Model):
    received_at = models.DateTimeField(_("received"))
    endpoint = models.CharField(_("endpoint"), max_length=64)
    method = models.CharField(_("method"), max_length=16)
    remote_addr = models.GenericIPAddressField(_("remote IP"), null=True, blank=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"), blank=True)
    body_size = models.PositiveIntegerField(_("body size"), default=0)
    body_truncated = models.BooleanField(_("body truncated"), default=False)
    validation = models.CharField(_("validation"), max_length=16, choices=ValidationOutcome)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    duplicate = models.BooleanField(_("redelivery"), default=False)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="hookconsole_delivery_recent"),
            models.Index(
                fields=["reason", "-received_at", "-id"], name="hookconsole_delivery_reason"
            ),
            models.Index(
                fields=["validation", "-received_at", "-id"], name="hookconsole_delivery_valid"
            ),
            models.Index(
                fields=["endpoint", "-received_at", "-id"], name="hookconsole_delivery_endpt"
            ),
            models.Index(fields=["event", "validation"], name="hookconsole_delivery_event"),
        ]
        permissions = [("export_delivery", _("Can export deliveries"))]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} {self.reason or self.validation}"
