"""The agents' full-text search on millions of reports: a rare word, newest
first, must stay fast (the naive plan walks the date index backwards and
takes seconds).

    createdb -h 127.0.0.1 -U postgres signalconso_reports_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1/signalconso_reports_bench
    python manage.py migrate
    python bench/bench_report_search.py 2000000 [--refill]

Fills the reports table with N reports made by SQL (words drawn from a small
vocabulary, a few rare words in a few rows), computes their search vectors,
then times, for rare words (one of them only in the oldest reports) and common ones: the naive query (ORDER BY
created_at DESC) and the one reports.search builds. Prints p50 and max.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signalconso.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from reports.models import Category, Report  # noqa: E402
from reports.search import SEARCH_CONFIG, VECTOR_SQL, ReportFilters, reports_search  # noqa: E402

WORDS = (
    "prix produit magasin caisse étiquette remboursement livraison colis commande garantie "
    "vendeur facture abonnement contrat téléphone internet voiture garage réparation retard "
    "annulation billet voyage hôtel restaurant repas banque crédit assurance loyer chauffage"
).split()
RARE = ["trottinette", "kombucha", "photovoltaïque"]
ROUNDS = 20


def fill(count: int) -> None:
    category = Category.objects.get_or_create(slug="bench", defaults={"title_fr": "Bench"})[0]
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reports_report CASCADE")
        started = time.perf_counter()
        cursor.execute(
            f"""
            INSERT INTO reports_report (reference, created_at, language, status, category_id,
                category_path, question_only, company_name, company_address, company_siret,
                company_country, phone, postal_code, department, occurred_on, description,
                answers, first_name, last_name, email, consumer_phone, consumer_reference,
                share_identity, survey_consent, reminder_count, alert_deferred)
            SELECT 'B-' || n, now() - (n || ' seconds')::interval, 'fr', 'NA', %s, '[]', false,
                'ENTREPRISE ' || (n %% 5000), '[]', '', '', '', '', lpad(((n %% 95) + 1)::text, 2, '0'),
                current_date,
                ({words})[1 + n %% 30] || ' ' || ({words})[1 + (n / 30) %% 30] || ' '
                    || ({words})[1 + (n / 900) %% 30]
                    || CASE WHEN n %% 400000 = 7 THEN ' {RARE[0]}' WHEN n %% 250000 = 3 THEN ' {RARE[1]}'
                            WHEN n > %s - 10000 AND n %% 5 = 0 THEN ' {RARE[2]}'
                            ELSE '' END,
                '[]', 'Paule', 'Durand', 'paule@example.fr', '', '', false, false, 0, false
            FROM generate_series(1, %s) AS n
            """,
            [category.pk, count, count],
        )
        print(f"inserted {count:,} reports in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        cursor.execute("SELECT id FROM reports_report")
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(ids), 200_000):
            cursor.execute(VECTOR_SQL, [ids[start : start + 200_000]])
        cursor.execute("ANALYZE reports_report")
        print(f"search vectors in {time.perf_counter() - started:.0f} s")


def timed(run) -> tuple[float, float]:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL (set DATABASE_URL).")
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    if Report.objects.count() != count or "--refill" in sys.argv:
        fill(count)
    agent = User.objects.get_or_create(email="bench-agent@dgccrf.finances.gouv.fr", defaults={"role": "agent"})[0]
    naive_sql = (
        f"SELECT id FROM reports_report WHERE search_vector @@ websearch_to_tsquery('{SEARCH_CONFIG}', %s) "
        "ORDER BY created_at DESC LIMIT 26"
    )
    # The third rare word sits in 2,000 of the oldest reports only: the naive
    # plan expects to meet it soon walking the date index, and walks it all.
    for word in [RARE[0], RARE[1], RARE[2], "trottinettes", "chauffage", "garage retard"]:

        def naive(word=word):
            with connection.cursor() as cursor:
                cursor.execute(naive_sql, [word])
                cursor.fetchall()

        def ours(word=word):
            list(reports_search(agent, ReportFilters(text=word)).values_list("pk", flat=True)[:26])

        found = reports_search(agent, ReportFilters(text=word)).values_list("pk", flat=True)[:26]
        print(
            f"{word!r:>18}: {len(found)} shown | naive p50 {timed(naive)[0]:8.1f} ms "
            f"max {timed(naive)[1]:8.1f} | ours p50 {timed(ours)[0]:8.1f} ms max {timed(ours)[1]:8.1f}"
        )


if __name__ == "__main__":
    main()
