"""Who may use the dashboard, and the Content-Security-Policy of its pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django_htmx.middleware import HtmxDetails

# No inline script or style, nothing from elsewhere: a payload cannot run.
POLICY: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

View = Callable[..., HttpResponseBase]


def htmx(request: HttpRequest) -> HtmxDetails:
    """django-htmx's view of the request, with or without its middleware installed."""
    details = getattr(request, "htmx", None)
    return details if isinstance(details, HtmxDetails) else HtmxDetails(request)


def console_view(*permissions: str) -> Callable[[View], View]:
    """Staff only (others go to the admin login), with ``permissions``, under POLICY."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            needed = ("hookconsole.view_event", *permissions)
            if not request.user.has_perms(needed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        protected: View = staff_member_required(csp_override(POLICY)(guarded))
        return protected

    return decorator
