"""Third-party apps under Japanese names for staff.

django-axes and django-tasks-db ship no Japanese. Their model and field names are marked for translation, so
the project's catalog (``locale/ja``) translates them; what they did not mark (the apps' names, a few admin
columns) is named here. ``INSTALLED_APPS`` lists these configs instead of the packages' own.
"""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "ログイン制限"

    def ready(self):
        super().ready()
        from . import third_party_admin

        third_party_admin.register_axes()


class TasksConfig(TasksAppConfig):
    verbose_name = "バックグラウンド処理"

    def ready(self):
        super().ready()
        from . import third_party_admin

        third_party_admin.register_tasks()
