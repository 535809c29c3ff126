import json

import numpy as np

from cnfs.territories.geometry import points_in_polygons
from cnfs.territories.loading import DEPARTEMENT_OUTLINES, load_territories
from cnfs.territories.models import Commune, Departement, Region


def test_load_gives_every_region_departement_and_commune(territories):
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    # The 2026 official geography has 34,875 communes in the 101 départements, plus
    # Saint-Martin and Saint-Barthélemy attached to Guadeloupe's postal area.
    assert Commune.objects.count() >= 34_875
    assert set(
        Departement.objects.filter(code__in=["2A", "2B", "976"]).values_list("code", flat=True)
    ) == {
        "2A",
        "2B",
        "976",
    }
    lons = Commune.objects.get(insee="39300")
    assert lons.name == "Lons-le-Saunier"
    assert "39000" in lons.postal_code_list
    assert lons.departement_id == "39" and lons.region_id == "27"
    assert lons.population > 10_000


def test_second_load_changes_nothing(territories):
    reports = load_territories()
    assert [(r.created, r.updated) for r in reports] == [(0, 0), (0, 0), (0, 0)]
    assert sum(r.unchanged for r in reports) == Commune.objects.count() + 101 + 18


def test_load_repairs_a_changed_commune(territories):
    Commune.objects.filter(insee="39300").update(name="Lons", population=1)
    commune_report = load_territories()[2]
    assert commune_report.updated == 1
    assert Commune.objects.get(insee="39300").name == "Lons-le-Saunier"


def test_communes_lie_inside_their_departement_outline(territories):
    outlines = json.loads(DEPARTEMENT_OUTLINES.read_text())
    assert len(outlines["features"]) == 101
    assert DEPARTEMENT_OUTLINES.stat().st_size < 1_000_000
    inside = total = 0
    for feature in outlines["features"]:
        points = list(
            Commune.objects.filter(departement=feature["properties"]["code"]).values_list(
                "latitude", "longitude"
            )
        )
        lats, lons = np.array(points).T
        inside += int(points_in_polygons(lats, lons, feature["geometry"]).sum())
        total += len(points)
    assert total == Commune.objects.count()
    assert inside / total >= 0.995


def test_overseas_territories_are_recognised(territories):
    assert Commune.objects.get(insee="97411").overseas_territory == "974"
    assert Commune.objects.get(insee="39300").overseas_territory == ""
