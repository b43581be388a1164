"""Settings are read on access, with dj-stripe's names as fallbacks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from hookconsole.conf import hookconsole_settings as conf


def test_defaults(settings: Any) -> None:
    del settings.HOOKCONSOLE_WEBHOOK_SECRET
    assert conf.webhook_secrets == ()
    assert conf.webhook_validation == "verify_signature"
    assert conf.webhook_tolerance == 300
    assert conf.webhook_event_callback is None
    assert conf.max_body_size == 2 * 1024 * 1024
    assert conf.failure_status == 500
    assert conf.trust_x_forwarded_for is False


def test_secret_string_or_list(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_SECRET = "whsec_a"
    assert conf.webhook_secrets == ("whsec_a",)
    settings.HOOKCONSOLE_WEBHOOK_SECRET = ["whsec_a", " whsec_b ", ""]
    assert conf.webhook_secrets == ("whsec_a", "whsec_b")
    settings.HOOKCONSOLE_WEBHOOK_SECRET = 42
    with pytest.raises(ImproperlyConfigured):
        conf.webhook_secrets  # noqa: B018


def test_hookconsole_names_win_over_djstripe(settings: Any) -> None:
    settings.DJSTRIPE_WEBHOOK_VALIDATION = "retrieve_event"
    settings.HOOKCONSOLE_WEBHOOK_VALIDATION = None
    assert conf.webhook_validation is None
    del settings.HOOKCONSOLE_WEBHOOK_VALIDATION
    assert conf.webhook_validation == "retrieve_event"


def handle_later(event: Any) -> None:
    pass


def test_callback_from_dotted_path(settings: Any) -> None:
    settings.DJSTRIPE_WEBHOOK_EVENT_CALLBACK = "tests.test_conf.handle_later"
    assert conf.webhook_event_callback is handle_later
    settings.HOOKCONSOLE_WEBHOOK_EVENT_CALLBACK = "tests.test_conf.missing"
    with pytest.raises(ImproperlyConfigured, match="cannot import"):
        conf.webhook_event_callback  # noqa: B018


def test_named_endpoints_inherit_all_but_the_secret(settings: Any) -> None:
    settings.HOOKCONSOLE_WEBHOOK_TOLERANCE = 120
    settings.HOOKCONSOLE_ENDPOINTS = {"connect": {"secret": ["whsec_c1", "whsec_c2"]}}
    endpoint = conf.endpoint("connect")
    assert endpoint is not None
    assert endpoint.secrets == ("whsec_c1", "whsec_c2")
    assert (endpoint.tolerance, endpoint.validation) == (120, "verify_signature")
    assert conf.endpoint("other") is None
    assert conf.endpoint_names() == ["default", "connect"]
