"""manage.py import_sirene PATH [PATH ...]: load INSEE's SIRENE stock files."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from companies.sirene import LEGAL_UNITS, ImportRefused, import_files, print_progress

SHOWN_REJECTIONS = 20


class Command(BaseCommand):
    help = (
        "Import SIRENE stock files (StockEtablissement, and optionally StockUniteLegale for "
        "legal names): plain CSV, .gz or .zip. Re-importing updates what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--batch-size", type=int, default=50_000)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--rebuild-search-index",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=(
                "On PostgreSQL, drop the search indexes during the import and build them again "
                "after, collecting the names' words in one pass (faster for large loads, but "
                "search by name is slow meanwhile; on an empty table the SIREN, postal code "
                "and department indexes too). Default: only when the companies table is empty."
            ),
        )

    def handle(self, *args, paths, batch_size, no_progress, rebuild_search_index, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        progress = None if no_progress else print_progress
        try:
            summaries = import_files(
                paths,
                batch_size=batch_size,
                progress=progress,
                rebuild_search_index=rebuild_search_index,
            )
        except ImportRefused as error:
            raise CommandError(str(error)) from error

        for s in summaries:
            self.stdout.write(self.style.SUCCESS(f"{s.path} ({s.kind.replace('_', ' ')})"))
            counts = f"created {s.created}, updated {s.updated}, unchanged {s.unchanged}"
            if s.kind == LEGAL_UNITS:
                counts += f", establishments renamed {s.renamed}"
            self.stdout.write(
                f"  read {s.read}, {counts}, rejected {s.rejected}, "
                f"in {s.seconds:.1f} s ({s.rows_per_second:.0f} rows/s)"
            )
            for line, reason in s.rejections[:SHOWN_REJECTIONS]:
                self.stdout.write(self.style.WARNING(f"  line {line}: {reason}"))
            if s.rejected > SHOWN_REJECTIONS:
                self.stdout.write(f"  … and {s.rejected - SHOWN_REJECTIONS} more rejected rows")
