"""A structure's team: a manager invites by e-mail (link valid 7 days), sees who has access,
withdraws an access (never the last one); a person recruited without an account is invited
at the validation. Inviter, invitee, outsider."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.contracts import services as contracts
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.structures import services
from tests import factories

INVITEE = "nouvelle.gestionnaire@exemple.fr"


def invitation_path() -> str:
    body = next(m.body for m in mail.outbox if "Invitation à gérer" in m.subject)
    return re.search(r"https?://[^/\s]+(/structures/rejoindre/\S+/)", body).group(1)


@pytest.fixture(autouse=True)
def mail_at_once(monkeypatch):
    """The e-mails leave after commit; a test's transaction never commits: send at once."""
    monkeypatch.setattr(
        "cnfs.common.mail.transaction.on_commit", lambda callback, *a, **k: callback()
    )


@pytest.fixture
def invitee(db):
    return factories.UserFactory(email=INVITEE)


# Inviter ------------------------------------------------------------------------------------


def test_a_manager_invites_from_the_team_page(client, owner, structure, invitee):
    client.force_login(owner)
    response = client.post(f"/structures/{structure.pk}/equipe/", {"email": INVITEE})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[INVITEE]]
    assert "7 jours" in mail.outbox[0].body


def test_the_team_page_lists_who_has_access(
    client, owner, structure, django_assert_max_num_queries
):
    client.force_login(owner)
    second = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])
    with django_assert_max_num_queries(12):
        text = client.get(f"/structures/{structure.pk}/equipe/").content.decode()
    assert owner.email in text and second.email in text


def test_an_unknown_address_gets_an_account_to_activate(owner, structure):
    services.invite_manager(structure, email="Inconnue@Exemple.fr", by=owner)
    user = User.objects.get(email="inconnue@exemple.fr")
    assert not user.is_active
    assert len(mail.outbox) == 2  # activation, then invitation


def test_a_bad_address_is_refused_at_the_field(owner, structure):
    with pytest.raises(ValidationError) as error:
        services.invite_manager(structure, email="pas-une-adresse", by=owner)
    assert error.value.message_dict["email"] == ["Saisissez une adresse e-mail valide."]
    assert mail.outbox == []


def test_a_manager_revokes_another(owner, structure):
    second = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])
    services.revoke_manager(structure, user=second, by=owner)
    assert list(services.team(structure)) == [owner]


def test_the_last_manager_cannot_be_revoked(client, owner, structure):
    client.force_login(owner)
    response = client.post(f"/structures/{structure.pk}/equipe/", {"revoke": owner.pk})
    assert response.status_code == 400
    assert "au moins un gestionnaire" in response.content.decode()
    assert list(services.team(structure)) == [owner]


# Invitee ------------------------------------------------------------------------------------


def test_the_invitee_joins_with_the_link(client, owner, structure, invitee):
    services.invite_manager(structure, email=INVITEE, by=owner)
    client.force_login(invitee)
    response = client.get(invitation_path())
    assert response.status_code == 302
    assert set(services.team(structure)) == {owner, invitee}


def test_the_link_expires_after_7_days(client, owner, structure, invitee):
    sent = timezone.now()
    with time_machine.travel(sent, tick=False):
        services.invite_manager(structure, email=INVITEE, by=owner)
    with time_machine.travel(sent + timedelta(days=7, seconds=1), tick=False):
        client.force_login(invitee)
        response = client.get(invitation_path())
    assert response.status_code == 400
    assert "expiré" in response.content.decode()
    assert list(services.team(structure)) == [owner]


def test_another_account_cannot_use_the_link(client, owner, structure, colleague):
    services.invite_manager(structure, email=INVITEE, by=owner)
    client.force_login(colleague)
    response = client.get(invitation_path())
    assert response.status_code == 400
    assert colleague not in services.team(structure)


def test_the_link_needs_a_login(client, owner, structure):
    services.invite_manager(structure, email=INVITEE, by=owner)
    response = client.get(invitation_path())
    assert response.status_code == 302 and "next=" in response["Location"]


# Outsider -----------------------------------------------------------------------------------


def test_a_manager_of_another_structure_cannot_invite(colleague, structure):
    with pytest.raises(PermissionDenied):
        services.invite_manager(structure, email=INVITEE, by=colleague)
    assert mail.outbox == []


def test_a_manager_of_another_structure_cannot_see_the_team(client, colleague, structure):
    client.force_login(colleague)
    assert client.get(f"/structures/{structure.pk}/equipe/").status_code == 404


def test_an_outsider_cannot_revoke(owner, structure, outsider):
    factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": structure})])
    with pytest.raises(PermissionDenied):
        services.revoke_manager(structure, user=owner, by=outsider)
    assert owner in services.team(structure)


# Recruited without an account -------------------------------------------------------------


def test_a_person_recruited_without_an_account_is_invited(
    national, django_capture_on_commit_callbacks
):
    employer = factories.StructureFactory(validated=True, granted_posts=1)
    manager = factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])
    candidate = factories.CandidateFactory(commune=employer.commune, email="recrue@exemple.fr")
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=employer,
        status=ProposalStatus.SHORTLISTED,
        distance_km=1,
        score=1,
    )
    contract = contracts.request_recruitment(
        proposal,
        kind="cdi",
        start_date=date(2030, 1, 6),
        end_date=None,
        weekly_hours=35,
        salary_cents=250_000,
        by=manager,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        contracts.validate_recruitment(contract, by=national)
    candidate.refresh_from_db()
    user = candidate.user
    assert user is not None and not user.is_active and user.role_kinds() == [Role.ADVISOR]
    activation = [m for m in mail.outbox if m.to == ["recrue@exemple.fr"] and "activ" in m.body]
    assert activation


def test_the_structure_page_links_its_managers_to_the_team(client, structure, owner, prefecture):
    url = reverse("structures:detail", args=[structure.pk])
    team = reverse("structures:team", args=[structure.pk])
    client.force_login(owner)
    assert team in client.get(url).content.decode()
    client.force_login(prefecture)
    assert team not in client.get(url).content.decode()
