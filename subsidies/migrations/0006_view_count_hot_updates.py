"""Counting a view rewrites no index entry (PostgreSQL: a HOT update).

Every first view of a listing runs ``UPDATE ... SET view_count = view_count + 1``. While ``view_count`` was in an
index (``subsidy_state_views_idx``, for 人気順 in SQL), each of those updates wrote a new entry into every one of
the table's nine indexes and left the old ones to vacuum. No query needs that index any more: 人気順 is ordered
in memory by ``listing_index``. Without it, an update that changes only ``view_count`` can be a heap-only
tuple (HOT) update, which touches no index, as long as the row's page has room for the new version: the table
now keeps 30 % of each page free for that (``fillfactor``, PostgreSQL only; it applies to pages written from now
on, and to all of them after ``VACUUM FULL``).
"""

from django.db import migrations

TABLE = "subsidies_subsidy"


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 70)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0005_listing_index_covering")]

    operations = [
        migrations.RemoveIndex(model_name="subsidy", name="subsidy_state_views_idx"),
        migrations.RunPython(leave_room, fill_pages),
    ]
