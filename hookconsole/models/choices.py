"""The vocabularies of the log: validation outcomes, reasons, statuses, triggers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValidationOutcome(models.TextChoices):
    VALID = "valid", _("valid")
    UNVERIFIED = "unverified", _("not validated")
    REJECTED = "rejected", _("rejected")


class Reason(models.TextChoices):
    """Why a delivery was rejected; also the ``error`` of the JSON answer."""

    METHOD_NOT_ALLOWED = "method_not_allowed", _("method not allowed")
    UNKNOWN_ENDPOINT = "unknown_endpoint", _("unknown endpoint")
    BODY_TOO_LARGE = "body_too_large", _("body too large")
    ENDPOINT_NOT_CONFIGURED = "endpoint_not_configured", _("endpoint has no secret")
    MISSING_SIGNATURE = "missing_signature", _("missing signature")
    MALFORMED_SIGNATURE = "malformed_signature", _("malformed signature header")
    BAD_SIGNATURE = "bad_signature", _("bad signature")
    TIMESTAMP_OUTSIDE_TOLERANCE = "timestamp_outside_tolerance", _("timestamp outside tolerance")
    MALFORMED_JSON = "malformed_json", _("malformed JSON")
    NOT_AN_EVENT = "not_an_event", _("not an event")
    EVENT_NOT_FOUND = "event_not_found", _("event not found at Stripe")
    EVENT_MISMATCH = "event_mismatch", _("event differs from Stripe's copy")
    STRIPE_API_ERROR = "stripe_api_error", _("Stripe API unreachable")


class EventStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PROCESSING = "processing", _("processing")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped")  # no handler matched


class Trigger(models.TextChoices):
    WEBHOOK = "webhook", _("webhook")
    REDELIVERY = "redelivery", _("redelivery")
    REPROCESS = "reprocess", _("reprocess")
    TASK = "task", _("task")
    # Handlers run and rolled back: nothing committed, the event's status unchanged.
    DRY_RUN = "dry_run", _("dry run")


class AttemptOutcome(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped")
