import uuid

from django.db import migrations, models


def create_token(apps, schema_editor):
    ContentVersion = apps.get_model("subsidies", "ContentVersion")
    ContentVersion.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):

    dependencies = [
        ("subsidies", "0003_search_entry"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32, verbose_name="トークン")),
            ],
            options={
                "verbose_name": "掲載内容のバージョン",
                "verbose_name_plural": "掲載内容のバージョン",
            },
        ),
        migrations.RunPython(create_token, migrations.RunPython.noop),
    ]
