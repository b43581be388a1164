"""Test settings: the standalone site plus a test app whose handlers tests switch on."""

import importlib.util
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key")

from hookconsole.site.settings import *  # noqa: F403
from hookconsole.site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
DEBUG = False
DEMO = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HOOKCONSOLE_WEBHOOK_SECRET = "whsec_test_secret"
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The real queue's tables, for the worker tests; a worker process started by a
# test sets HOOKCONSOLE_TEST_TASKS=db to use it.
if importlib.util.find_spec("django_tasks_db"):
    INSTALLED_APPS.append("django_tasks_db")
if importlib.util.find_spec("django_rq"):
    INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {
    "default": {"URL": os.environ.get("HOOKCONSOLE_TEST_REDIS", "redis://127.0.0.1:6379/15")}
}
if os.environ.get("HOOKCONSOLE_TEST_TASKS") == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    HOOKCONSOLE_RETRY_SCHEDULE = [1, 1, 1]
    HOOKCONSOLE_PROCESSING_LEASE = int(os.environ.get("HOOKCONSOLE_TEST_LEASE", "600"))
if os.environ.get("HOOKCONSOLE_TEST_TASKS") == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    HOOKCONSOLE_RETRY_SCHEDULE = [1, 1, 1]
