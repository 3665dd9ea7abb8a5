from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "メール通知"
    # The two subscribe forms, placed by subsidies' own pages (subsidies/hooks.py). The detail page is cached
    # whole for every visitor, so its form holds nothing per visitor (no CSRF token; see alerts/README.md).
    subsidy_sections = {
        "listing:results": ["alerts/_listing_subscribe.html"],
        "detail:end": ["alerts/_detail_subscribe.html"],
    }
