from cnfs.bench.registry import Figure, benchmark, best_of
from cnfs.territories.loading import DATA_DIR, load_territories, read_csv
from cnfs.territories.models import Commune
from cnfs.territories.search import normalize

QUERIES = ["saint", "lons", "st claude", "39000", "mar", "paris", "bourg", "villeneuve"]


@benchmark
def commune_search():
    if not Commune.objects.exists():
        load_territories()

    def indexed():
        for query in QUERIES:
            list(Commune.objects.search(query, limit=10))

    def naive():
        # What a search without the stored normalized names would do: fetch and filter all.
        for query in QUERIES:
            key = normalize(query)
            rows = Commune.objects.values_list("insee", "name", "postal_codes", "population")
            hits = [r for r in rows if normalize(r[1]).startswith(key) or key in r[2]]
            sorted(hits, key=lambda r: -r[3])[:10]

    per_query = best_of(indexed) / len(QUERIES) * 1000
    naive_per_query = best_of(naive, repeat=2) / len(QUERIES) * 1000
    return [
        Figure(
            "territoires : recherche de commune",
            per_query,
            "ms",
            naive_per_query,
            f"moyenne sur {len(QUERIES)} requêtes (nom, code postal) sur "
            f"{Commune.objects.count()} communes ; "
            "référence : filtrage en Python de toute la table",
        )
    ]


@benchmark
def territories_reload():
    load_territories()
    rerun = best_of(load_territories, repeat=2)
    parse = best_of(lambda: sum(1 for _ in read_csv(DATA_DIR / "communes.csv.gz")), repeat=2)
    return [
        Figure(
            "territoires : rechargement idempotent",
            rerun,
            "s",
            parse,
            "load_territories sur une base déjà chargée (rien n'est écrit) ; "
            "référence : la seule lecture du fichier des communes",
        )
    ]
