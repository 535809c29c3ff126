import pytest

from cnfs.accounts.enums import Role
from cnfs.places.enums import Access
from cnfs.places.models import Place, PlaceAdvisor
from tests import factories


def make_place(commune, *, advisors=1, shown=False, **fields):
    """A public place of ``commune`` with ``advisors`` advisors working there."""
    values = {
        "name": f"Lieu de {commune.name}",
        "address": "1 place de la Mairie",
        "commune": commune,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "access": Access.WALK_IN,
        "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00",
    } | fields
    place = Place.objects.create(**values)
    for _ in range(advisors):
        user = factories.UserFactory(roles=[(Role.ADVISOR, {})])
        PlaceAdvisor.objects.create(place=place, advisor=user, shown_publicly=shown)
    return place


@pytest.fixture
def rhone(db):
    region = factories.RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    return factories.DepartementFactory(code="69", name="Rhône", region=region)


@pytest.fixture
def communes(rhone, jura):
    """Lyon, Villeurbanne and Vienne-like neighbours, and Dole (Jura) far away."""

    def commune(insee, name, postal, lat, lon, departement):
        return factories.CommuneFactory(
            insee=insee,
            name=name,
            search_name=name.lower(),
            postal_codes=postal,
            departement=departement,
            latitude=lat,
            longitude=lon,
            population=10_000,
        )

    return {
        "lyon": commune("69123", "Lyon", "69001 69002", 45.758, 4.835, rhone),
        "villeurbanne": commune("69266", "Villeurbanne", "69100", 45.771, 4.890, rhone),
        "givors": commune("69091", "Givors", "69700", 45.590, 4.769, rhone),
        "dole": commune("39198", "Dole", "39100", 47.092, 5.490, jura),
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
