"""Sign an event with stripe-python and POST it, as Stripe does (demo, tests, CLI)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import stripe


def signature_header(body: str, secret: str, timestamp: int | None = None) -> str:
    header: str = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return header


@dataclass(frozen=True, slots=True)
class Sent:
    status: int
    answer: dict[str, Any]


def post(url: str, body: str, headers: dict[str, str], timeout: float = 30) -> Sent:
    request = urllib.request.Request(
        url,
        data=body.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "hookconsole", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = {"raw": raw.decode("utf-8", "replace")}
    return Sent(status, answer if isinstance(answer, dict) else {"raw": answer})


def send_event(url: str, payload: dict[str, Any] | str, secret: str) -> Sent:
    """POST ``payload`` to ``url`` with a fresh Stripe-Signature for ``secret``."""
    body = payload if isinstance(payload, str) else json.dumps(payload, indent=2)
    return post(url, body, {"Stripe-Signature": signature_header(body, secret)})
