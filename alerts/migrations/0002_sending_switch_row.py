from django.db import migrations


def create_switch(apps, schema_editor):
    apps.get_model("alerts", "SendingSwitch").objects.get_or_create(pk=1, defaults={"paused": False})


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(create_switch, migrations.RunPython.noop)]
