"""Settings of the standalone site, read from the environment.

DATABASE_URL          default: a SQLite file (WAL, IMMEDIATE transactions, busy timeout)
STRIPE_WEBHOOK_SECRET the endpoint's signing secret(s), comma-separated during rotation
DJANGO_SECRET_KEY     required unless DEBUG
DEBUG                 "1"/"true" for local development
HOOKCONSOLE_DEMO      "1" registers the demo handlers (the run command sets it)
HOOKCONSOLE_PROCESSING "inline" (default) or "task"
HOOKCONSOLE_QUEUE     the task queue: "db" (django-tasks-db, run `manage.py db_worker`)
                      or "rq" (django-tasks-rq on REDIS_URL, run `manage.py rqworker`)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEBUG = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}
DEMO = os.environ.get("HOOKCONSOLE_DEMO", "") == "1"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or (
    ["127.0.0.1", "localhost", "[::1]"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "django_htmx",
    "hookconsole",
    "hookconsole.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Applies the dashboard's strict policy (hookconsole.console.access.POLICY).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hookconsole.site.urls"
WSGI_APPLICATION = "hookconsole.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # In a checkout the templates sit at the top level; in a wheel they are
        # inside the package and APP_DIRS finds them.
        "DIRS": [BASE_DIR / "templates"] if (BASE_DIR / "templates").is_dir() else [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str | None) -> dict[str, Any]:
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        # Kept open between requests: opening the file and its PRAGMAs cost as much
        # as storing a delivery.
        "CONN_MAX_AGE": 600,
        "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {
            # Writers queue on the lock instead of failing; WAL lets readers
            # (the console) read while the endpoint writes.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []

HOOKCONSOLE_WEBHOOK_SECRET = [
    s for s in os.environ.get("STRIPE_WEBHOOK_SECRET", "").split(",") if s.strip()
] or (["whsec_local_demo_secret"] if (DEBUG or DEMO) else [])

HOOKCONSOLE_PROCESSING = os.environ.get("HOOKCONSOLE_PROCESSING", "inline")
QUEUE = os.environ.get("HOOKCONSOLE_QUEUE", "")
if QUEUE == "db":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif QUEUE == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif QUEUE:
    raise ImproperlyConfigured(f"HOOKCONSOLE_QUEUE is {QUEUE!r}; use 'db' or 'rq'.")

# Exports need their own permission (export_event, export_delivery, export_attempt).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Not IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT: it strips a leading "=" from every
# format, JSON included. hookconsole's CSV and XLSX formats escape formulas always.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"hookconsole": {"handlers": ["console"], "level": "INFO"}},
}
