"""Build the open-data files whose copy has ended, so that no download waits for one
(1 to 3 s each at national size); run by cron on every application server, each keeping
its own copies:

    */10 * * * *   manage.py build_open_data

``--force`` builds them all again.
"""

import time

from django.core.management.base import BaseCommand

from cnfs.opendata import datasets


class Command(BaseCommand):
    help = "Produit les fichiers de données ouvertes dont la copie a expiré (--force : tous)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Tout reproduire.")

    def handle(self, *args, force=False, **options):
        for dataset in datasets.DATASETS:
            if not force and datasets.cached(dataset) is not None:
                self.stdout.write(f"{dataset.filename} : à jour")
                continue
            started = time.monotonic()
            entry = datasets.refresh(dataset) if force else datasets.get(dataset)
            self.stdout.write(
                f"{dataset.filename} : produit ({entry.size:,} octets, "
                f"{time.monotonic() - started:.1f} s)".replace(",", "\u202f")
            )
