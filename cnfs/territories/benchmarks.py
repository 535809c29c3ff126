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


BENCH_ADVISORS = 3578  # advisors in post in September 2022 (DOMAIN §1)


def _national_recruitments():
    """Synthetic recruitments in the validated structures, up to their posts, until there
    are ``BENCH_ADVISORS`` contracts (bulk inserts, once): the demo's national scale has
    structures and candidates but no contracts."""
    import random
    from datetime import date

    from django.db import transaction

    from cnfs.candidates.models import Candidate
    from cnfs.contracts.enums import ContractStatus, TrainingStatus
    from cnfs.contracts.models import Contract, Training
    from cnfs.matching.enums import ProposalStatus
    from cnfs.matching.models import Proposal
    from cnfs.structures.enums import StructureStatus
    from cnfs.structures.models import Structure

    missing = BENCH_ADVISORS - Contract.objects.count()
    if missing <= 0:
        return
    rng = random.Random(2022)  # noqa: S311 (synthetic data, reproducible)
    open_posts = [
        s
        for s in Structure.objects.filter(status=StructureStatus.VALIDATED).order_by("pk")
        for _ in range(s.granted_posts - s.occupied_posts)
    ]
    rng.shuffle(open_posts)
    candidates = list(
        Candidate.objects.filter(in_post=False, contracts__isnull=True, user__isnull=True).order_by(
            "pk"
        )[:missing]
    )
    pairs = list(zip(open_posts, candidates, strict=False))
    with transaction.atomic():
        # Recruited people leave the lists they were proposed in.
        Proposal.objects.filter(candidate__in=[c.pk for _, c in pairs]).delete()
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(candidate=c, structure=s, status=ProposalStatus.RECRUITED, distance_km=1)
                for s, c in pairs
            ],
            batch_size=2000,
        )
        contracts = Contract.objects.bulk_create(
            [
                Contract(
                    proposal=p,
                    candidate=p.candidate,
                    structure=p.structure,
                    kind="cdd",
                    start_date=date(2021, 5, 3),
                    end_date=date(2023, 5, 2),
                    weekly_hours=35,
                    gross_monthly_salary_cents=1_750_00,
                    status=ContractStatus.ACTIVE,
                )  # fmt: skip
                for p in proposals
            ],
            batch_size=2000,
        )
        Training.objects.bulk_create(
            [
                Training(
                    contract=c,
                    status=rng.choice(
                        [TrainingStatus.COMPLETED] * 3 + [TrainingStatus.IN_PROGRESS]
                    ),
                )
                for c in contracts
            ],
            batch_size=2000,
        )
        for structure, _ in pairs:
            structure.occupied_posts += 1
        Structure.objects.bulk_update({s.pk: s for s, _ in pairs}.values(), ["occupied_posts"])
        Candidate.objects.filter(pk__in=[c.pk for _, c in pairs]).update(in_post=True)


@benchmark
def territory_pages():
    """The public territory pages at national scale, against the home page."""
    from django.db.models import Count
    from django.urls import reverse

    from cnfs.bench.registry import ensure_national_scale, time_page
    from cnfs.contracts.models import Contract
    from cnfs.structures.models import Structure
    from cnfs.territories.models import Region

    ensure_national_scale()
    _national_recruitments()
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
