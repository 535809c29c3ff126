"""The rurality proxy: population and area of the committed referential."""

import csv
import gzip

import pytest

from cnfs.territories import rurality
from cnfs.territories.loading import DATA_DIR
from cnfs.territories.models import Commune
from tests import factories


@pytest.mark.parametrize(
    ("population", "area", "rural"),
    [
        (420, 12.5, True),  # a village
        (4_999, 1.0, True),  # small but dense: still rural
        (5_000, 16.0, False),  # 312.5 per km², 5 000 inhabitants: urban
        (23_840, 38.11, False),  # Dole
        (41_293, 108.63, False),  # Gap: 380 per km²
        (8_000, 100.0, True),  # 80 per km²
        (300, None, None),
    ],
)
def test_the_proxy(population, area, rural):
    assert rurality.is_rural(population, area) is rural


@pytest.mark.django_db
def test_the_sql_filter_agrees_with_the_python_rule(jura):
    cases = [(420, 12.5), (4_999, 1.0), (5_000, 16.0), (23_840, 38.11), (8_000, 100.0), (300, None)]
    for n, (population, area) in enumerate(cases):
        factories.CommuneFactory(
            insee=f"39{n + 500:03d}", departement=jura, population=population, area_km2=area
        )
    rural = set(Commune.objects.filter(rurality.rural_q()).values_list("insee", flat=True))
    assert rural == {c.insee for c in Commune.objects.all() if c.is_rural}
    assert len(rural) == 3  # 420, 4 999 and 8 000 inhabitants


def test_the_committed_referential_has_an_area_for_nearly_every_commune():
    with gzip.open(DATA_DIR / "communes.csv.gz", "rt", encoding="utf-8") as source:
        rows = {row["insee"]: row for row in csv.DictReader(source)}
    missing = [insee for insee, row in rows.items() if not row["area_km2"]]
    assert len(missing) <= 10
    assert 37 < float(rows["39198"]["area_km2"]) < 40  # Dole: 38.4 km² (INSEE)
    assert 105 < float(rows["05061"]["area_km2"]) < 112  # Gap: 110.5 km² (INSEE)
    total = sum(float(row["area_km2"]) for row in rows.values() if row["area_km2"])
    assert 630_000 < total < 640_000  # France with its five overseas départements


@pytest.mark.django_db
def test_the_loader_reads_the_area(territories):
    assert Commune.objects.get(insee="39198").area_km2 == pytest.approx(38.11)
