"""send: sign an event with stripe-python and POST it to a running endpoint."""

from __future__ import annotations

import argparse
import json
import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from hookconsole.conf import DEFAULT_ENDPOINT, hookconsole_settings
from hookconsole.samples import COMMON_TYPES, sample_event
from hookconsole.sending import send_event


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "event", help=f"a type ({', '.join(COMMON_TYPES[:3])}, ...) or a JSON file"
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the site's base URL")
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help="a named endpoint")
    parser.add_argument("--secret", help="signing secret (default: the endpoint's first)")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument(
        "--override",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a field, dotted (data.object.amount=500); JSON values allowed",
    )
    parser.add_argument("--resend", action="store_true", help="keep the event's id")


def _override(event: dict[str, Any], assignment: str) -> None:
    key, sep, raw = assignment.partition("=")
    if not sep or not key:
        raise CommandError(f"--override {assignment!r}: use KEY=VALUE", returncode=2)
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    *path, last = key.split(".")
    target = event
    for part in path:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise CommandError(f"--override {key}: {part} is not an object", returncode=2)
    target[last] = value


def _event(spec: str) -> dict[str, Any]:
    path = Path(spec)
    if path.suffix == ".json" or path.exists():
        try:
            event = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{spec}: {exc}", returncode=2) from None
        if not isinstance(event, dict):
            raise CommandError(f"{spec}: not a JSON object", returncode=2)
        return event
    return sample_event(spec)


def run(command: Any, options: dict[str, Any]) -> int:
    endpoint = hookconsole_settings.endpoint(options["endpoint"])
    secret = options["secret"] or (endpoint.secrets[0] if endpoint and endpoint.secrets else None)
    if not secret:
        raise CommandError("No secret: pass --secret or configure the endpoint.", returncode=2)
    path = "/webhooks/stripe/" + (
        "" if options["endpoint"] == DEFAULT_ENDPOINT else f"{options['endpoint']}/"
    )
    url = options["url"].rstrip("/") + path
    template = _event(options["event"])
    for assignment in options["override"]:
        _override(template, assignment)
    worst = 0
    for _ in range(options["count"]):
        event = dict(template)
        if not options["resend"]:
            event["id"] = f"evt_{secrets.token_hex(12)}"
        try:
            sent = send_event(url, event, secret)
        except OSError as exc:
            raise CommandError(f"{url}: {exc}") from None
        command.stdout.write(f"{sent.status} {json.dumps(sent.answer)}")
        worst = max(worst, 0 if sent.status < 400 else 1)
    return worst
