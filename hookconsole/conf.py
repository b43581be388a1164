"""hookconsole's settings, read from Django settings each time they are used.

Every setting is ``HOOKCONSOLE_<NAME>``. The four webhook settings of dj-stripe
(``DJSTRIPE_WEBHOOK_SECRET``, ``_VALIDATION``, ``_TOLERANCE`` and
``_EVENT_CALLBACK``) are honoured as fallbacks so a dj-stripe project can switch
without renaming anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from hookconsole.models import Event

VERIFY_SIGNATURE: Final = "verify_signature"
RETRIEVE_EVENT: Final = "retrieve_event"
VALIDATION_METHODS: Final = (VERIFY_SIGNATURE, RETRIEVE_EVENT, None)
DEFAULT_ENDPOINT: Final = "default"
ENDPOINT_NAME_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ENDPOINT_KEYS: Final = frozenset({"secret", "validation", "tolerance", "api_key"})

# Headers whose values are credentials; never stored. Matching is by name,
# case-insensitive, and by the substrings below for custom auth headers.
REDACTED_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie"})
REDACTED_HEADER_PARTS: Final = ("token", "secret", "password", "api-key", "apikey", "session")

_UNSET: Final = object()


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One receiving URL: its secrets, validation method and tolerance."""

    name: str
    secrets: tuple[str, ...]
    validation: str | None
    tolerance: int
    api_key: str | None


def _secrets(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ImproperlyConfigured("A webhook secret must be a string or a list of strings.")
    return tuple(s.strip() for s in value if isinstance(s, str) and s.strip())


class Settings:
    """Typed access to the settings; nothing is cached, so override_settings works."""

    def _get(self, name: str, default: Any, *, djstripe: bool = False) -> Any:
        value = getattr(django_settings, f"HOOKCONSOLE_{name}", _UNSET)
        if value is _UNSET and djstripe:
            value = getattr(django_settings, f"DJSTRIPE_{name}", _UNSET)
        return default if value is _UNSET else value

    @property
    def webhook_secrets(self) -> tuple[str, ...]:
        return _secrets(self._get("WEBHOOK_SECRET", None, djstripe=True))

    @property
    def webhook_validation(self) -> str | None:
        value: str | None = self._get("WEBHOOK_VALIDATION", VERIFY_SIGNATURE, djstripe=True)
        return value

    @property
    def webhook_tolerance(self) -> int:
        value: int = self._get("WEBHOOK_TOLERANCE", 300, djstripe=True)
        return value

    @property
    def webhook_event_callback(self) -> Callable[[Event], object] | None:
        value = self._get("WEBHOOK_EVENT_CALLBACK", None, djstripe=True)
        if value is None or callable(value):
            return value  # type: ignore[no-any-return]
        if isinstance(value, str):
            try:
                imported = import_string(value)
            except ImportError as exc:
                raise ImproperlyConfigured(
                    f"HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK: cannot import {value!r}: {exc}"
                ) from exc
            if callable(imported):
                return imported  # type: ignore[no-any-return]
        raise ImproperlyConfigured(
            "HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK must be a callable or a dotted path to one."
        )

    @property
    def stripe_api_key(self) -> str | None:
        value: str | None = self._get("STRIPE_API_KEY", None)
        return value

    @property
    def stripe_api_base(self) -> str | None:
        """Where ``retrieve_event`` reaches Stripe's API; None means api.stripe.com."""
        value: str | None = self._get("STRIPE_API_BASE", None)
        return value

    @property
    def max_body_size(self) -> int:
        value: int = self._get("MAX_BODY_SIZE", 2 * 1024 * 1024)
        return value

    @property
    def rejected_body_size(self) -> int:
        """Bytes of a rejected request's body kept, so a flood cannot fill the database."""
        value: int = self._get("REJECTED_BODY_SIZE", 4096)
        return value

    @property
    def trust_x_forwarded_for(self) -> bool:
        return bool(self._get("TRUST_X_FORWARDED_FOR", False))

    @property
    def failure_status(self) -> int:
        """HTTP status answered when a handler fails inline (5xx makes Stripe retry)."""
        value: int = self._get("FAILURE_STATUS", 500)
        return value

    @property
    def processing_lease(self) -> int:
        """Seconds an attempt may run before another may claim the event."""
        value: int = self._get("PROCESSING_LEASE", 600)
        return value

    @property
    def processing(self) -> str:
        """ "inline" (handlers run in the request) or "task" (a django.tasks queue runs them)."""
        value: str = self._get("PROCESSING", "inline")
        return value

    @property
    def retry_schedule(self) -> list[int]:
        """Seconds before each automatic retry of a failed event (task mode), then give up.

        Like Stripe's own retries: quick at first, then hours apart, about three days.
        """
        value: list[int] = self._get(
            "RETRY_SCHEDULE", [60, 300, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 86400]
        )
        return value

    @property
    def task_queue(self) -> str:
        value: str = self._get("TASK_QUEUE", "default")
        return value

    @property
    def retention(self) -> dict[str, str]:
        """prune's defaults: how long succeeded and failed events and rejections stay whole."""
        value: dict[str, str] = {
            "succeeded": "30d",
            "failed": "90d",
            "rejected": "7d",
            **self._get("RETENTION", {}),
        }
        return value

    @property
    def redacted_headers(self) -> frozenset[str]:
        extra = self._get("REDACTED_HEADERS", ())
        return REDACTED_HEADERS | {h.lower() for h in extra}

    @property
    def raw_endpoints(self) -> Mapping[str, Mapping[str, Any]]:
        value: Mapping[str, Mapping[str, Any]] = self._get("ENDPOINTS", {})
        return value

    def endpoint(self, name: str = DEFAULT_ENDPOINT) -> Endpoint | None:
        """The endpoint called ``name``, or None when there is no such endpoint."""
        if name == DEFAULT_ENDPOINT:
            return Endpoint(
                name=DEFAULT_ENDPOINT,
                secrets=self.webhook_secrets,
                validation=self.webhook_validation,
                tolerance=self.webhook_tolerance,
                api_key=self.stripe_api_key,
            )
        options = self.raw_endpoints.get(name)
        if options is None or not ENDPOINT_NAME_RE.match(name):
            return None
        return Endpoint(
            name=name,
            # Each Stripe endpoint has its own signing secret: never inherited.
            secrets=_secrets(options.get("secret")),
            validation=options.get("validation", self.webhook_validation),
            tolerance=options.get("tolerance", self.webhook_tolerance),
            api_key=options.get("api_key", self.stripe_api_key),
        )

    def endpoint_names(self) -> list[str]:
        return [DEFAULT_ENDPOINT, *self.raw_endpoints]


hookconsole_settings = Settings()
