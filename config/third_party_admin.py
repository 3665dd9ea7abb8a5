"""The third-party apps' admin pages, with Japanese names for the columns their packages did not mark for
translation. Registered from ``config.apps`` after the admin's autodiscovery has registered the packages' own."""

from django.contrib import admin


def _replace(model, model_admin) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)


def register_axes() -> None:
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt

    class LoginAttemptAdmin(AccessAttemptAdmin):
        @admin.display(description="状態")
        def status(self, obj):
            return super().status(obj)

    _replace(AccessAttempt, LoginAttemptAdmin)


def register_tasks() -> None:
    from django_tasks_db.admin import DBTaskResultAdmin
    from django_tasks_db.models import DBTaskResult

    class TaskResultAdmin(DBTaskResultAdmin):
        list_display = tuple(
            {"id": "task_id", "task_name": "task_label"}.get(name, name)
            for name in DBTaskResultAdmin.list_display
        )

        def get_readonly_fields(self, request, obj=None):
            return ["task_id" if name == "id" else name for name in super().get_readonly_fields(request, obj)]

        @admin.display(description="ID", ordering="id")
        def task_id(self, obj: DBTaskResult):
            return obj.id

        @admin.display(description="タスク名")
        def task_label(self, obj: DBTaskResult) -> str:
            return obj.task_name

        @admin.display(description="トレースバック")
        def formatted_traceback(self, obj: DBTaskResult) -> str:
            return super().formatted_traceback(obj)

        @admin.display(description="実行開始の予定日時")
        def display_run_after(self, obj: DBTaskResult):
            return super().display_run_after(obj)

    _replace(DBTaskResult, TaskResultAdmin)
