import pytest
from django.urls import reverse

from cnfs.committee.enums import Decision
from cnfs.structures import services
from cnfs.structures.enums import Opinion, RequestStatus, StructureStatus
from cnfs.structures.models import STRUCTURE_WORKFLOW
from tests import factories
from tests.factories import PostRequestFactory, StructureFactory


def detail_url(structure):
    return reverse("structures:detail", args=[structure.pk])


def test_owner_sees_the_page_of_its_structure_with_its_contact(client, owner, structure):
    client.force_login(owner)
    response = client.get(detail_url(structure))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "ECLA" in page
    assert structure.contact_email in page
    assert "Statut : Candidature déposée" in page


def test_colleague_of_the_same_departement_gets_404(client, colleague, structure):
    client.force_login(colleague)
    assert client.get(detail_url(structure)).status_code == 404


def test_prefecture_of_another_departement_gets_404(client, outsider, structure):
    client.force_login(outsider)
    assert client.get(detail_url(structure)).status_code == 404


def test_prefecture_of_the_departement_sees_the_contact(client, prefecture, structure):
    client.force_login(prefecture)
    response = client.get(detail_url(structure))
    assert response.status_code == 200
    assert structure.contact_email in response.content.decode()


def test_candidate_gets_403(client, candidate, structure):
    client.force_login(candidate)
    assert client.get(detail_url(structure)).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client, structure):
    response = client.get(detail_url(structure))
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_financial_operator_sees_money_but_not_the_contact(client, financial, structure):
    structure.committed_subsidy_cents = 90_000_000
    structure.granted_posts = 18
    structure.save()
    client.force_login(financial)
    page = client.get(detail_url(structure)).content.decode()
    assert "900\u202f000,00 €" in page
    assert structure.contact_email not in page
    assert structure.contact_phone not in page


def test_history_shows_each_transition_with_who_and_why(client, national, owner, structure):
    STRUCTURE_WORKFLOW.apply(structure, "review", by=national, reason="Pièces manquantes")
    client.force_login(owner)
    page = client.get(detail_url(structure)).content.decode()
    assert "Historique des statuts" in page
    assert "Pièces manquantes" in page
    row = page[page.index("Pièces manquantes") - 400 : page.index("Pièces manquantes")]
    assert "Candidature déposée" in row and "Examen complémentaire" in row
    assert national.full_name in row


def test_requests_show_the_prefecture_opinion_and_the_committee_decision(
    client, national, prefecture, structure
):
    request = PostRequestFactory(structure=structure)
    services.give_opinion(
        request, opinion=Opinion.FAVOURABLE, comment="Territoire prioritaire", by=prefecture
    )
    factories.AgendaItemFactory(
        request=request, session__number=12, decision=Decision.GRANTED, posts=1
    )
    client.force_login(national)
    page = client.get(detail_url(structure)).content.decode()
    assert "Favorable" in page and "Territoire prioritaire" in page
    assert "COSELEC 12" in page and "Postes accordés (1 poste)" in page


def test_national_team_sees_the_possible_duplicate_and_links_to_it(client, national, structure):
    copy = StructureFactory(siret=structure.siret, possible_duplicate_of=structure)
    client.force_login(national)
    page = client.get(detail_url(copy)).content.decode()
    assert "Doublon possible" in page
    assert f'href="{detail_url(structure)}"' in page


def test_structure_manager_does_not_see_the_duplicate_flag(client, jura):
    original = StructureFactory(commune__departement=jura)
    copy = StructureFactory(siret=original.siret, possible_duplicate_of=original)
    manager = factories.UserFactory(roles=[("structure", {"structure": copy})])
    client.force_login(manager)
    page = client.get(detail_url(copy)).content.decode()
    assert "Doublon possible" not in page
    assert "Marquer comme doublon" not in page


def test_national_team_marks_a_duplicate_with_a_reason(client, national, structure):
    request = PostRequestFactory(structure=structure)
    client.force_login(national)
    response = client.post(detail_url(structure), {"reason": "Même structure que n° 12"})
    assert response.status_code == 302
    structure.refresh_from_db()
    request.refresh_from_db()
    assert structure.status == StructureStatus.DUPLICATE
    assert request.status == RequestStatus.WITHDRAWN
    log = STRUCTURE_WORKFLOW.log_of(structure).get()
    assert (log.by, log.reason) == (national, "Même structure que n° 12")


def test_marking_a_duplicate_needs_a_reason(client, national, structure):
    client.force_login(national)
    response = client.post(detail_url(structure), {"reason": ""})
    assert response.status_code == 200
    assert "Indiquez pourquoi" in response.content.decode()
    structure.refresh_from_db()
    assert structure.status == StructureStatus.SUBMITTED


@pytest.mark.parametrize("persona", ["owner", "prefecture"])
def test_only_the_national_team_marks_a_duplicate(client, request, structure, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(detail_url(structure), {"reason": "Doublon"})
    assert response.status_code == 403
    structure.refresh_from_db()
    assert structure.status == StructureStatus.SUBMITTED


def test_manager_of_a_validated_structure_gets_the_amendment_link(client, owner, structure):
    amend_url = reverse("structures:amend", args=[structure.pk])
    client.force_login(owner)
    assert amend_url not in client.get(detail_url(structure)).content.decode()
    structure.status = StructureStatus.VALIDATED
    structure.granted_posts = 1
    structure.save()
    assert amend_url in client.get(detail_url(structure)).content.decode()


def test_detail_page_query_count_does_not_grow_with_requests(
    client, national, structure, django_assert_max_num_queries
):
    for number in range(1, 6):
        request = PostRequestFactory(structure=structure, status=RequestStatus.DECIDED)
        factories.AgendaItemFactory(request=request, session__number=number)
        STRUCTURE_WORKFLOW.apply(structure, "review", by=national, reason=f"n° {number}")
        STRUCTURE_WORKFLOW.apply(structure, "resubmit", by=national)
    client.force_login(national)
    with django_assert_max_num_queries(15):
        assert client.get(detail_url(structure)).status_code == 200
