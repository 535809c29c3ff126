"""The periodic computation of "where posts lack candidates" (every few minutes): computed
again only if something it depends on changed since (``--force``: in any case)."""

import time

from django.core.management.base import BaseCommand

from cnfs.matching import shortage


class Command(BaseCommand):
    help = "Recalcule « où les postes manquent de candidats » si des changements l’exigent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recalculer dans tous les cas.")

    def handle(self, *args, force=False, **options):
        started = time.perf_counter()
        if shortage.refresh(force=force):
            elapsed = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(f"Postes sans candidats recalculés en {elapsed:.1f} s.")
            )
        else:
            self.stdout.write("Postes sans candidats : à jour, rien à recalculer.")
