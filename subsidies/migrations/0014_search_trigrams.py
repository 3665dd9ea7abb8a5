"""The search grams gain trigrams (subsidies/search.py): every stored entry's grams are computed again from its
stored normalised text. The function is copied here, as this migration's own, so that a later change of
``search.grams`` does not change what this step did."""

from django.db import migrations


def grams(normalized):
    found = set()
    for run in normalized.split():
        for size in (1, 2, 3):
            found.update(run[i : i + size] for i in range(len(run) - size + 1))
    return sorted(found)


def add_trigrams(apps, schema_editor):
    SearchEntry = apps.get_model("subsidies", "SearchEntry")
    batch = []
    for entry in SearchEntry.objects.only("pk", "text").iterator(chunk_size=500):
        entry.grams = grams(entry.text)
        batch.append(entry)
        if len(batch) == 500:
            SearchEntry.objects.bulk_update(batch, ["grams"])
            batch = []
    if batch:
        SearchEntry.objects.bulk_update(batch, ["grams"])


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0013_roundups_index")]

    operations = [migrations.RunPython(add_trigrams, migrations.RunPython.noop, elidable=True)]
