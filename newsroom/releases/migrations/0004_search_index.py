"""A GIN index for full-text search of releases, on PostgreSQL only.

The indexed expression must stay identical to `VECTOR_SQL` in `newsroom/releases/search.py`
(there with the table name in front of each column), or the planner will not use it.
SQLite has no GIN index: there the migration does nothing.
"""

from django.db import migrations

INDEX_SQL = 'CREATE INDEX IF NOT EXISTS pressrelease_search_gin ON releases_pressrelease USING gin ((setweight(to_tsvector(CASE WHEN "language" = \'en\' THEN \'english\'::regconfig ELSE \'swedish\'::regconfig END, coalesce("title", \'\')), \'A\') || setweight(to_tsvector(CASE WHEN "language" = \'en\' THEN \'english\'::regconfig ELSE \'swedish\'::regconfig END, coalesce("lead", \'\')), \'B\') || setweight(to_tsvector(CASE WHEN "language" = \'en\' THEN \'english\'::regconfig ELSE \'swedish\'::regconfig END, coalesce("body", \'\')), \'C\')))'
DROP_SQL = "DROP INDEX IF EXISTS pressrelease_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0003_editorial_roles"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
