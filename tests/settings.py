"""Test settings: the standalone site plus a test app whose handlers tests switch on."""

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
