"""The GIN index of the agents' full-text search (PostgreSQL only)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS report_search_vector ON reports_report "
            "USING gin (search_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS report_search_vector")


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_search_vector")]
    operations = [migrations.RunPython(create, drop)]
