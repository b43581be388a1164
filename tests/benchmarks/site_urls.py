"""The site's URLs plus the Django floor: the floor's work as a view of the site."""

import json

import stripe
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from hookconsole.site.urls import urlpatterns as site_urlpatterns
from tests.benchmarks.floor import SECRET


@csrf_exempt
@login_not_required
def django_floor(request: HttpRequest) -> JsonResponse:
    """Verify and parse in the site's middleware stack, with no database."""
    body = request.body.decode()
    try:
        stripe.WebhookSignature.verify_header(
            body, request.headers.get("Stripe-Signature", ""), SECRET, tolerance=300
        )
        return JsonResponse({"event": json.loads(body)["id"]})
    except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
        return JsonResponse({"error": type(exc).__name__}, status=400)


urlpatterns = [path("bench/floor/", django_floor), *site_urlpatterns]
