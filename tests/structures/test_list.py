import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.structures.enums import StructureStatus
from tests import factories
from tests.factories import StructureFactory

LIST_URL = reverse("structures:list")


def names(response):
    return [s.name for s in response.context["structures"]]


@pytest.fixture
def doubs_structure(db):
    doubs = factories.DepartementFactory(code="25", name="Doubs")
    return StructureFactory(name="Médiathèque de Besançon", commune__departement=doubs)


def test_national_team_sees_every_structure(client, national, structure, doubs_structure):
    client.force_login(national)
    assert sorted(names(client.get(LIST_URL))) == ["ECLA", "Médiathèque de Besançon"]


def test_financial_operator_sees_every_structure(client, financial, structure, doubs_structure):
    client.force_login(financial)
    assert len(names(client.get(LIST_URL))) == 2


def test_prefecture_sees_its_territory_only(client, prefecture, structure, doubs_structure):
    client.force_login(prefecture)
    assert names(client.get(LIST_URL)) == ["ECLA"]


def test_structure_manager_sees_its_own_structure_only(client, owner, structure, colleague):
    client.force_login(owner)
    response = client.get(LIST_URL)
    assert names(response) == ["ECLA"]
    assert "departement" not in response.context["form"].fields


def test_candidate_gets_403(client, candidate):
    client.force_login(candidate)
    assert client.get(LIST_URL).status_code == 403


def test_filters_by_status_departement_duplicates_and_search(
    client, national, structure, doubs_structure
):
    copy = StructureFactory(
        name="ECLA (2)",
        siret=structure.siret,
        possible_duplicate_of=structure,
        commune__departement=structure.departement,
        status=StructureStatus.VALIDATED,
    )
    client.force_login(national)
    assert names(client.get(LIST_URL, {"status": "validated"})) == ["ECLA (2)"]
    assert "ECLA" not in names(client.get(LIST_URL, {"departement": "25"}))
    assert names(client.get(LIST_URL, {"duplicates": "on"})) == ["ECLA (2)"]
    assert names(client.get(LIST_URL, {"q": "besan"})) == ["Médiathèque de Besançon"]
    siret = f"{structure.siret[:3]} {structure.siret[3:9]} {structure.siret[9:]}"
    assert sorted(names(client.get(LIST_URL, {"q": siret}))) == ["ECLA", copy.name]


def test_counts_per_status_follow_the_other_filters(client, national, structure, doubs_structure):
    StructureFactory(commune__departement=structure.departement, status=StructureStatus.REFUSED)
    client.force_login(national)
    response = client.get(LIST_URL, {"departement": "39", "status": "refused"})
    counts = {c["value"]: c["count"] for c in response.context["status_counts"]}
    assert counts["submitted"] == 1 and counts["refused"] == 1
    assert response.context["total"] == 2
    assert len(names(response)) == 1


def test_oldest_first(client, national, structure, doubs_structure):
    client.force_login(national)
    assert names(client.get(LIST_URL, {"order": "oldest"}))[0] == "ECLA"
    assert names(client.get(LIST_URL))[0] == "Médiathèque de Besançon"


def test_list_is_paginated_by_50(client, national, jura):
    StructureFactory.create_batch(51, commune__departement=jura)
    client.force_login(national)
    assert len(names(client.get(LIST_URL))) == 50
    assert len(names(client.get(LIST_URL, {"page": "2"}))) == 1


def test_query_count_does_not_grow_with_the_number_of_structures(
    client, national, jura, django_assert_num_queries
):
    def add(count):
        original = StructureFactory(commune__departement=jura)
        StructureFactory.create_batch(
            count, commune__departement=jura, possible_duplicate_of=original, siret=original.siret
        )

    add(1)
    client.force_login(national)
    filters = {"q": "Structure", "duplicates": "on", "departement": "39"}
    with CaptureQueriesContext(connection) as few:
        assert len(names(client.get(LIST_URL, filters))) == 1
    add(30)
    with django_assert_num_queries(len(few)):
        assert len(names(client.get(LIST_URL, filters))) == 31


def test_only_the_national_team_sees_the_duplicate_flag_and_filter(
    client, national, prefecture, structure
):
    StructureFactory(
        siret=structure.siret,
        possible_duplicate_of=structure,
        commune__departement=structure.departement,
    )
    client.force_login(national)
    assert "Doublon possible" in client.get(LIST_URL).content.decode()
    client.force_login(prefecture)
    response = client.get(LIST_URL)
    assert "Doublon possible" not in response.content.decode()
    assert "duplicates" not in response.context["form"].fields
