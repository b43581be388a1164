"""The standalone site as deployed, plus the test app's handlers (one small write)."""

from hookconsole.site.settings import *  # noqa: F403
from hookconsole.site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
ROOT_URLCONF = "tests.benchmarks.site_urls"
