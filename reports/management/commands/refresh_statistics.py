"""Computes the public statistics now, as the 5-minute job does."""

from django.core.management.base import BaseCommand

from reports.statistics.snapshot import statistics_refresh


class Command(BaseCommand):
    help = "Recalcule les statistiques publiques maintenant."

    def handle(self, *args, **options):
        snapshot = statistics_refresh()
        if snapshot is None:
            self.stdout.write("Un calcul est déjà en cours ailleurs : rien à faire.")
            return
        total = snapshot.data["figures"]["reports_total"]["count"]
        self.stdout.write(self.style.SUCCESS(f"Statistiques recalculées : {total} signalements."))
