"""Use cases of coordination: coordinators and their advisors, hubs, networks (DOMAIN §8).

Every use case takes its actor as ``by=``: guard → transaction → write → audit. People are
named by number in the journal.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.scope import active_role
from cnfs.common import audit
from cnfs.contracts.models import Contract
from cnfs.coordination import signals
from cnfs.coordination.enums import ActivityKind, LinkStatus, MembershipStatus
from cnfs.coordination.models import (
    LINK_WORKFLOW,
    MEMBERSHIP_WORKFLOW,
    CoordinationActivity,
    CoordinationLink,
    Coordinator,
    Hub,
    Membership,
    Network,
)
from cnfs.posts.enums import PostKind


def _role(by):
    role = active_role(by)
    return role.kind if role is not None else None


def _manages(by, structure_id) -> bool:
    role = active_role(by)
    return role is not None and role.kind == Role.STRUCTURE and structure_id in role.structures


def coordination_contract(user):
    """The contract in post today of ``user`` that holds a coordination post, or None."""
    return (
        Contract.objects.in_post()
        .filter(candidate__user=user, post__kind=PostKind.COORDINATION)
        .select_related("structure")
        .first()
    )


@transaction.atomic
def appoint_coordinator(*, advisor, departements=(), shown_publicly=False, by) -> Coordinator:
    """Make ``advisor`` a coordinator: his or her contract must hold a coordination post.
    The national team or a manager of the employing structure appoints."""
    contract = coordination_contract(advisor)
    if contract is None:
        raise ValidationError(
            "Ce conseiller n’occupe pas de poste de coordination (un poste attribué comme tel "
            "par le comité de sélection)."
        )
    if _role(by) != Role.NATIONAL and not _manages(by, contract.structure_id):
        raise PermissionDenied("Seuls l’équipe nationale et la structure employeuse nomment.")
    coordinator, _ = Coordinator.objects.get_or_create(
        user=advisor, defaults={"shown_publicly": shown_publicly}
    )
    if departements:
        coordinator.departements.set(departements)
    RoleAssignment.objects.get_or_create(user=advisor, role=Role.COORDINATOR)
    audit.record(
        "coordination.appoint",
        by=by,
        obj=coordinator,
        summary=f"Conseiller n° {advisor.pk} nommé coordinateur",
        changes={"departements": [getattr(d, "pk", d) for d in departements]},
    )
    return coordinator


def _coordinator_of(by) -> Coordinator:
    if _role(by) != Role.COORDINATOR:
        raise PermissionDenied("Votre rôle actif n’est pas celui de coordinateur.")
    coordinator = Coordinator.objects.filter(user=by).first()
    if coordinator is None:
        raise PermissionDenied("Vous n’êtes pas coordinateur.")
    return coordinator


@transaction.atomic
def invite(*, advisor, by) -> CoordinationLink:
    """The coordinator ``by`` invites an advisor in post; the advisor's structure answers."""
    coordinator = _coordinator_of(by)
    if advisor.pk == by.pk:
        raise ValidationError({"advisor": "Un coordinateur ne se coordonne pas lui-même."})
    contract = Contract.objects.in_post().filter(candidate__user=advisor).first()
    if contract is None:
        raise ValidationError({"advisor": "Ce conseiller n’est pas en poste."})
    if CoordinationLink.objects.filter(
        coordinator=coordinator,
        advisor=advisor,
        status__in=[LinkStatus.INVITED, LinkStatus.ACCEPTED],
    ).exists():
        raise ValidationError({"advisor": "Ce conseiller est déjà invité ou coordonné."})
    link = CoordinationLink.objects.create(
        coordinator=coordinator, advisor=advisor, structure_id=contract.structure_id
    )
    audit.record(
        "coordination.invite",
        by=by,
        obj=link,
        summary=f"Conseiller n° {advisor.pk} invité par le coordinateur n° {coordinator.pk}",
    )
    signals.link_invited.send(sender=CoordinationLink, link=link)
    return link


def answer(link: CoordinationLink, *, accept: bool, by) -> CoordinationLink:
    """A manager of the advisor's structure accepts or declines the coordination."""
    if not _manages(by, link.structure_id):
        raise PermissionDenied("Seule la structure du conseiller répond à l’invitation.")
    LINK_WORKFLOW.apply(
        link, "accept" if accept else "decline", by=by, extra={"answered_at": timezone.now()}
    )
    signals.link_answered.send(sender=CoordinationLink, link=link, accepted=accept)
    return link


