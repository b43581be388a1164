"""Run the standalone site with demo handlers and send it a batch of signed demo events."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from hookconsole.sending import post, send_event, signature_header
from hookconsole.site.demo import demo_events

USERNAME = PASSWORD = "demo"


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the demo like Ctrl-C: the server goes too


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Command(BaseCommand):
    help = "Migrate, create the demo login, start the site and send it demo events."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Send the batch, then stop the server."
        )

    def handle(self, *args: Any, port: int, no_serve: bool, **options: Any) -> None:
        if _listening(port):
            raise CommandError(f"Port {port} is busy; stop what runs there or pass --port.")
        signal.signal(signal.SIGTERM, _interrupt)
        call_command("migrate", verbosity=0)
        self._demo_user()
        manage = Path(settings.BASE_DIR) / "manage.py"
        env = {**os.environ, "HOOKCONSOLE_DEMO": "1", "DEBUG": "1"}
        server = subprocess.Popen(
            [sys.executable, str(manage), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
        )
        try:
            self._wait_for(server, port)
            self._send_batch(f"http://127.0.0.1:{port}/webhooks/stripe/")
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nhookconsole is running: http://127.0.0.1:{port}/console/ (dashboard)"
                    f" and http://127.0.0.1:{port}/admin/hookconsole/event/ (admin)"
                    f"\nLog in as {USERNAME} / {PASSWORD}. Ctrl-C stops it.\n"
                )
            )
            if not no_serve:
                server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.terminate()
            server.wait(timeout=10)

    def _demo_user(self) -> None:
        user, _ = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()

    def _wait_for(self, server: subprocess.Popen[bytes], port: int) -> None:
        deadline = time.monotonic() + 30
        while not _listening(port):
            if server.poll() is not None:
                raise CommandError("The server stopped before it was ready.")
            if time.monotonic() > deadline:
                raise CommandError("The server did not start within 30 s.")
            time.sleep(0.1)

    def _send_batch(self, url: str) -> None:
        secret = settings.HOOKCONSOLE_WEBHOOK_SECRET[0]
        events = demo_events()
        batch: list[tuple[str, Any]] = [(e["type"], send_event(url, e, secret)) for e in events]
        batch.append(("redelivery of " + events[0]["type"], send_event(url, events[0], secret)))
        forged = json.dumps(events[2])
        headers = {"Stripe-Signature": signature_header(forged, "whsec_not_the_secret")}
        batch.append(("forged signature", post(url, forged, headers)))
        self.stdout.write("\nDemo deliveries:")
        for label, sent in batch:
            self.stdout.write(f"  {sent.status}  {label:38} {json.dumps(sent.answer)}")
