"""From an HTTP request to an (unsaved) Delivery: time, IP, redacted headers, capped body."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from django.utils import timezone

from hookconsole.conf import REDACTED_HEADER_PARTS, hookconsole_settings
from hookconsole.models import Delivery, Reason, ValidationOutcome
from hookconsole.validation import Rejected

REDACTED = "[redacted]"
MAX_SIZE = 2**31 - 1  # PositiveIntegerField's ceiling on every database


def printable(text: str) -> str:
    """Text any database stores: PostgreSQL refuses NUL characters."""
    return text.replace("\x00", "\ufffd")


def _is_credential(name: str, redacted: frozenset[str]) -> bool:
    lowered = name.lower()
    return lowered in redacted or any(part in lowered for part in REDACTED_HEADER_PARTS)


def redacted_headers(request: HttpRequest) -> dict[str, str]:
    redacted = hookconsole_settings.redacted_headers
    return {
        printable(name): REDACTED if _is_credential(name, redacted) else printable(value)
        for name, value in request.headers.items()
    }


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def remote_addr(request: HttpRequest) -> str | None:
    """The client's IP: REMOTE_ADDR, or the first X-Forwarded-For hop behind a trusted proxy."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and hookconsole_settings.trust_x_forwarded_for:
        first = _ip(forwarded.split(",")[0])
        if first:
            return first
    return _ip(request.META.get("REMOTE_ADDR", ""))


def new_delivery(request: HttpRequest, endpoint: str) -> Delivery:
    return Delivery(
        received_at=timezone.now(),
        endpoint=printable(endpoint[:64]),
        method=printable(request.method or "")[:16],
        remote_addr=remote_addr(request),
        headers=redacted_headers(request),
    )


class BodyTooLarge(Rejected):
    def __init__(self, head: bytes, size: int, detail: str) -> None:
        super().__init__(Reason.BODY_TOO_LARGE, detail, 413)
        self.head = head
        self.size = size


def read_body(request: HttpRequest) -> bytes:
    """Read at most the configured maximum; a larger body is refused, unread."""
    limit = hookconsole_settings.max_body_size
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        head = request.read(hookconsole_settings.rejected_body_size)
        raise BodyTooLarge(head, declared, f"{declared} bytes; the limit is {limit}")
    # request.read(), not request.body: the body property applies Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE and would raise instead of answering 413.
    body = request.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge(body, len(body), f"more than {limit} bytes")
    return body


def keep_body(delivery: Delivery, body: bytes, *, cap: int | None) -> None:
    """Store the body as text, cut to ``cap`` bytes when given (rejected requests)."""
    delivery.body_size = min(len(body), MAX_SIZE)
    kept = body if cap is None else body[:cap]
    delivery.body_truncated = len(kept) < len(body)
    # Undecodable bytes only reach here in rejected requests; keep them visible.
    delivery.body = printable(kept.decode("utf-8", errors="replace"))


def record_rejection(delivery: Delivery, rejected: Rejected, body: bytes) -> Delivery:
    delivery.validation = ValidationOutcome.REJECTED
    delivery.reason = rejected.reason
    delivery.detail = printable(rejected.detail)
    delivery.response_status = rejected.status
    keep_body(delivery, body, cap=hookconsole_settings.rejected_body_size)
    if isinstance(rejected, BodyTooLarge):
        delivery.body_truncated = True
        delivery.body_size = min(rejected.size, MAX_SIZE)
    delivery.save(force_insert=True)
    return delivery
