import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from cnfs.bench import (
    activity,
    coordination,
    followup,
    matching,
    opendata,
    public,
    stats,
    structures,
    territories,
)
from cnfs.bench.registry import BENCHMARKS

# The measures (each module registers its own with ``@benchmark``), in the order they run.
SUITE = (
    territories,
    structures,
    followup,
    matching,
    activity,
    stats,
    public,
    opendata,
    coordination,
)


class Command(BaseCommand):
    help = "Mesure les performances (chaque chiffre avec sa référence mesurée dans le même run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", default="", help="Ne lancer que les mesures contenant ce mot."
        )

    def handle(self, *args, only, **options):
        figures = []
        for module in SUITE:
            for function in BENCHMARKS:
                if function.__module__ != module.__name__:
                    continue
                if only and only not in function.__module__ + function.__name__:
                    continue
                figures.extend(function())
        results = [figure.as_dict() for figure in figures]
        out = settings.VAR_DIR / "bench" / "results.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(f"Base de données : {connection.vendor}\n")
        header = f"{'mesure':<52} {'valeur':>12} {'unité':<8} {'référence':>12} {'ratio':>8}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            self.stdout.write(
                f"{r['name']:<52} {r['value']:>12.3f} {r['unit']:<8} {r['baseline']:>12.3f} "
                f"{r['ratio']:>8.3f}"
            )
            self.stdout.write(f"    {r['note']}")
        self.stdout.write(f"\nRésultats écrits dans {out}")
