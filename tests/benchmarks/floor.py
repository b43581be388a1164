"""The floor: a bare WSGI app that only verifies the signature and parses the JSON.

No Django, no database: what any Stripe endpoint in Python must at least do.
hookconsole's ingest is reported as a fraction of this app's rate, served by the
same gunicorn configuration. site_urls.django_floor does the same work as a view
of the site (no database), to show how much of the gap is Django's own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import stripe

SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_bench")


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
    try:
        stripe.WebhookSignature.verify_header(
            body, environ.get("HTTP_STRIPE_SIGNATURE", ""), SECRET, tolerance=300
        )
        event = json.loads(body)
        status, answer = "200 OK", {"event": event["id"]}
    except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
        status, answer = "400 Bad Request", {"error": type(exc).__name__}
    data = json.dumps(answer).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]
