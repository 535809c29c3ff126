import csv
import io
from decimal import Decimal

import pytest

from cnfs.contracts.models import Contract
from cnfs.followup.figures import national_progress
from cnfs.opendata import datasets, exports
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from tests import factories

pytestmark = pytest.mark.django_db


def read(slug: str) -> list[dict]:
    content = datasets.get(datasets.BY_SLUG[slug]).content
    assert not content.startswith(b"\xef\xbb\xbf")  # no BOM
    return list(csv.DictReader(io.StringIO(content.decode(), newline="")))


@pytest.fixture
def deployment(places, jura):
    """Besides the places' structures: a refused and a pending application in the Jura."""
    factories.StructureFactory(
        name="Refusée", status=StructureStatus.REFUSED, commune__departement=jura
    )
    factories.StructureFactory(name="En attente", commune__departement=jura)
    paca = factories.RegionFactory(code="93", name="Provence-Alpes-Côte d’Azur")
    factories.DepartementFactory(code="05", name="Hautes-Alpes", region=paca)
    return places


def test_posts_per_departement(deployment):
    rows = {row["code_departement"]: row for row in read("postes-par-departement")}
    assert list(rows["39"].values()) == [
        "39",
        "Jura",
        "27",
        "Bourgogne-Franche-Comté",
        "3",
        "1",
        "2",
        "150000.00",
    ]
    assert list(rows["971"].values())[4:] == ["2", "1", "1", "64000.00"]
    assert list(rows["05"].values())[4:] == ["0", "0", "0", "0.00"]


def test_totals_equal_the_follow_up_figures(deployment):
    rows = read("postes-par-departement")
    national = national_progress()
    assert sum(int(r["postes_attribues"]) for r in rows) == national["posts_granted"] == 5
    assert sum(int(r["structures_validees"]) for r in rows) == national["validated_structures"]
    assert (
        sum(Decimal(r["subvention_engagee_euros"]) for r in rows) * 100
        == (national["committed_cents"])
    )
    in_post = Contract.objects.in_post().count()
    assert sum(int(r["conseillers_en_poste"]) for r in rows) == in_post == 3


def test_structures_are_the_validated_ones_without_personal_data(deployment):
    rows = read("structures")
    assert list(rows[0]) == exports.STRUCTURE_FIELDS
    assert [r["nom"] for r in rows] == ["CC du Grand Dole", "Association Karukera"]
    dole = rows[0]
    assert (dole["type_juridique"], dole["code_insee_commune"], dole["code_departement"]) == (
        "Intercommunalité (EPCI)",
        "39198",
        "39",
    )
    assert (dole["postes_attribues"], dole["conseillers_en_poste"]) == ("3", "2")
    assert dole["subvention_engagee_euros"] == "150000.00"
    content = datasets.get(datasets.BY_SLUG["structures"]).content.decode()
    for structure in Structure.objects.all():
        for personal in (
            structure.contact_last_name,
            structure.contact_email,
            structure.contact_phone,
            structure.contact_role,
        ):
            assert personal not in content


def test_a_siret_is_listed_once_with_its_posts_added_up(deployment, jura):
    """A SIRET granted posts twice (two validated applications) is one row."""
    first = Structure.objects.get(name="CC du Grand Dole")
    factories.StructureFactory(
        name="CC du Grand Dole (seconde candidature)",
        siret=first.siret,
        validated=True,
        granted_posts=2,
        committed_subsidy_cents=2 * 50_000_00,
        possible_duplicate_of=first,
        commune=first.commune,
    )
    rows = [r for r in read("structures") if r["siret"] == first.siret]
    assert len(rows) == 1
    assert rows[0]["nom"] == "CC du Grand Dole"
    assert (rows[0]["postes_attribues"], rows[0]["subvention_engagee_euros"]) == ("5", "250000.00")
