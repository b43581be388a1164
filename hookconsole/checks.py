"""System checks on hookconsole's settings. Ids are stable; never reuse one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router

from hookconsole.conf import (
    DEFAULT_ENDPOINT,
    ENDPOINT_KEYS,
    ENDPOINT_NAME_RE,
    RETRIEVE_EVENT,
    VALIDATION_METHODS,
    VERIFY_SIGNATURE,
    hookconsole_settings,
)

CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"


def _check_endpoints(raw: object) -> list[checks.CheckMessage]:
    if not isinstance(raw, Mapping):
        return [checks.Error("HOOKCONSOLE_ENDPOINTS must be a dict.", id="hookconsole.E005")]
    errors: list[checks.CheckMessage] = []
    for name, options in raw.items():
        if not isinstance(name, str) or not ENDPOINT_NAME_RE.match(name) or name == "default":
            errors.append(
                checks.Error(
                    f"HOOKCONSOLE_ENDPOINTS: {name!r} is not a valid endpoint name.",
                    hint="Use 1-64 letters, digits, '-' or '_'; 'default' is reserved.",
                    id="hookconsole.E005",
                )
            )
        elif not isinstance(options, Mapping) or set(options) - ENDPOINT_KEYS:
            errors.append(
                checks.Error(
                    f"HOOKCONSOLE_ENDPOINTS[{name!r}] must be a dict with keys among "
                    f"{sorted(ENDPOINT_KEYS)}.",
                    id="hookconsole.E005",
                )
            )
    return errors


def _check_endpoint(name: str) -> list[checks.CheckMessage]:
    try:
        endpoint = hookconsole_settings.endpoint(name)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="hookconsole.E007")]
    if endpoint is None:
        return []
    where = "" if name == DEFAULT_ENDPOINT else f" (endpoint {name!r})"
    if endpoint.validation not in VALIDATION_METHODS:
        return [
            checks.Error(
                f"Webhook validation{where} is {endpoint.validation!r}.",
                hint=f"Use one of {VALIDATION_METHODS}.",
                id="hookconsole.E002",
            )
        ]
    errors: list[checks.CheckMessage] = []
    if endpoint.validation == VERIFY_SIGNATURE and not endpoint.secrets:
        errors.append(
            checks.Error(
                f"No webhook signing secret{where}: every delivery will be rejected.",
                hint="Set HOOKCONSOLE_WEBHOOK_SECRET (the endpoint's whsec_... secret).",
                id="hookconsole.E001",
            )
        )
    if endpoint.validation == RETRIEVE_EVENT and not endpoint.api_key:
        errors.append(
            checks.Error(
                f"Webhook validation{where} is 'retrieve_event' but no API key is set.",
                hint="Set HOOKCONSOLE_STRIPE_API_KEY.",
                id="hookconsole.E004",
            )
        )
    if endpoint.validation is None:
        errors.append(
            checks.Warning(
                f"Webhook validation is disabled{where}: anyone can post events.",
                hint="Use 'verify_signature' outside local development.",
                id="hookconsole.W001",
            )
        )
    if not isinstance(endpoint.tolerance, int) or endpoint.tolerance < 0:
        errors.append(
            checks.Error(
                f"Webhook tolerance{where} must be a number of seconds >= 0.",
                id="hookconsole.E006",
            )
        )
    return errors


def _check_retention() -> list[checks.CheckMessage]:
    from hookconsole.retention import duration

    errors: list[checks.CheckMessage] = []
    for key, value in hookconsole_settings.retention.items():
        try:
            duration(str(value))
        except ValueError:
            errors.append(
                checks.Error(
                    f"HOOKCONSOLE_RETENTION[{key!r}] is {value!r}.",
                    hint="Use a duration such as 30d, 12h or 2w.",
                    id="hookconsole.E010",
                )
            )
    return errors


def _check_sqlite() -> list[checks.CheckMessage]:
    from hookconsole.models import Event

    database = connections[router.db_for_write(Event)]
    if database.vendor != "sqlite":
        return []
    if str(database.settings_dict.get("OPTIONS", {}).get("transaction_mode", "")).upper() == (
        "IMMEDIATE"
    ):
        return []
    return [
        checks.Warning(
            "SQLite without IMMEDIATE transactions: concurrent deliveries can fail with "
            "'database is locked' instead of waiting their turn.",
            hint='Add "transaction_mode": "IMMEDIATE" to the database OPTIONS.',
            id="hookconsole.W002",
        )
    ]


def _check_installation() -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    for app, needed_by, check_id in [
        ("import_export", "the admin's exports", "hookconsole.E008"),
        ("django_htmx", "the dashboard's htmx script", "hookconsole.E009"),
    ]:
        if not apps.is_installed(app):
            messages.append(
                checks.Error(
                    f"{needed_by.capitalize()} need {app}.",
                    hint=f'Add "{app}" to INSTALLED_APPS.',
                    id=check_id,
                )
            )
    if CSP_MIDDLEWARE not in django_settings.MIDDLEWARE:
        messages.append(
            checks.Warning(
                "The dashboard's pages go out without their Content-Security-Policy.",
                hint=f'Add "{CSP_MIDDLEWARE}" to MIDDLEWARE.',
                id="hookconsole.W003",
            )
        )
    return messages


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    installation = _check_installation()
    if any(m.is_serious() for m in installation):
        return installation
    errors = installation + _check_endpoints(hookconsole_settings.raw_endpoints)
    if errors:
        return errors
    for name in hookconsole_settings.endpoint_names():
        errors += _check_endpoint(name)
    try:
        hookconsole_settings.webhook_event_callback  # noqa: B018 (imports the path)
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="hookconsole.E003"))
    return errors + _check_retention() + _check_sqlite()
