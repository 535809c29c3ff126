from cnfs.bench.registry import Figure, benchmark, ensure_national_scale, time_page
from cnfs.structures.models import Structure


@benchmark
def departement_table():
    story = ensure_national_scale()
    national = story["national"]
    home, _ = time_page("/", user=national)
    table, queries = time_page("/suivi/", user=national)
    return [
        Figure(
            "suivi : tableau par département (national)",
            table,
            "ms",
            home,
            f"{Structure.objects.count()} structures ; {queries} requêtes SQL ; "
            "référence : la page d’accueil",
        )
    ]
