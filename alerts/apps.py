from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "メール通知"

    def ready(self):
        from subsidies import slots

        # The two subscribe forms, placed by subsidies' own pages (subsidies/slots.py).
        slots.register("listing", "alerts/_listing_subscribe.html")
        slots.register("detail", "alerts/_detail_subscribe.html")
