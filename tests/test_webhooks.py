"""The registry: prefixes by dot segment, order, discovery, what a type reaches."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from hookconsole.webhooks import Registry


def names(registry: Registry, event_type: str) -> list[str]:
    return [h.func.__name__ for h in registry.handlers_for(event_type)]


def test_order_is_catch_all_then_least_to_most_specific() -> None:
    registry = Registry()

    @registry.handler("customer.subscription.deleted")
    def exact(event: Any, **kwargs: Any) -> None: ...

    @registry.handler("customer")
    def broad(event: Any, **kwargs: Any) -> None: ...

    @registry.handler_all
    def everything(event: Any, **kwargs: Any) -> None: ...

    @registry.handler("customer.subscription")
    def middle(event: Any, **kwargs: Any) -> None: ...

    @registry.handler("customer")
    def broad_second(event: Any, **kwargs: Any) -> None: ...

    assert names(registry, "customer.subscription.deleted") == [
        "everything",
        "broad",
        "broad_second",
        "middle",
        "exact",
    ]
    assert names(registry, "customer.created") == ["everything", "broad", "broad_second"]


def test_prefix_matches_whole_segments_only() -> None:
    registry = Registry()

    @registry.handler("customer")
    def on_customer(event: Any, **kwargs: Any) -> None: ...

    assert names(registry, "customer") == ["on_customer"]
    assert names(registry, "customer.created") == ["on_customer"]
    assert names(registry, "customerx.created") == []
    assert names(registry, "custom.created") == []


def test_one_function_for_several_types() -> None:
    registry = Registry()

    @registry.handler("price", "product")
    def both(event: Any, **kwargs: Any) -> None: ...

    assert names(registry, "price.created") == ["both"]
    assert names(registry, "product.deleted") == ["both"]
    assert names(registry, "plan.created") == []


def test_registering_the_same_function_twice_runs_it_once() -> None:
    registry = Registry()

    def handler(event: Any, **kwargs: Any) -> None: ...

    registry.handler("a")(handler)
    registry.handler("a")(handler)
    assert names(registry, "a.b") == ["handler"]


def test_handler_needs_a_type() -> None:
    with pytest.raises(TypeError):
        Registry().handler()
    with pytest.raises(TypeError):
        Registry().handler("")


def test_handlers_are_called_with_the_event_keyword() -> None:
    registry = Registry()
    received: list[Any] = []

    @registry.handler("a")
    def handler(event: Any, **kwargs: Any) -> None:
        received.append(event)

    registry.handlers_for("a.b")[0]("the event")  # type: ignore[arg-type]
    assert received == ["the event"]


def test_webhooks_modules_of_installed_apps_are_discovered() -> None:
    # A fresh process: django.setup() alone must register the test app's handlers.
    script = (
        "import django; django.setup();"
        "from hookconsole.webhooks import registry;"
        "print([h.name for h in registry.handlers_for('hookconsole_test.fragile')])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == str(
        ["tests.testapp.webhooks.write_row", "tests.testapp.webhooks.fragile"]
    )


def test_patterns_lists_what_is_registered() -> None:
    registry = Registry()

    @registry.handler_all
    def everything(event: Any, **kwargs: Any) -> None: ...

    @registry.handler("invoice.paid")
    def paid(event: Any, **kwargs: Any) -> None: ...

    assert list(registry.patterns()) == ["*", "invoice.paid"]


def test_isolated_restores_registrations() -> None:
    registry = Registry()

    @registry.handler("a")
    def kept(event: Any, **kwargs: Any) -> None: ...

    with registry.isolated():

        @registry.handler("a")
        def temporary(event: Any, **kwargs: Any) -> None: ...

        assert names(registry, "a") == ["kept", "temporary"]
    assert names(registry, "a") == ["kept"]
