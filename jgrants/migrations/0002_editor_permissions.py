"""The 編集者 group imports files and reviews the changes an import leaves (see subsidies 0002)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = (
    "view_importrun",
    "add_importrun",
    "view_pendingchange",
    "change_pendingchange",
    "view_importedattachment",
)


def editors_import(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    app_config = apps.get_app_config("jgrants")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    create_permissions(app_config, apps=apps, verbosity=0, using=db_alias)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db_alias).filter(content_type__app_label="jgrants", codename__in=CODENAMES)
    for group in Group.objects.using(db_alias).filter(name="編集者"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("jgrants", "0001_initial"), ("subsidies", "0002_editor_group")]

    operations = [migrations.RunPython(editors_import, migrations.RunPython.noop)]
