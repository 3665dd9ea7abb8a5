from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "assistant"
    verbose_name = "質問ボックス"
    # The question box, last on the detail page (subsidies/hooks.py).
    subsidy_sections = {"detail:end": ["assistant/_detail_section.html"]}
