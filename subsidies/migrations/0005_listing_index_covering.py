"""A covering index for the listing index's build query (``listing_index._read_listings``), PostgreSQL only.

The build reads six columns of every published listing; with this index PostgreSQL answers from the index alone
(an index-only scan) instead of reading the whole table, whose rows carry the long text columns.
"""

from django.db import migrations

NAME = "subsidy_listing_index_idx"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {NAME} ON subsidies_subsidy (id)"
    " INCLUDE (accepts_from, deadline, rolling, published_at, max_amount, difficulty)"
    " WHERE state = 'published'"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0004_content_version")]

    operations = [migrations.RunPython(create, drop)]
