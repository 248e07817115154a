"""Import speed and memory of `import_sirene` (target: 50,000 rows/s into PostgreSQL).

    python bench/sirene_files.py var/bench 1000000
    createdb -h 127.0.0.1 -U postgres signalconso_bench
    DATABASE_URL=postgres://postgres@127.0.0.1/signalconso_bench \\
        python bench/bench_sirene_import.py var/bench/StockEtablissement_1000000.csv.gz \\
                                            var/bench/StockUniteLegale_1000000.csv.gz

Empties the companies tables first (it refuses to run on a database that has
reports one day), imports the files, then imports them again (nothing changes:
the upsert only compares), and prints rows per second and peak memory.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signalconso.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from companies.models import Company  # noqa: E402
from companies.sirene import import_files  # noqa: E402


def main(paths: list[str]) -> None:
    call_command("migrate", verbosity=0)
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing to run on a database whose name does not contain 'bench'.")
    with connection.cursor() as cursor:  # a first load, from nothing
        cursor.execute("TRUNCATE companies_company, companies_legalunit, companies_nameword CASCADE")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    for attempt in ("first import", "re-import"):
        started = time.monotonic()
        summaries = import_files(paths)
        elapsed = time.monotonic() - started
        for summary in summaries:
            print(
                f"{attempt:>12}  {Path(summary.path).name:<40} {summary.read:>10,} rows "
                f"in {summary.seconds:6.1f} s = {summary.rows_per_second:>8,.0f} rows/s "
                f"(created {summary.created:,}, updated {summary.updated:,}, "
                f"rejected {summary.rejected:,})"
            )
        rows = sum(s.read for s in summaries)
        print(
            f"{attempt:>12}  all files, search index included: {rows:,} rows in {elapsed:.1f} s "
            f"= {rows / elapsed:,.0f} rows/s"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MiB; companies: {Company.objects.count():,}")


if __name__ == "__main__":
    main(sys.argv[1:])
