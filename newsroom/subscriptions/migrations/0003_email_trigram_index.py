"""A trigram index for the admin's search of email addresses, on PostgreSQL only.

The admin searches addresses with `icontains`, which PostgreSQL runs as
`UPPER("email"::text) LIKE UPPER('%…%')`: a GIN index of that expression with pg_trgm's
operator class serves it. pg_trgm is a trusted extension (PostgreSQL 13+): the database's
owner may create it. On SQLite the migration does nothing.
"""

from django.db import migrations

EXTENSION_SQL = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS subscriber_email_trgm ON subscriptions_subscriber "
    'USING gin ((UPPER("email"::text)) gin_trgm_ops)'
)
DROP_SQL = "DROP INDEX IF EXISTS subscriber_email_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION_SQL)
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("subscriptions", "0002_outgoing_email_queued_at"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
