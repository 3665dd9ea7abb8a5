from django.apps import AppConfig
from django.core.checks import register


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = "補助金"

    def ready(self):
        from . import checks, signals

        register(checks.site_url_check)
        register(checks.sections_check, "templates")
        signals.connect()
