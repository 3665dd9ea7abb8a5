from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = "補助金"

    def ready(self):
        from subsidies import signals  # noqa: F401  (connects the search-index receivers)
