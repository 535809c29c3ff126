import json

import pytest
from data_inclusion.schema import v1

from cnfs.opendata import datasets

pytestmark = pytest.mark.django_db
STRICT = {"ignore_warnings": False}  # the package's warnings count as errors here


def load(slug: str) -> list[dict]:
    return json.loads(datasets.get(datasets.BY_SLUG[slug]).content)


def test_structures_validate_with_the_data_inclusion_schema(places):
    structures = load("data-inclusion-structures")
    assert len(structures) == 3
    for item in structures:
        v1.Structure.model_validate(item, context=STRICT)


def test_services_validate_with_the_data_inclusion_schema(places):
    services = load("data-inclusion-services")
    for item in services:
        v1.Service.model_validate(item, context=STRICT)
    structure_ids = {s["id"] for s in load("data-inclusion-structures")}
    assert {s["structure_id"] for s in services} == structure_ids
    assert len({s["id"] for s in services}) == len(services)


def test_a_place_as_a_structure(places):
    full = places["full"]
    item = next(
        s for s in load("data-inclusion-structures") if s["id"].endswith(f"--lieu-{full.pk}")
    )
    structure = v1.Structure.model_validate(item)
    assert structure.source == "conseiller-numerique"
    assert structure.siret == "21390198600017"
    assert (structure.code_insee, structure.code_postal) == ("39198", "39100")
    assert {r.value for r in structure.reseaux_porteurs} == {
        "conseillers-numeriques",
        "france-service",
        "aidants-connect",
        "campus-connecte",
        "fabrique-de-territoire",
        "grandes-ecoles-du-numerique",
    }
    assert structure.horaires_accueil == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"


def test_each_service_of_a_place_is_a_data_inclusion_service(places):
    services = [
        s
        for s in load("data-inclusion-services")
        if s["structure_id"].endswith(f"--lieu-{places['full'].pk}")
    ]
    assert len(services) == 7
    procedures = next(s for s in services if s["nom"] == "Aide aux démarches administratives")
    assert procedures["thematiques"] == ["numerique--acceder-a-des-services-en-ligne"]
    assert procedures["frais"] == "gratuit"
    assert procedures["frais_precisions"] == "Gratuit sous condition"
    assert set(procedures["publics"]) == {"jeunes", "seniors", "familles", "demandeurs-emploi"}
    assert procedures["modes_mobilisation"] == ["se-presenter", "telephoner", "envoyer-un-courriel"]


def test_a_place_without_listed_services_offers_a_general_one(places):
    (service,) = [
        s
        for s in load("data-inclusion-services")
        if s["structure_id"].endswith(f"--lieu-{places['overseas'].pk}")
    ]
    assert service["nom"] == "Accompagnement au numérique"
    assert service["publics"] == ["personnes-en-situation-de-handicap"]
    assert service["frais"] == "payant"
    assert service["modes_mobilisation"] == ["telephoner"]


def test_everyone_stands_alone_in_publics(places):
    (service,) = [
        s
        for s in load("data-inclusion-services")
        if s["structure_id"].endswith(f"--lieu-{places['itinerant'].pk}")
    ]
    assert service["publics"] == ["tous-publics"]


def test_no_advisor_name_is_published(places):
    from cnfs.places.models import PlaceAdvisor

    PlaceAdvisor.objects.update(shown_publicly=True)
    text = (
        datasets.get(datasets.BY_SLUG["data-inclusion-structures"]).content
        + datasets.get(datasets.BY_SLUG["data-inclusion-services"]).content
        + datasets.get(datasets.BY_SLUG["lieux"]).content
    ).decode()
    for link in PlaceAdvisor.objects.select_related("advisor"):
        assert link.advisor.last_name not in text
        assert link.advisor.email not in text
