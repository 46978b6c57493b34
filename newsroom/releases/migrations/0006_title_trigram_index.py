"""A trigram index for the admin's search of titles, on PostgreSQL only.

The admin searches titles with `icontains`, which PostgreSQL runs as
`UPPER("title"::text) LIKE UPPER('%…%')`: a GIN index of that expression with pg_trgm's
operator class serves it, instead of reading every row. pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
SQLite has neither: there the migration does nothing.
"""

from django.db import migrations

EXTENSION_SQL = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS pressrelease_title_trgm ON releases_pressrelease "
    'USING gin ((UPPER("title"::text)) gin_trgm_ops)'
)
DROP_SQL = "DROP INDEX IF EXISTS pressrelease_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION_SQL)
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0005_public_order_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
