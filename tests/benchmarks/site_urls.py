"""The site's URLs plus two floors as views of the site (its middleware included).

- /bench/floor/: the bare floor's work (verify, parse), no database;
- /bench/store/: that, plus the delivery and its event stored by two raw INSERTs
  into hookconsole's tables in one transaction: the least any endpoint that keeps
  what it received must do, with no ORM and no handler.
"""

import json
from typing import Any

import stripe
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from hookconsole.locking import write_transaction
from hookconsole.site.urls import urlpatterns as site_urlpatterns
from tests.benchmarks.floor import SECRET

# Every NOT NULL column, with the values a new, valid, pending event has.
STORE_EVENT = (
    "INSERT INTO hookconsole_event (stripe_id, type, payload, received_at, last_received_at,"
    " api_version, livemode, account, endpoint, validation, object_id, object_type,"
    " customer_id, request_id, idempotency_key, payload_hash, payload_differs, status,"
    " delivery_count, attempt_count, last_error, retries, gave_up) VALUES (%s, %s, %s, %s,"
    " %s, '', false, '', 'default', 'valid', '', '', '', '', '', '', false, 'pending', 1, 0,"
    " '', 0, false) RETURNING id"
)
STORE_DELIVERY = (
    "INSERT INTO hookconsole_delivery (received_at, headers, body, body_size, event_id,"
    " endpoint, method, body_truncated, validation, reason, detail, response_status,"
    " duplicate) VALUES (%s, %s, %s, %s, %s, 'default', 'POST', false, 'valid', '', '', 200,"
    " false)"
)


def store(request: HttpRequest, body: str, event: dict[str, Any]) -> None:
    now = timezone.now()
    with write_transaction(), connection.cursor() as cursor:
        cursor.execute(STORE_EVENT, [event["id"], event.get("type", ""), body, now, now])
        (event_pk,) = cursor.fetchone()
        headers = json.dumps(dict(request.headers))
        cursor.execute(STORE_DELIVERY, [now, headers, body, len(body), event_pk])


@csrf_exempt
@login_not_required
def django_floor(request: HttpRequest, storing: bool = False) -> JsonResponse:
    """Verify and parse in the site's middleware stack; when ``storing``, then store
    the delivery and its event by raw SQL."""
    body = request.body.decode()
    try:
        stripe.WebhookSignature.verify_header(
            body, request.headers.get("Stripe-Signature", ""), SECRET, tolerance=300
        )
        event = json.loads(body)
        answer = {"event": event["id"]}
    except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
        return JsonResponse({"error": type(exc).__name__}, status=400)
    if storing:
        store(request, body, event)
    return JsonResponse(answer)


urlpatterns = [
    path("bench/floor/", django_floor),
    path("bench/store/", django_floor, {"storing": True}),
    *site_urlpatterns,
]
