from django.apps import AppConfig
from django.core import checks
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class HookconsoleConfig(AppConfig):
    name = "hookconsole"
    verbose_name = _("Stripe webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hookconsole.checks import check_settings

        checks.register(check_settings, checks.Tags.security)
        # Handlers live in each app's webhooks.py; importing them here means no
        # project has to remember to import them itself.
        autodiscover_modules("webhooks")
