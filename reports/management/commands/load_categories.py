"""manage.py load_categories: load or refresh the category tree from its YAML file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.categories import CATEGORIES_FILE, CategoryFileError, load_categories


class Command(BaseCommand):
    help = "Load the category tree of the report wizard from reports/data/categories.yaml."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CATEGORIES_FILE)
        parser.add_argument(
            "--take-back",
            nargs="+",
            default=[],
            metavar="SLUG",
            help="categories edited in the admin that the file should manage again",
        )

    def handle(self, *args, file, take_back, **options):
        try:
            summary = load_categories(file, take_back=take_back)
        except CategoryFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Categories: created {summary.created}, updated {summary.updated}, "
            f"unchanged {summary.unchanged}, deactivated {summary.deactivated}, "
            f"kept as edited in the admin {summary.kept} "
            f"({summary.leaves} leaves, {summary.info_pages} information pages)."
        )
