"""Accent-insensitive French search: `electricite` finds `Électricité`, and the reverse.

`french_unaccent` is PostgreSQL's `french` configuration with the unaccent
dictionary before the French stemmer: a word loses its accents, then is
stemmed. reports.search writes the stored vectors and reads the queries
through it, so both sides agree.

The vectors are written by the application (reports.search.report_index), not
by a trigger or a generated column: nothing rewrites them by itself when the
configuration changes, so this migration recomputes every one. It does so in
batches of ids, each committed on its own (atomic = False): one UPDATE of
millions of reports would hold every row's lock for as long as it runs,
blocking the lifecycle's writes, and leave millions of dead rows at once;
a batch locks its few thousand rows for a fraction of a second, and
autovacuum keeps up. While it runs, a word whose accents differ between the
query and the text may miss the reports not yet recomputed; nothing else
changes. About 30 s per 300,000 reports (docs/performance.md).
"""

from django.db import migrations

BATCH = 5000

CREATE_CONFIGURATION = """
    DO $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
            WHERE c.cfgname = 'french_unaccent' AND n.nspname = 'public'
        ) THEN
            CREATE TEXT SEARCH CONFIGURATION public.french_unaccent (COPY = pg_catalog.french);
        END IF;
    END
    $$
"""
MAP_UNACCENT = """
    ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.french_stem
"""

# reports.search.VECTOR_SQL as it stands at this migration, over a range of ids.
VECTOR_SQL = """
    UPDATE reports_report r SET search_vector =
        setweight(to_tsvector('{config}', coalesce(r.company_name, '')), 'A')
        || to_tsvector('{config}', coalesce(r.description, ''))
        || to_tsvector('{config}', coalesce(
            (SELECT message FROM reports_response WHERE report_id = r.id), ''))
    WHERE r.id >= %s AND r.id < %s
"""


def recompute_vectors(schema_editor, config: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM reports_report")
        first, last = cursor.fetchone()
        if first is None:
            return
        sql = VECTOR_SQL.format(config=config)
        for start in range(first, last + 1, BATCH):
            cursor.execute(sql, [start, start + BATCH])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # companies 0002 created it already where the database has it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(CREATE_CONFIGURATION)
    schema_editor.execute(MAP_UNACCENT)
    recompute_vectors(schema_editor, "public.french_unaccent")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    recompute_vectors(schema_editor, "pg_catalog.french")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS public.french_unaccent")


class Migration(migrations.Migration):
    atomic = False  # each batch of vectors is committed on its own (see above)

    dependencies = [("reports", "0015_export_started_at")]

    operations = [migrations.RunPython(forwards, backwards)]
