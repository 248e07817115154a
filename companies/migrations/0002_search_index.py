"""Typo- and accent-tolerant search by name on PostgreSQL: trigram index over the
folded name. Other databases get nothing here and search with a plain LIKE."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); an index needs an
    # IMMUTABLE function, so this wrapper names the dictionary explicitly.
    # A larger pending list (16 MB) lets bulk imports add entries in batches.
    """
    CREATE OR REPLACE FUNCTION companies_search_name(legal_name text, brand text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT lower(public.unaccent('public.unaccent'::regdictionary, legal_name || ' ' || brand))
    $$
    """,
    """
    CREATE INDEX IF NOT EXISTS companies_company_name_trgm
    ON companies_company USING gin (companies_search_name(legal_name, brand) gin_trgm_ops)
    WITH (gin_pending_list_limit = 16384)
    """,
]
BACKWARD = [
    "DROP INDEX IF EXISTS companies_company_name_trgm",
    "DROP FUNCTION IF EXISTS companies_search_name(text, text)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
