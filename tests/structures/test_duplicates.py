"""A possible duplicate is shown wherever a decision is taken, and resolved by the
national team (DOMAIN §3.1)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.committee import services as committee
from cnfs.common.models import AuditEntry
from cnfs.structures.models import Structure
from tests import factories


@pytest.fixture
def flagged(jura):
    first = factories.StructureFactory(name="Premier dépôt", commune__departement=jura)
    second = factories.StructureFactory(
        name="Second dépôt",
        siret=first.siret,
        possible_duplicate_of=first,
        commune__departement=jura,
    )
    request = factories.PostRequestFactory(structure=second, opinion="")
    return second, request


def test_the_prefecture_sees_the_flag_on_the_opinion_form_and_the_structure_page(
    client, prefecture, flagged
):
    structure, request = flagged
    client.force_login(prefecture)
    opinion = client.get(reverse("followup:give_opinion", args=[request.pk])).content.decode()
    assert "Doublon possible" in opinion
    page = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Doublon possible" in page


def test_the_committee_agenda_shows_the_flag_and_asks_for_a_reason(client, national, flagged):
    structure, request = flagged
    session = committee.create_session(session_date=timezone.localdate(), by=national)
    factories.AgendaItemFactory(session=session, request=request)
    client.force_login(national)
    page = client.get(reverse("committee:session", args=[session.number])).content.decode()
    assert f"Doublon possible (structure n° {structure.possible_duplicate_of_id})" in page
    assert 'name="duplicate_reason"' in page


def test_the_national_team_lifts_the_flag_with_a_reason(client, national, flagged):
    structure, _ = flagged
    client.force_login(national)
    url = reverse("structures:detail", args=[structure.pk])
    response = client.post(url, {"action": "not_duplicate", "not-duplicate-reason": ""})
    assert response.status_code == 200
    assert Structure.objects.get(pk=structure.pk).possible_duplicate_of_id is not None
    response = client.post(
        url, {"action": "not_duplicate", "not-duplicate-reason": "Deux établissements."}
    )
    assert response.status_code == 302
    assert Structure.objects.get(pk=structure.pk).possible_duplicate_of_id is None
    entry = AuditEntry.objects.get(action="structure.not_duplicate")
    assert "Deux établissements" in entry.summary


def test_only_the_national_team_lifts_the_flag(client, prefecture, flagged):
    structure, _ = flagged
    client.force_login(prefecture)
    response = client.post(
        reverse("structures:detail", args=[structure.pk]),
        {"action": "not_duplicate", "not-duplicate-reason": "Non."},
    )
    assert response.status_code == 403
    assert Structure.objects.get(pk=structure.pk).possible_duplicate_of_id is not None
