"""Is this body a genuine Stripe event? Signature and event checks, each with a precise reason."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import stripe

from hookconsole.conf import (
    RETRIEVE_EVENT,
    VALIDATION_METHODS,
    VERIFY_SIGNATURE,
    Endpoint,
    hookconsole_settings,
)
from hookconsole.models import Reason, ValidationOutcome

MAX_ID_LENGTH = 255


class Rejected(Exception):
    """The request is refused: answered ``status`` with ``{"error": reason}``, and stored."""

    def __init__(self, reason: Reason, detail: str = "", status: int = 400) -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail[:255]
        self.status = status


@dataclass(frozen=True, slots=True)
class Validated:
    outcome: ValidationOutcome
    text: str
    payload: dict[str, Any]


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def parse_event(text: str) -> dict[str, Any]:
    """The event as a dict: a JSON object with a string ``id`` and ``type``.

    Every other field is optional and kept as sent.
    """
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise Rejected(Reason.MALFORMED_JSON, str(exc)) from None
    if not isinstance(payload, dict):
        raise Rejected(Reason.NOT_AN_EVENT, "the body is not a JSON object")
    for key in ("id", "type"):
        value = payload.get(key)
        if not isinstance(value, str) or not value.strip():
            raise Rejected(Reason.NOT_AN_EVENT, f"{key!r} is missing or not a string")
        if len(value) > MAX_ID_LENGTH:
            raise Rejected(Reason.NOT_AN_EVENT, f"{key!r} is longer than {MAX_ID_LENGTH}")
    return payload


def _signature_timestamp(header: str | None, endpoint: Endpoint) -> int:
    """The ``t=`` of a Stripe-Signature header, split the way stripe-python splits it."""
    if not endpoint.secrets:
        raise Rejected(
            Reason.ENDPOINT_NOT_CONFIGURED, f"no secret for endpoint {endpoint.name!r}", 503
        )
    if not header:
        raise Rejected(Reason.MISSING_SIGNATURE, "no Stripe-Signature header")
    pairs = [item.split("=", 2) for item in header.split(",")]
    timestamps = [pair[1] for pair in pairs if len(pair) > 1 and pair[0] == "t"]
    if not timestamps or not timestamps[0].isdigit():
        raise Rejected(Reason.MALFORMED_SIGNATURE, "no valid t= timestamp")
    if not any(pair[0] == stripe.WebhookSignature.EXPECTED_SCHEME for pair in pairs):
        raise Rejected(Reason.MALFORMED_SIGNATURE, "no v1= signature")
    return int(timestamps[0])


def verify_signature(text: str, header: str, timestamp: int, endpoint: Endpoint) -> None:
    # The HMAC is stripe-python's. It is asked with tolerance=None because it only
    # checks the past and reports every failure as one exception type; the window
    # is checked below, in both directions, so each failure gets its own reason.
    for secret in endpoint.secrets:
        try:
            stripe.WebhookSignature.verify_header(text, header, secret, tolerance=None)
            break
        except stripe.SignatureVerificationError:
            continue
    else:
        raise Rejected(Reason.BAD_SIGNATURE, "no signature matches a configured secret")
    skew = int(time.time()) - timestamp
    if endpoint.tolerance and abs(skew) > endpoint.tolerance:
        when = f"{skew} s ago" if skew > 0 else f"{-skew} s in the future"
        raise Rejected(
            Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
            f"signed {when}; tolerance is {endpoint.tolerance} s",
        )


def retrieve_event(payload: dict[str, Any], endpoint: Endpoint) -> None:
    """Fetch the event from Stripe's API and require it to match what was posted."""
    if not endpoint.api_key:
        raise Rejected(
            Reason.ENDPOINT_NOT_CONFIGURED, f"no API key for endpoint {endpoint.name!r}", 503
        )
    base = hookconsole_settings.stripe_api_base
    client = stripe.StripeClient(
        endpoint.api_key,
        base_addresses={"api": base} if base else None,
        max_network_retries=1,
    )
    options: stripe.RequestOptions = {}
    if isinstance(payload.get("account"), str):
        options["stripe_account"] = payload["account"]
    if isinstance(payload.get("api_version"), str):
        options["stripe_version"] = payload["api_version"]
    try:
        remote = client.v1.events.retrieve(payload["id"], options=options)
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            raise Rejected(
                Reason.EVENT_NOT_FOUND, f"Stripe has no event {payload['id']}"
            ) from None
        raise Rejected(Reason.STRIPE_API_ERROR, str(exc.user_message or exc), 503) from None
    except stripe.StripeError as exc:
        raise Rejected(Reason.STRIPE_API_ERROR, type(exc).__name__, 503) from None
    remote_payload = remote.to_dict()
    if remote_payload.get("type") != payload["type"] or remote_payload.get("data") != payload.get(
        "data"
    ):
        raise Rejected(Reason.EVENT_MISMATCH, "the posted event differs from Stripe's copy")


def validate(body: bytes, signature: str | None, endpoint: Endpoint) -> Validated:
    """Check ``body`` as ``endpoint`` says; raise Rejected with the first reason found."""
    if endpoint.validation not in VALIDATION_METHODS:
        raise Rejected(
            Reason.ENDPOINT_NOT_CONFIGURED, f"unknown validation {endpoint.validation!r}", 503
        )
    timestamp = None
    if endpoint.validation == VERIFY_SIGNATURE:
        timestamp = _signature_timestamp(signature, endpoint)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(Reason.MALFORMED_JSON, "the body is not UTF-8") from None
    if signature and timestamp is not None:
        # Authenticate before parsing: an unsigned body is never parsed.
        verify_signature(text, signature, timestamp, endpoint)
        return Validated(ValidationOutcome.VALID, text, parse_event(text))
    payload = parse_event(text)
    if endpoint.validation == RETRIEVE_EVENT:
        retrieve_event(payload, endpoint)
        return Validated(ValidationOutcome.VALID, text, payload)
    return Validated(ValidationOutcome.UNVERIFIED, text, payload)
