from django.apps import AppConfig
from django.conf import settings


class SiteConfig(AppConfig):
    name = "hookconsole.site"
    label = "hookconsole_site"
    verbose_name = "hookconsole site"

    def ready(self) -> None:
        # Demo handlers exist for the run command's demo only, never by default.
        if getattr(settings, "DEMO", False):
            from hookconsole.site.demo import register_demo_handlers

            register_demo_handlers()
