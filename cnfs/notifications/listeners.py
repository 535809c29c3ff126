"""The notifications follow what the domain announces (connected by ``NotificationsConfig``).

Each listener runs inside the announcing transaction: the notifications commit with the
decision, the e-mails leave after commit (``notify``).
"""

from django.db import transaction
from django.urls import reverse

from cnfs.accounts import services as accounts
from cnfs.accounts.enums import Role
from cnfs.candidates.services import attach_account
from cnfs.committee import signals as committee
from cnfs.committee.models import Session
from cnfs.common.money import euros
from cnfs.contracts import signals as contracts
from cnfs.coordination import signals as coordination
from cnfs.funding import signals as funding
from cnfs.notifications.kinds import Kind
from cnfs.notifications.services import (
    national_team,
    notify,
    person,
    prefecture_of,
    structure_managers,
)
from cnfs.structures import signals as structures
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement

T = "notifications/email/{}.txt"
SPACE = "/compte/"


def _structure_link(structure) -> str:
    return reverse("structures:detail", args=[structure.pk])


def on_application_confirmed(sender, *, structure, **kwargs):
    notify(
        structure_managers(structure),
        Kind.APPLICATION_RECEIVED,
        T.format("application_received"),
        {
            "structure": structure,
            "account_active": any(
                getattr(u, "is_active", False) for u in structure_managers(structure)
            ),
        },
        link=SPACE,
        about=f"structure:{structure.pk}",
    )


def on_opinion_requested(sender, *, post_request, **kwargs):
    structure = post_request.structure
    notify(
        prefecture_of(structure),
        Kind.OPINION_REQUESTED,
        T.format("opinion_requested"),
        {"request": post_request, "structure": structure},
        link=_structure_link(structure),
        about=f"request:{post_request.pk}",
    )


def on_opinion_given(sender, *, post_request, **kwargs):
    structure = post_request.structure
    notify(
        national_team(),
        Kind.OPINION_GIVEN,
        T.format("opinion_given"),
        {"request": post_request, "structure": structure},
        link=_structure_link(structure),
    )


def on_session_closed(sender, *, session, **kwargs):
    pk = session.pk
    transaction.on_commit(lambda: notify_session(pk))


def notify_session(session_pk: int):
    """Each structure its decision; each prefecture the decisions of its territory."""
    session = Session.objects.get(pk=session_pk)
    items = list(
        session.items.exclude(decision="")
        .select_related("request__structure__departement")
        .order_by("request__structure__departement_id", "position")
    )
    by_departement: dict[str, list] = {}
    for item in items:
        structure = item.request.structure
        by_departement.setdefault(structure.departement_id, []).append(item)
        notify(
            structure_managers(structure),
            Kind.COMMITTEE_DECISION,
            T.format("committee_decision"),
            {"item": item, "session": session, "structure": structure},
            link=SPACE,
            about=f"agenda_item:{item.pk}",
        )
    region_of = dict(Departement.objects.values_list("code", "region_id"))
    prefects: dict = {}
    for code, group in by_departement.items():
        structure = Structure(departement=Departement(code=code, region_id=region_of.get(code)))
        for user in prefecture_of(structure):
            prefects.setdefault(user, []).extend(group)
    for user, mine in prefects.items():
        notify(
            [user],
            Kind.COMMITTEE_DECISION,
            T.format("committee_prefecture_summary"),
            {"items": mine, "session": session},
            link=SPACE,
            about=f"session:{session.pk}",
        )


def on_recruitment_requested(sender, *, contract, **kwargs):
    notify(
        national_team(),
        Kind.RECRUITMENT_REQUESTED,
        T.format("recruitment_requested"),
        {"contract": contract},
        link=reverse("contracts:to_validate"),
    )


def on_recruitment_validated(sender, *, contract, **kwargs):
    candidate = contract.candidate
    if candidate.user_id is None or not candidate.user.is_active:
        # Recruited without a confirmed account (imported, never confirmed): an invitation.
        user = accounts.invite(
            candidate.email, first_name=candidate.first_name, last_name=candidate.last_name
        )
        accounts.grant_role(user, Role.ADVISOR)
        attach_account(candidate, user)
    about = f"contract:{contract.pk}"
    notify(
        person(contract.candidate),
        Kind.RECRUITMENT_VALIDATED,
        T.format("recruitment_validated_advisor"),
        {"contract": contract},
        link=SPACE,
        about=about,
    )
    notify(
        structure_managers(contract.structure),
        Kind.RECRUITMENT_VALIDATED,
        T.format("recruitment_validated_structure"),
        {"contract": contract},
        link=_structure_link(contract.structure),
        about=about,
    )


