"""The public map's data endpoint over 20,000 places: a bounding box around Lyon (indexed,
filtered in SQL) against fetching every place's coordinates and filtering in Python, both
in the same run. The synthetic places are created in a transaction rolled back at the end,
unless the database already holds that many public places.
"""

import random

from django.core.cache import cache
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cnfs.accounts.models import User
from cnfs.bench.registry import Figure, benchmark, best_of
from cnfs.places.enums import Access, Service
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.public import queries, views
from cnfs.territories.loading import load_territories
from cnfs.territories.models import OVERSEAS_DEPARTEMENTS, Commune

PLACES = 20_000
ADVISORS = 400
LYON = queries.BBox(4.70, 45.65, 5.00, 45.85)
FRANCE = queries.BBox(-5.2, 41.3, 9.6, 51.1)
BENCH_DOMAIN = "carte.conseiller-numerique.invalid"
HOURS = ["Mo-Fr 09:00-12:00,14:00-17:00", "Tu,Th 14:00-18:00", "Mo-Sa 09:00-18:00", ""]


class _Rollback(Exception):
    pass


def _create_places(count: int):
    rng = random.Random(6)  # noqa: S311 (synthetic data, reproducible)
    communes = list(
        Commune.objects.exclude(departement_id__in=OVERSEAS_DEPARTEMENTS).values_list(
            "insee", "latitude", "longitude"
        )
    )
    users = [User(email=f"conseiller-{n:04d}@{BENCH_DOMAIN}") for n in range(ADVISORS)]
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users, batch_size=1000)
    places = []
    for n in range(count):
        insee, lat, lon = rng.choice(communes)
        places.append(
            Place(
                name=f"Lieu {n}",
                address=f"{n} rue de la République",
                commune_id=insee,
                latitude=lat + rng.uniform(-0.01, 0.01),
                longitude=lon + rng.uniform(-0.01, 0.01),
                access=rng.choice(Access.values),
                itinerant=rng.random() < 0.1,
                services=rng.sample(Service.values, 2),
                opening_hours=rng.choice(HOURS),
            )
        )
    places = Place.objects.bulk_create(places, batch_size=2000)
    PlaceAdvisor.objects.bulk_create(
        [PlaceAdvisor(place=place, advisor=users[k % ADVISORS]) for k, place in enumerate(places)],
        batch_size=2000,
    )
    # Planner statistics, as autovacuum keeps them in production (the rows are uncommitted).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _query_count(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def _measure() -> list[Figure]:
    request = RequestFactory().get(
        "/carte/donnees.json", {"bbox": "4.70,45.65,5.00,45.85", "zoom": "11"}
    )
    zoomed_out = RequestFactory().get("/carte/donnees.json", {"bbox": "-5.2,41.3,9.6,51.1"})

    def endpoint():
        views.map_data(request)

    def counts():
        cache.clear()  # measure the computation, not the few minutes' cache
        views.map_data(zoomed_out)

    def python_filter():
        # What a map without the index would do: every place's point, filtered in Python.
        points = queries.public_places().values_list("id", "latitude", "longitude")
        return [
            pk
            for pk, lat, lon in points
            if LYON.min_lat <= lat <= LYON.max_lat and LYON.min_lon <= lon <= LYON.max_lon
        ]

    total = queries.public_places().count()
    found = len(queries.map_data(queries.MapFilters(), LYON, 11)["places"])
    endpoint_ms = best_of(endpoint) * 1000
    counts_ms = best_of(counts) * 1000
    baseline_ms = best_of(python_filter, repeat=3) * 1000
    return [
        Figure(
            "carte : lieux d’un cadre autour de Lyon",
            endpoint_ms,
            "ms",
            baseline_ms,
            f"{found} lieux trouvés parmi {total} ; {_query_count(endpoint)} requête(s) SQL ; "
            "référence : les coordonnées des lieux lues puis filtrées en Python",
        ),
        Figure(
            "carte : décomptes par département (France entière)",
            counts_ms,
            "ms",
            baseline_ms,
            f"{total} lieux, zoom national, sans le cache (gardé jusqu’à l’écriture d’un lieu) ; "
            f"{_query_count(counts)} requête(s) SQL ; "
            "référence : la même lecture de toutes les coordonnées",
        ),
    ]


@benchmark
def map_data():
    if not Commune.objects.exists():
        load_territories()
    missing = PLACES - queries.public_places().count()
    if missing <= 0:
        return _measure()
    figures = []
    try:
        with transaction.atomic():
            _create_places(missing)
            figures = _measure()
            raise _Rollback
    except _Rollback:
        pass
    return figures
