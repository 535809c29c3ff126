"""Every decision that concerns a person: a notification in the person's space and an
e-mail in French, sent after commit."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.contracts import services as contracts
from cnfs.contracts.models import Contract
from cnfs.funding import services as funding
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.notifications import services
from cnfs.notifications.kinds import OPTIONAL, Kind
from cnfs.notifications.models import Notification
from cnfs.structures import services as structures
from cnfs.structures.enums import Opinion
from tests import factories

START = date(2021, 5, 3)
CDD = {"kind": "cdd", "start_date": START, "end_date": date(2023, 5, 2), "weekly_hours": 35}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2021, 4, 1), tick=False):
        yield


@pytest.fixture
def employer(jura):
    return factories.StructureFactory(validated=True, granted_posts=1, commune__departement=jura)


@pytest.fixture
def manager(employer):
    return factories.UserFactory(roles=[(Role.STRUCTURE, {"structure": employer})])


@pytest.fixture
def advisor_user(db):
    return factories.UserFactory(email="sam@exemple.fr")


@pytest.fixture
def requested(employer, manager, advisor_user):
    candidate = factories.CandidateFactory(commune=employer.commune, user=advisor_user)
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=employer,
        status=ProposalStatus.SHORTLISTED,
        distance_km=1,
        score=1,
    )
    return contracts.request_recruitment(proposal, salary_cents=180_000, by=manager, **CDD)


@pytest.fixture
def active(requested, national):
    return contracts.validate_recruitment(requested, by=national)


def outbox():
    return [(m.to[0], m.subject) for m in mail.outbox]


def test_application_received_and_opinion_requested(jura, django_capture_on_commit_callbacks):
    prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])
    structure = factories.StructureFactory(commune__departement=jura, email_confirmed_at=None)
    factories.PostRequestFactory(structure=structure)
    with django_capture_on_commit_callbacks(execute=True):
        structures.confirm_email(structure)
    subjects = dict(outbox())
    assert subjects[structure.contact_email].startswith(f"Candidature de {structure.name}")
    assert subjects[prefect.email].startswith("Avis demandé")
    manager = structure.managers.get().user
    assert manager.notifications.get().kind == Kind.APPLICATION_RECEIVED


def test_opinion_given_tells_the_national_team(jura, national, django_capture_on_commit_callbacks):
    prefect = factories.UserFactory(roles=[(Role.PREFECTURE, {"departement": jura})])
    post_request = factories.PostRequestFactory(structure__commune__departement=jura)
    with django_capture_on_commit_callbacks(execute=True):
        structures.give_opinion(post_request, opinion=Opinion.FAVOURABLE, by=prefect)
    assert outbox() == [
        (
            national.email,
            f"Avis du préfet rendu : {post_request.structure.name} — Conseiller numérique",
        )
    ]


def test_recruitment_requested_tells_the_national_team(
    employer, manager, advisor_user, national, django_capture_on_commit_callbacks
):
    candidate = factories.CandidateFactory(commune=employer.commune, user=advisor_user)
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=employer,
        status=ProposalStatus.SHORTLISTED,
        distance_km=1,
        score=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        contracts.request_recruitment(proposal, salary_cents=180_000, by=manager, **CDD)
    assert outbox() == [
        (national.email, f"Recrutement à valider : {employer.name} — Conseiller numérique")
    ]


def test_recruitment_validated_tells_the_advisor_and_the_structure(
    requested, manager, advisor_user, national, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contracts.validate_recruitment(requested, by=national)
    assert sorted(outbox()) == sorted(
        [
            (advisor_user.email, "Votre recrutement est validé — Conseiller numérique"),
            (manager.email, "Recrutement validé — Conseiller numérique"),
        ]
    )
    assert "Votre recrutement comme conseiller numérique" in mail.outbox[0].body + (
        mail.outbox[1].body
    )


def test_recruitment_refused_tells_the_structure_with_the_reason(
    requested, manager, national, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contracts.reject_recruitment(requested, reason="Salaire mal renseigné", by=national)
    assert outbox() == [(manager.email, "Recrutement refusé — Conseiller numérique")]
    assert "Motif : Salaire mal renseigné" in mail.outbox[0].body


def test_nothing_leaves_when_the_decision_is_rolled_back(requested, national):
    # Without the commit, no e-mail (the notification rows go with the transaction).
    contracts.validate_recruitment(requested, by=national)
    assert mail.outbox == []


def test_contract_end_requested_then_validated_then_ended(
    active, manager, advisor_user, national, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contracts.request_contract_end(
            active, ended_on=date(2021, 6, 30), reason="resignation", by=manager
        )
    assert outbox() == [
        (
            national.email,
            f"Fin de contrat à valider : {active.structure.name} — Conseiller numérique",
        )
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        contracts.validate_contract_end(active, by=national)
    assert sorted(outbox()) == sorted(
        [
            (advisor_user.email, "Fin de contrat validée — Conseiller numérique"),
            (manager.email, "Fin de contrat validée — Conseiller numérique"),
        ]
    )
    mail.outbox.clear()
    with (
        time_machine.travel(date(2021, 7, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contracts.leave(Contract.objects.get(pk=active.pk))
        contracts.leave(Contract.objects.get(pk=active.pk))  # announced twice: told once
    assert sorted(outbox()) == sorted(
        [
            (advisor_user.email, "Contrat terminé — Conseiller numérique"),
            (manager.email, "Contrat terminé — Conseiller numérique"),
        ]
    )


def test_training_scheduled_and_certified(
    active, manager, advisor_user, national, django_capture_on_commit_callbacks
):
    training = Contract.objects.get(pk=active.pk).training
    with django_capture_on_commit_callbacks(execute=True):
        contracts.record_training(
            training,
            positioning_level=2,
            start_date=START,
            end_date=START + timedelta(weeks=8),
            by=national,
        )
    assert {s for _, s in outbox()} == {"Formation initiale programmée — Conseiller numérique"}
    assert {to for to, _ in outbox()} == {advisor_user.email, manager.email}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        contracts.record_training(
            training,
            completed_on=date(2021, 6, 28),
            certified=True,
            certified_on=date(2021, 7, 1),
            by=national,
        )
    assert {s for _, s in outbox()} == {"Certification obtenue — Conseiller numérique"}


def test_payment_made_tells_the_structure(employer, manager, django_capture_on_commit_callbacks):
    operator = factories.UserFactory(roles=[(Role.FINANCIAL, {})])
    contract = factories.validated_contract(employer, start=START)
    instalment = funding.start_post_funding(contract).instalments.order_by("due_date").first()
    with django_capture_on_commit_callbacks(execute=True):
        funding.record_payment(
            instalment, paid_on=date(2021, 3, 1), amount="1000", reference="V-1", by=operator
        )
    assert outbox() == [
        (manager.email, "Versement effectué : 1\u202f000,00 € — Conseiller numérique")
    ]
    assert "référence V-1" in mail.outbox[0].body


def test_a_non_essential_kind_switched_off_is_listed_but_not_e_mailed(
    employer, manager, advisor_user, national, django_capture_on_commit_callbacks
):
    services.set_preferences(national, disabled=[Kind.RECRUITMENT_REQUESTED])
    candidate = factories.CandidateFactory(commune=employer.commune, user=advisor_user)
    proposal = Proposal.objects.create(
        candidate=candidate,
        structure=employer,
        status=ProposalStatus.SHORTLISTED,
        distance_km=1,
        score=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        contracts.request_recruitment(proposal, salary_cents=180_000, by=manager, **CDD)
    assert mail.outbox == []
    assert national.notifications.get().kind == Kind.RECRUITMENT_REQUESTED


def test_an_essential_kind_cannot_be_switched_off(
    requested, manager, national, django_capture_on_commit_callbacks
):
    services.set_preferences(manager, disabled=[Kind.RECRUITMENT_REJECTED])
    assert not manager.notification_opt_outs.exists()
    with django_capture_on_commit_callbacks(execute=True):
        contracts.reject_recruitment(requested, reason="Doublon", by=national)
    assert [to for to, _ in outbox()] == [manager.email]


# The person's space --------------------------------------------------------------------


def test_the_list_shows_only_the_persons_notifications(client, manager, national):
    Notification.objects.create(recipient=manager, kind=Kind.PAYMENT_MADE, text="Versement A")
    Notification.objects.create(recipient=national, kind=Kind.PAYMENT_MADE, text="Versement B")
    client.force_login(manager)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Versement A" in page and "Versement B" not in page


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_the_list_takes_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    for n in range(20):
        Notification.objects.create(recipient=manager, kind=Kind.PAYMENT_MADE, text=f"V {n}")
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:list"))


def test_mark_all_read(client, manager):
    Notification.objects.create(recipient=manager, kind=Kind.PAYMENT_MADE, text="Versement")
    client.force_login(manager)
    client.post(reverse("notifications:mark_read"))
    assert services.unread_count(manager) == 0


def test_preferences_page_switches_a_kind_off(client, national):
    client.force_login(national)
    enabled = [k.value for k in OPTIONAL if k != Kind.OPINION_GIVEN]
    client.post(reverse("notifications:preferences"), {"enabled": enabled})
    assert services.disabled_kinds(national) == {Kind.OPINION_GIVEN}


# The development mailbox -----------------------------------------------------------------


def test_the_mailbox_does_not_exist_in_production(client, settings):
    settings.DEBUG = False
    assert client.get(reverse("notifications:mailbox")).status_code == 404


def test_the_mailbox_shows_the_sent_e_mails_in_development(client, settings, tmp_path):
    settings.DEBUG = True
    settings.DEV_MAILBOX_DIR = tmp_path
    settings.EMAIL_BACKEND = "cnfs.notifications.devmail.MailboxBackend"
    mail.send_mail("Votre recrutement est validé", "Bonjour,\nc’est fait.", None, ["a@b.fr"])
    page = client.get(reverse("notifications:mailbox")).content.decode()
    assert "Votre recrutement est validé" in page and "a@b.fr" in page
    name = next(tmp_path.glob("*.eml")).stem
    detail = client.get(reverse("notifications:mailbox_message", args=[name])).content.decode()
    assert "c’est fait." in detail