def end_link(link: CoordinationLink, *, by) -> CoordinationLink:
    """The coordinator or the advisor's structure ends the coordination."""
    if not (_manages(by, link.structure_id) or link.coordinator.user_id == by.pk):
        raise PermissionDenied("Seuls le coordinateur et la structure du conseiller y mettent fin.")
    LINK_WORKFLOW.apply(link, "end", by=by)
    return link


ACTIVITY_FIELDS = ("date", "kind", "title", "participants", "duration_minutes")


@transaction.atomic
def record_activity(*, data: dict, by) -> CoordinationActivity:
    """A coordinator records one of his or her own coordination activities."""
    coordinator = _coordinator_of(by)
    errors = {}
    if data.get("kind") not in ActivityKind.values:
        errors["kind"] = "Choisissez la nature de l’activité."
    if not (data.get("title") or "").strip():
        errors["title"] = "Indiquez l’intitulé de l’activité."
    day = data.get("date")
    if day is None:
        errors["date"] = "Indiquez la date de l’activité."
    elif day > timezone.localdate():
        errors["date"] = "La date de l’activité ne peut pas être dans le futur."
    if errors:
        raise ValidationError(errors)
    activity = CoordinationActivity(
        coordinator=coordinator, **{name: data.get(name) for name in ACTIVITY_FIELDS}
    )
    activity.title = activity.title.strip()
    activity.full_clean()
    activity.save()
    audit.record(
        "coordination.activity",
        by=by,
        obj=activity,
        summary=f"{activity.get_kind_display()} du {activity.date:%d/%m/%Y} enregistrée",
    )
    return activity


@transaction.atomic
def declare_membership(*, structure, network: Network, by) -> Membership:
    """A manager of ``structure`` declares its membership of ``network``."""
    if not _manages(by, structure.pk):
        raise PermissionDenied("Seule la structure déclare son appartenance à un réseau.")
    if Membership.objects.filter(
        network=network,
        structure=structure,
        status__in=[MembershipStatus.DECLARED, MembershipStatus.CONFIRMED],
    ).exists():
        raise ValidationError({"network": "Cette adhésion est déjà déclarée."})
    membership = Membership.objects.create(network=network, structure=structure)
    audit.record(
        "network.declare", by=by, obj=structure, summary=f"Adhésion déclarée au réseau {network}"
    )
    signals.membership_declared.send(sender=Membership, membership=membership)
    return membership


def _staff_of(network_id, by) -> bool:
    return _role(by) == Role.NETWORK and Network.objects.filter(pk=network_id, staff=by).exists()


def confirm_membership(membership: Membership, *, accept: bool = True, by) -> Membership:
    """The network confirms (or refuses) a declared membership."""
    if not _staff_of(membership.network_id, by):
        raise PermissionDenied("Seule l’équipe du réseau confirme une adhésion.")
    MEMBERSHIP_WORKFLOW.apply(membership, "confirm" if accept else "refuse", by=by)
    signals.membership_answered.send(sender=Membership, membership=membership, accepted=accept)
    return membership


def end_membership(membership: Membership, *, by) -> Membership:
    """The structure or the network ends a membership: the network's view follows."""
    if not (_manages(by, membership.structure_id) or _staff_of(membership.network_id, by)):
        raise PermissionDenied("Seuls la structure et le réseau mettent fin à l’adhésion.")
    MEMBERSHIP_WORKFLOW.apply(membership, "end", by=by)
    return membership


@transaction.atomic
def add_staff(organisation: Hub | Network, *, user, by):
    """The national team adds a person to a hub's or a network's team (with the role)."""
    if _role(by) != Role.NATIONAL:
        raise PermissionDenied("Seule l’équipe nationale compose les équipes.")
    organisation.staff.add(user)
    role = Role.HUB if isinstance(organisation, Hub) else Role.NETWORK
    RoleAssignment.objects.get_or_create(user=user, role=role)
    audit.record(
        f"{role}.staff", by=by, obj=organisation, summary=f"Utilisateur n° {user.pk} ajouté"
    )
