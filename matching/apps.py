from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "プロフィール照合"
    # Whether the listing fits the visitor's profile, at the top of the detail page (subsidies/hooks.py).
    subsidy_sections = {"detail:top": ["matching/_detail_section.html"]}
