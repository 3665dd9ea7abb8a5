"""The 編集者 (editor) group: what a staff member needs to maintain listings, and no more.

Editors add, change and view listings, their parts and the vocabularies. They may delete a listing's parts
(an expense line, a FAQ) but not a listing: listings are unpublished, not deleted. Nothing on users or groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "編集者"

LISTING = ["subsidy"]
PARTS = ["eligibilityrequirement", "subsidyexpense", "requireddocument", "applicationstep", "faq"]
VOCABULARIES = ["region", "organization", "purpose", "industry", "targettype", "expensecategory"]


def editor_codenames() -> set[str]:
    codenames = {
        f"{action}_{model}" for model in LISTING + PARTS + VOCABULARIES for action in ("add", "change", "view")
    }
    return codenames | {f"delete_{model}" for model in PARTS}


def create_editor_group(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    # post_migrate (which normally creates permissions) has not run yet on a fresh database.
    # Restore the previous value after: called with the global registry (as a test does), leaving None
    # behind would hide the app's models from dumpdata and others for the rest of the process.
    app_config = apps.get_app_config("subsidies")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    create_permissions(app_config, apps=apps, verbosity=0, using=db_alias)
    app_config.models_module = previous

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = editor_codenames()
    permissions = list(
        Permission.objects.using(db_alias).filter(content_type__app_label="subsidies", codename__in=wanted)
    )
    missing = wanted - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the {GROUP_NAME} group: {sorted(missing)}")
    group, _ = Group.objects.using(db_alias).get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def delete_editor_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_editor_group, delete_editor_group),
    ]
