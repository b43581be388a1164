"""System checks: each misconfiguration has its own stable id."""

from __future__ import annotations

from typing import Any

import pytest

from hookconsole.checks import check_settings


def ids(**kwargs: Any) -> list[str]:
    return [message.id for message in check_settings()]


def test_the_test_settings_pass() -> None:
    assert ids() == []


def test_missing_secret(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_SECRET = ""
    assert ids() == ["hookconsole.E001"]


def test_unknown_validation(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = "verify"
    assert ids() == ["hookconsole.E002"]


def test_bad_callback_path(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK = "no.such.module.function"
    assert ids() == ["hookconsole.E003"]


def test_retrieve_event_without_api_key(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = "retrieve_event"
    assert ids() == ["hookconsole.E004"]


@pytest.mark.parametrize(
    "endpoints",
    [["connect"], {"bad name!": {}}, {"default": {}}, {"connect": {"secrett": "x"}}],
)
def test_malformed_endpoints(settings: Any, endpoints: Any) -> None:
    settings.HOOKCONSOLE_ENDPOINTS = endpoints
    assert set(ids()) == {"hookconsole.E005"}


def test_named_endpoint_without_secret(settings: Any) -> None:
    settings.HOOKCONSOLE_ENDPOINTS = {"connect": {"tolerance": 60}}
    messages = check_settings()
    assert [m.id for m in messages] == ["hookconsole.E001"]
    assert "connect" in messages[0].msg


def test_negative_tolerance(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_TOLERANCE = -5
    assert ids() == ["hookconsole.E006"]


def test_secret_of_the_wrong_type(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_SECRET = {"not": "a list"}
    assert ids() == ["hookconsole.E007"]


def test_disabled_validation_warns(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = None
    assert ids() == ["hookconsole.W001"]


def test_sqlite_without_immediate_transactions_warns(settings: Any) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite-only check; this run is on " + connection.vendor)
    options = connection.settings_dict["OPTIONS"]
    saved = options.pop("transaction_mode")
    try:
        assert ids() == ["hookconsole.W002"]
    finally:
        options["transaction_mode"] = saved


@pytest.mark.parametrize(
    ("app", "check_id"),
    [("import_export", "hookconsole.E008"), ("django_htmx", "hookconsole.E009")],
)
def test_required_apps(settings: Any, app: str, check_id: str) -> None:
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != app]
    assert ids() == [check_id]


def test_missing_csp_middleware_warns(settings: Any) -> None:
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("csp.ContentSecurityPolicyMiddleware")
    ]
    assert ids() == ["hookconsole.W003"]


def test_bad_retention(settings: Any) -> None:
    settings.HOOKCONSOLE_RETENTION = {"failed": "a while"}
    assert ids() == ["hookconsole.E010"]
