import time

from django.core.management.base import BaseCommand

from cnfs.territories.loading import load_territories


class Command(BaseCommand):
    help = "Charge (ou met à jour) les régions, départements et communes du référentiel."

    def handle(self, *args, **options):
        started = time.perf_counter()
        for report in load_territories():
            self.stdout.write(str(report))
        self.stdout.write(f"Terminé en {time.perf_counter() - started:.1f} s.")
