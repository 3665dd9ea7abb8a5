"""The one shared requirement every install needs: jGrants applications require a GビズIDプライム account."""

from django.db import migrations

GBIZID = {
    "text": "GビズIDプライムを取得している（取得に2〜3週間）",
    "detail": "jGrants（電子申請システム）での申請に必要なアカウントです。発行まで2〜3週間かかることがあるため、早めに申請してください。",
    "group": "documents",
    "required": True,
    "official_url_contains": "jgrants-portal.go.jp",
}


def add_gbizid(apps, schema_editor):
    SharedRequirement = apps.get_model("checklists", "SharedRequirement")
    SharedRequirement.objects.get_or_create(
        official_url_contains=GBIZID["official_url_contains"], text=GBIZID["text"], defaults=GBIZID
    )


def remove_gbizid(apps, schema_editor):
    SharedRequirement = apps.get_model("checklists", "SharedRequirement")
    SharedRequirement.objects.filter(
        official_url_contains=GBIZID["official_url_contains"], text=GBIZID["text"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("checklists", "0001_shared_requirement")]

    operations = [migrations.RunPython(add_gbizid, remove_gbizid)]