def on_recruitment_rejected(sender, *, contract, reason, **kwargs):
    notify(
        structure_managers(contract.structure),
        Kind.RECRUITMENT_REJECTED,
        T.format("recruitment_rejected"),
        {"contract": contract, "reason": reason},
        link=_structure_link(contract.structure),
    )


def on_contract_end_requested(sender, *, contract, **kwargs):
    notify(
        national_team(),
        Kind.CONTRACT_END_REQUESTED,
        T.format("contract_end_requested"),
        {"contract": contract},
        link=reverse("contracts:end_requests"),
    )


def on_contract_end_validated(sender, *, contract, **kwargs):
    recipients = person(contract.candidate) + structure_managers(contract.structure)
    notify(
        recipients,
        Kind.CONTRACT_END_VALIDATED,
        T.format("contract_end_validated"),
        {"contract": contract},
        link=SPACE,
        about=f"contract:{contract.pk}",
    )


def on_contract_left(sender, *, contract, **kwargs):
    recipients = person(contract.candidate) + structure_managers(contract.structure)
    notify(
        recipients,
        Kind.CONTRACT_ENDED,
        T.format("contract_ended"),
        {"contract": contract},
        link=SPACE,
        about=f"contract:{contract.pk}",
    )


def on_training_scheduled(sender, *, training, **kwargs):
    contract = training.contract
    recipients = person(contract.candidate) + structure_managers(contract.structure)
    notify(
        recipients,
        Kind.TRAINING_SCHEDULED,
        T.format("training_scheduled"),
        {"training": training, "contract": contract},
        link=SPACE,
    )


def on_training_certified(sender, *, training, **kwargs):
    contract = training.contract
    recipients = person(contract.candidate) + structure_managers(contract.structure)
    notify(
        recipients,
        Kind.TRAINING_CERTIFIED,
        T.format("training_certified"),
        {"training": training, "contract": contract},
        link=SPACE,
        about=f"training:{training.pk}",
    )


def on_payment_recorded(sender, *, payment, **kwargs):
    structure = payment.instalment.post.agreement.structure
    notify(
        structure_managers(structure),
        Kind.PAYMENT_MADE,
        T.format("payment_made"),
        {"payment": payment, "structure": structure, "amount": euros(payment.amount_cents)},
        link=SPACE,
    )


def on_link_invited(sender, *, link, **kwargs):
    notify(
        structure_managers(link.structure),
        Kind.COORDINATION_INVITED,
        T.format("coordination_invited"),
        {"coordination": link},
        link=reverse("coordination:structure_links"),
        about=f"link:{link.pk}",
    )


def on_link_answered(sender, *, link, accepted, **kwargs):
    notify(
        [link.coordinator.user],
        Kind.COORDINATION_ANSWERED,
        T.format("coordination_answered"),
        {"coordination": link, "accepted": accepted},
        link=reverse("coordination:coordinator"),
        about=f"link-answer:{link.pk}",
    )


def on_membership_declared(sender, *, membership, **kwargs):
    notify(
        list(membership.network.staff.all()),
        Kind.MEMBERSHIP_DECLARED,
        T.format("membership_declared"),
        {"membership": membership},
        link=reverse("coordination:network"),
        about=f"membership:{membership.pk}",
    )


def on_membership_answered(sender, *, membership, accepted, **kwargs):
    notify(
        structure_managers(membership.structure),
        Kind.MEMBERSHIP_ANSWERED,
        T.format("membership_answered"),
        {"membership": membership, "accepted": accepted},
        link=reverse("coordination:structure_networks"),
        about=f"membership-answer:{membership.pk}",
    )


def connect():
    uid = "notifications.{}".format
    for signal, receiver in (
        (structures.application_confirmed, on_application_confirmed),
        (structures.opinion_requested, on_opinion_requested),
        (structures.opinion_given, on_opinion_given),
        (committee.session_closed, on_session_closed),
        (contracts.recruitment_requested, on_recruitment_requested),
        (contracts.recruitment_validated, on_recruitment_validated),
        (contracts.recruitment_rejected, on_recruitment_rejected),
        (contracts.contract_end_requested, on_contract_end_requested),
        (contracts.contract_end_validated, on_contract_end_validated),
        (contracts.contract_left, on_contract_left),
        (contracts.training_scheduled, on_training_scheduled),
        (contracts.training_certified, on_training_certified),
        (funding.payment_recorded, on_payment_recorded),
        (coordination.link_invited, on_link_invited),
        (coordination.link_answered, on_link_answered),
        (coordination.membership_declared, on_membership_declared),
        (coordination.membership_answered, on_membership_answered),
    ):
        signal.connect(receiver, dispatch_uid=uid(receiver.__name__))
