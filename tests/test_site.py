"""The standalone site: settings from the environment, templates, and the demo run command."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parent.parent


def settings_in(env: dict[str, str], expression: str) -> Any:
    """Evaluate ``expression`` on hookconsole.site.settings imported under ``env``."""
    script = f"import json, hookconsole.site.settings as s; print(json.dumps({expression}))"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_by_default_in_wal_with_immediate_transactions() -> None:
    db = settings_in({"DEBUG": "1"}, "s.DATABASES['default']")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def test_database_url_and_secrets_from_the_environment() -> None:
    env = {
        "DJANGO_SECRET_KEY": "k",
        "DATABASE_URL": "postgres://u@db.example:5433/hooks",
        "STRIPE_WEBHOOK_SECRET": "whsec_a,whsec_b",
    }
    db, secrets = settings_in(env, "[s.DATABASES['default'], s.HOOKCONSOLE_WEBHOOK_SECRET]")
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql",
        "db.example",
        5433,
        "hooks",
    )
    assert secrets == ["whsec_a", "whsec_b"]


def test_production_needs_a_secret_key() -> None:
    script = "import hookconsole.site.settings"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DEBUG"}}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, cwd=ROOT)
    assert result.returncode != 0
    assert b"DJANGO_SECRET_KEY" in result.stderr


def test_templates_and_static_files_are_found_in_the_checkout() -> None:
    html = render_to_string("hookconsole/base.html")
    assert "hookconsole/hookconsole.css" in html
    assert finders.find("hookconsole/hookconsole.css")


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    call_command("makemigrations", "hookconsole", "--check", "--dry-run", verbosity=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_demo_run_command_populates_the_console(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"DEBUG": "1", "SQLITE_PATH": str(database)})
    command = [sys.executable, "manage.py", "demo", "--no-serve", "--port", str(free_port())]
    for _ in range(2):  # re-running works
        result = subprocess.run(
            command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert "Log in as demo / demo" in result.stdout
    db = sqlite3.connect(database)
    statuses = dict(
        db.execute("SELECT status, count(*) FROM hookconsole_event GROUP BY status").fetchall()
    )
    # Per run: four handled, one failing on purpose, one unhandled.
    assert statuses == {"succeeded": 8, "failed": 2, "skipped": 2}
    reasons = db.execute(
        "SELECT reason, count(*) FROM hookconsole_delivery WHERE validation='rejected'"
        " GROUP BY reason"
    ).fetchall()
    assert reasons == [("bad_signature", 2)]
    assert db.execute("SELECT count(*) FROM hookconsole_delivery WHERE duplicate").fetchone() == (
        2,
    )
    traceback = db.execute(
        "SELECT traceback FROM hookconsole_attempt WHERE outcome='failed'"
    ).fetchone()[0]
    assert "KeyError: 'customer_details'" in traceback
