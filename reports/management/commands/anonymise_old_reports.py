"""Erases the personal data of reports older than 5 years, as the daily job
does; shows first how many with --dry-run, goes past ANONYMISE_MAX_PER_RUN
with --force."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports import jobs


class Command(BaseCommand):
    help = "Anonymise les signalements de plus de 5 ans (--dry-run pour compter seulement)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compte sans rien effacer.")
        parser.add_argument("--force", action="store_true", help="Passe outre ANONYMISE_MAX_PER_RUN.")

    def handle(self, *args, dry_run=False, force=False, **options):
        due = jobs.reports_due_for_anonymisation().count()
        if dry_run:
            self.stdout.write(
                f"{due} signalements de plus de 5 ans seraient anonymisés "
                f"(au plus {settings.ANONYMISE_MAX_PER_RUN} par passage sans --force)."
            )
            return
        try:
            done = jobs.anonymise_old_reports(force=force)
        except jobs.TooManyToAnonymise as refused:
            raise CommandError(
                f"{refused.args[0]} signalements sont dus, plus que ANONYMISE_MAX_PER_RUN "
                f"({settings.ANONYMISE_MAX_PER_RUN}) : rien n’est effacé. Vérifiez, puis relancez avec --force."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{done} signalements anonymisés."))
