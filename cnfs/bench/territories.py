from django.db.models import Count
from django.urls import reverse

from cnfs.bench.registry import (
    Figure,
    benchmark,
    best_of,
    ensure_national_recruitments,
    ensure_national_scale,
    time_page,
)
from cnfs.contracts.models import Contract
from cnfs.structures.models import Structure
from cnfs.territories.loading import DATA_DIR, load_territories, read_csv
from cnfs.territories.models import Commune, Region
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


@benchmark
def territory_pages():
    """The public territory pages at national scale, against the home page."""

    ensure_national_scale()
    ensure_national_recruitments()
    home, home_queries = time_page("/")
    biggest = Region.objects.annotate(n=Count("departements__structures")).order_by("-n").first()
    pages = [
        ("index national", reverse("territories:index")),
        (f"région ({biggest.name})", reverse("territories:region", args=[biggest.code])),
        ("département (Jura)", reverse("territories:departement", args=["39"])),
        ("statistiques publiques", reverse("territories:statistics")),
    ]
    scale = f"{Structure.objects.count()} structures, {Contract.objects.count()} contrats"
    figures = []
    for name, path in pages:
        value, queries = time_page(path)
        figures.append(
            Figure(
                f"territoires : page {name}",
                value,
                "ms",
                home,
                f"{scale} ; {queries} requêtes SQL (accueil : {home_queries}) ; "
                "référence : la page d’accueil",
            )
        )
    return figures
