from django.apps import AppConfig


class JgrantsConfig(AppConfig):
    name = "jgrants"
    verbose_name = "Jグランツ取り込み"
