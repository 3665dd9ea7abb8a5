"""The normalised search text is compressed with LZ4 on PostgreSQL (when the server has it), not pglz.

A keyword of four or more characters is narrowed by the GIN index and then rechecked with ``LIKE`` on this text
(``subsidies/search.py``); the recheck's cost is decompressing each candidate's text. Measured on 5,786
candidates of 200,000 listings (スマート農業, ~11 kB of text each): pglz 112–125 ms, LZ4 41–43 ms, uncompressed
26 ms at 1.5× the size. Values already stored keep pglz until written again: ``manage.py rebuild_search_index``
writes every entry anew. Other databases: nothing to do.
"""

from django.db import migrations

TABLE = "subsidies_searchentry"


def lz4_available(cursor) -> bool:
    cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()
    return bool(row) and "lz4" in (row[0] or [])


def set_compression(method):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            if method == "lz4" and not lz4_available(cursor):
                return
            cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN text SET COMPRESSION {method}")

    return apply


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0014_search_trigrams")]

    operations = [migrations.RunPython(set_compression("lz4"), set_compression("pglz"))]
