from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "申請前チェックリスト"
    # The checklist section of the detail page, after the article, and a link to it among the summary's actions
    # (subsidies/hooks.py).
    subsidy_sections = {
        "detail:actions": ["checklists/_detail_action.html"],
        "detail:after-article": ["checklists/_detail_section.html"],
    }

    def ready(self):
        from subsidies import versioning

        from .models import SharedRequirement

        # The detail page's checklist section is cached under the content version (subsidies.versioning).
        post_save.connect(versioning.changed, sender=SharedRequirement, dispatch_uid="version-save-shared")
        post_delete.connect(
            versioning.changed, sender=SharedRequirement, dispatch_uid="version-delete-shared"
        )
        m2m_changed.connect(
            versioning.links_changed,
            sender=SharedRequirement.subsidies.through,
            dispatch_uid="version-shared",
        )
