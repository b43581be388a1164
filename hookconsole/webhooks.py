"""The handler registry, with dj-stripe's decorator API.

    from hookconsole import webhooks

    @webhooks.handler("customer")            # customer.created, customer.subscription.deleted, ...
    def on_customer(event, **kwargs): ...

A type registers an exact type or a dot-segment prefix of one: ``"customer"``
matches ``customer.created`` but never ``customerx.created``. For one event the
catch-all handlers run first, then handlers from the least to the most specific
prefix, in registration order within each. ``webhooks.py`` modules of installed
apps are imported at start-up (see ``apps.py``), so handlers placed there are
registered without any import trick.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from hookconsole.models import Event

__all__ = ["Handler", "Registry", "handler", "handler_all", "registry"]

HandlerFunc = Callable[..., Any]
F = TypeVar("F", bound=HandlerFunc)


@dataclass(frozen=True, slots=True)
class Handler:
    func: HandlerFunc
    # The registered type or prefix; "*" for a catch-all.
    pattern: str
    # Templates read a handler's name; they must not call it.
    do_not_call_in_templates = True

    @property
    def name(self) -> str:
        module = getattr(self.func, "__module__", "?")
        qualname = getattr(self.func, "__qualname__", repr(self.func))
        return f"{module}.{qualname}"

    def __call__(self, event: Event) -> Any:
        return self.func(event=event)


def _prefixes(event_type: str) -> Iterator[str]:
    """'a.b.c' -> 'a', 'a.b', 'a.b.c': least to most specific."""
    parts = event_type.split(".")
    for end in range(1, len(parts) + 1):
        yield ".".join(parts[:end])


class Registry:
    def __init__(self) -> None:
        self._by_pattern: defaultdict[str, list[Handler]] = defaultdict(list)
        self._catch_all: list[Handler] = []

    def _add(self, bucket: list[Handler], entry: Handler) -> None:
        # Registering one function twice for one pattern runs it once. Two
        # functions with one name (the seed's examples all say my_handler) are two handlers.
        if not any(h.func is entry.func for h in bucket):
            bucket.append(entry)

    def handler(self, *event_types: str) -> Callable[[F], F]:
        if not event_types or not all(isinstance(t, str) and t for t in event_types):
            raise TypeError("webhooks.handler() takes one or more event types or prefixes.")

        def decorator(func: F) -> F:
            for event_type in event_types:
                pattern = event_type.strip(".")
                self._add(self._by_pattern[pattern], Handler(func, pattern))
            return func

        return decorator

    def handler_all(self, func: F) -> F:
        self._add(self._catch_all, Handler(func, "*"))
        return func

    def handlers_for(self, event_type: str) -> list[Handler]:
        """The handlers an event of this type reaches, in the order they run."""
        found = list(self._catch_all)
        for prefix in _prefixes(event_type):
            found.extend(self._by_pattern.get(prefix, ()))
        return found

    def patterns(self) -> dict[str, list[str]]:
        """Every registered pattern and its handlers' names, for display."""
        table = {p: [h.name for h in hs] for p, hs in sorted(self._by_pattern.items()) if hs}
        if self._catch_all:
            table = {"*": [h.name for h in self._catch_all], **table}
        return table

    def clear(self) -> None:
        self._by_pattern.clear()
        self._catch_all.clear()

    @contextmanager
    def isolated(self) -> Iterator[Registry]:
        """Register handlers for a while (a test), then restore the previous set."""
        saved = ({p: list(hs) for p, hs in self._by_pattern.items()}, list(self._catch_all))
        try:
            yield self
        finally:
            self._by_pattern = defaultdict(list, saved[0])
            self._catch_all = saved[1]


registry = Registry()
handler = registry.handler
handler_all = registry.handler_all
