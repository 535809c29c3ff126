"""Full recomputation of the proposals (recovery): every matchable candidate against every
open post, as ``engine.recompute_all``.

``manage.py recompute_proposals --apply`` writes; without ``--apply`` the same computation
runs in a transaction that is rolled back, and says what it would change.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from cnfs.matching import engine
from cnfs.matching.tasks import shortage_changed


class Command(BaseCommand):
    help = (
        "Recalcule toutes les mises en relation (reprise après incident) ; simulation sans --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Enregistrer le résultat (sinon : simulation)."
        )

    def handle(self, *args, apply=False, **options):
        started = time.perf_counter()
        with transaction.atomic():
            report = engine.recompute_all()
            if apply:
                shortage_changed()  # the date moved, or anything else: the figures follow
            else:
                transaction.set_rollback(True)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{report.created} créée(s), {report.updated} mise(s) à jour, "
            f"{report.reproposed} proposée(s) à nouveau, {report.removed} retirée(s) "
            f"en {elapsed:.1f} s."
        )
        if apply:
            self.stdout.write(self.style.SUCCESS("Mises en relation recalculées."))
        else:
            self.stdout.write(
                "Simulation : rien n’est enregistré. Relancez avec --apply pour recalculer."
            )
