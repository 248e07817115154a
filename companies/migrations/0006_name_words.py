"""Search by name through words instead of trigrams of whole names.

The trigram index over whole names (0002) had to compare a misspelled word with
a large part of the register. Now each name's words are indexed (a GIN index
over a tsvector of the folded name's runs of letters and digits, the same
words `companies.selectors.query_words` makes of a query), and every distinct word is kept once in
companies_nameword with its own trigram index: a misspelled word finds its
close words there (GIN: a GiST index ordered by distance took 20 to 50 ms
per word on 230,000 words, GIN with a threshold one), then the names holding
them through the word index.
PostgreSQL only; other databases keep the plain search.
"""

from django.db import DatabaseError, migrations, models, transaction

# unaccent() is only STABLE, so 0002's companies_search_name() could not be
# inlined by the planner: every call went through the SQL function executor,
# which made building the index four times slower. Declaring unaccent's C
# function IMMUTABLE (the usual way, as the dictionary is named explicitly)
# needs a superuser; without one, a plain SQL wrapper does the same, slower.
# Inner calls name their schema: a restore, and PostgreSQL 17's index builds,
# run with an empty search_path (and a function with SET search_path could
# not be inlined).
UNACCENT_C = """
    CREATE OR REPLACE FUNCTION public.companies_unaccent(regdictionary, text) RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE STRICT AS '$libdir/unaccent', 'unaccent_dict'
"""
UNACCENT_SQL = """
    CREATE OR REPLACE FUNCTION public.companies_unaccent(regdictionary, text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent($1, $2) $$
"""
SEARCH_NAME = """
    CREATE OR REPLACE FUNCTION public.companies_search_name(legal_name text, brand text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT lower(public.companies_unaccent(
            'public.unaccent'::regdictionary, legal_name || ' ' || brand
        ))
    $$
"""
SEARCH_NAME_BEFORE = """
    CREATE OR REPLACE FUNCTION public.companies_search_name(legal_name text, brand text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT lower(public.unaccent('public.unaccent'::regdictionary, legal_name || ' ' || brand))
    $$
"""

FORWARD = [
    SEARCH_NAME,
    # Not STRICT: array_remove() is not, and a STRICT function whose body is
    # not strict cannot be inlined (its callers pass NOT NULL columns).
    """
    CREATE OR REPLACE FUNCTION public.companies_search_words(legal_name text, brand text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_to_tsvector(array_remove(
            regexp_split_to_array(
                public.companies_search_name(legal_name, brand), '[^[:alnum:]]+'
            ),
            ''
        ))
    $$
    """,
    # The words of names written by one statement, added once each (in order,
    # so that two writers adding the same new words cannot deadlock). A bulk
    # load sets companies.bulk_load and collects them once at its end instead.
    """
    CREATE OR REPLACE FUNCTION public.companies_nameword_collect() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('companies.bulk_load', true) = 'on' THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
            INSERT INTO public.companies_nameword (word)
            SELECT DISTINCT unnest(tsvector_to_array(
                public.companies_search_words(legal_name, brand)
            )) FROM new_rows
            ORDER BY 1
            ON CONFLICT DO NOTHING;
        ELSE
            INSERT INTO public.companies_nameword (word)
            SELECT DISTINCT unnest(tsvector_to_array(
                public.companies_search_words(n.legal_name, n.brand)
            )) FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.legal_name, n.brand) IS DISTINCT FROM (o.legal_name, o.brand)
            ORDER BY 1
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    # The triggers first, so that no name written during the steps below is missed.
    """
    CREATE TRIGGER companies_nameword_on_insert AFTER INSERT ON companies_company
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.companies_nameword_collect()
    """,
    """
    CREATE TRIGGER companies_nameword_on_update AFTER UPDATE ON companies_company
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.companies_nameword_collect()
    """,
    """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS companies_company_name_words
    ON companies_company USING gin (public.companies_search_words(legal_name, brand))
    """,
    """
    INSERT INTO companies_nameword (word)
    SELECT word FROM (
        SELECT unnest(tsvector_to_array(public.companies_search_words(legal_name, brand))) AS word
        FROM companies_company
    ) AS words
    GROUP BY word
    ON CONFLICT DO NOTHING
    """,
    """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS companies_nameword_trgm
    ON companies_nameword USING gin (word gin_trgm_ops)
    """,
    "DROP INDEX CONCURRENTLY IF EXISTS companies_company_name_trgm",
]
BACKWARD = [
    """
    CREATE INDEX IF NOT EXISTS companies_company_name_trgm
    ON companies_company USING gin (companies_search_name(legal_name, brand) gin_trgm_ops)
    WITH (gin_pending_list_limit = 16384)
    """,
    "DROP TRIGGER IF EXISTS companies_nameword_on_insert ON companies_company",
    "DROP TRIGGER IF EXISTS companies_nameword_on_update ON companies_company",
    "DROP FUNCTION IF EXISTS public.companies_nameword_collect()",
    "DROP INDEX IF EXISTS companies_company_name_words",
    "DROP FUNCTION IF EXISTS public.companies_search_words(text, text)",
    SEARCH_NAME_BEFORE,
    "DROP FUNCTION IF EXISTS public.companies_unaccent(regdictionary, text)",
]


# A concurrent build that failed leaves an invalid index, which IF NOT EXISTS
# would then keep: drop it so that running the migration again builds it.
DROP_IF_INVALID = """
    DO $$ BEGIN
        IF EXISTS (
            SELECT 1 FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid
            WHERE pg_class.relname = '{name}' AND NOT pg_index.indisvalid
        ) THEN
            DROP INDEX {name};
        END IF;
    END $$
"""
CONCURRENT_INDEXES = ["companies_company_name_words", "companies_nameword_trgm", "company_department"]


def drop_invalid_indexes(schema_editor):
    for name in CONCURRENT_INDEXES:  # constants: nothing from outside
        schema_editor.execute(DROP_IF_INVALID.format(name=name))


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    drop_invalid_indexes(schema_editor)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(UNACCENT_C)
    except DatabaseError:  # not a superuser
        schema_editor.execute(UNACCENT_SQL)
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


DEPARTMENT_INDEX = models.Index(fields=["department"], name="company_department")


def add_department_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        drop_invalid_indexes(schema_editor)
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS company_department "
            "ON companies_company (department)"
        )
    else:
        schema_editor.add_index(apps.get_model("companies", "Company"), DEPARTMENT_INDEX)


def remove_department_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("companies", "Company"), DEPARTMENT_INDEX)


class Migration(migrations.Migration):
    # Not atomic, so that the indexes are built CONCURRENTLY: on a register of
    # millions of rows, a plain build would block every write to the
    # companies table for minutes. A build that failed is started again.
    atomic = False
    dependencies = [("companies", "0005_letter_batches")]

    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                (
                    "word",
                    models.TextField(primary_key=True, serialize=False, verbose_name="mot"),
                ),
            ],
            options={"verbose_name": "mot des noms", "verbose_name_plural": "mots des noms"},
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="company", index=DEPARTMENT_INDEX)],
            database_operations=[
                migrations.RunPython(add_department_index, remove_department_index)
            ],
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
