"""Host structures: application, e-mail confirmation, prefecture opinion, amendments."""

from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts import models as account_models
from cnfs.accounts import services as accounts
from cnfs.accounts.enums import Role
from cnfs.common import audit
from cnfs.common.mail import send_templated_email
from cnfs.common.retention import UNCONFIRMED_KEPT_DAYS, midnight
from cnfs.common.validators import normalize_french_phone
from cnfs.structures import signals
from cnfs.structures.enums import (
    AdditionReason,
    GivebackReason,
    Opinion,
    RequestKind,
    RequestStatus,
    StructureStatus,
)
from cnfs.structures.models import REQUEST_WORKFLOW, STRUCTURE_WORKFLOW, PostRequest, Structure
from cnfs.structures.perms import can_decide, can_give_opinion, can_request_amendment

CONFIRMATION_SALT = "cnfs.structures.confirm"
MAX_POSTS_PER_REQUEST = 50
CONFIRMATION_MAX_AGE = 7 * 24 * 3600

# fmt: skip below: a data table laid out by hand for reading.
APPLICATION_FIELDS = [
    "legal_type", "name", "siret", "address", "commune", "contact_first_name",
    "contact_last_name", "contact_role", "contact_email", "contact_phone", "posts_requested",
    "desired_start_date", "motivation", "label_france_services", "label_aidants_connect",
    "identified_candidate", "is_library",
]  # fmt: skip


def confirmation_link(structure) -> str:
    token = signing.dumps(structure.pk, salt=CONFIRMATION_SALT)
    return settings.SITE_URL + reverse("structures:confirm", args=[token])


def structure_from_token(token: str) -> Structure | None:
    try:
        pk = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return Structure.objects.filter(pk=pk).first()


@transaction.atomic
def submit_application(*, by=None, **data) -> Structure:
    """Record an application (all commitments accepted) and e-mail the confirmation link.

    A SIRET already known is flagged as a possible duplicate for the national team: the
    application is kept, never merged nor refused.
    """
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {sorted(unknown)}")
    structure = Structure(**data, commitments_accepted_at=timezone.now())
    structure.siret = structure.siret.replace(" ", "")
    structure.contact_email = structure.contact_email.strip().lower()
    errors = {}
    if structure.contact_phone:
        try:
            structure.contact_phone = normalize_french_phone(structure.contact_phone)
        except ValidationError as error:
            errors["contact_phone"] = error.messages
    if structure.posts_requested and structure.posts_requested > MAX_POSTS_PER_REQUEST:
        errors["posts_requested"] = [f"Au plus {MAX_POSTS_PER_REQUEST} postes par demande."]
    if structure.desired_start_date and structure.desired_start_date < timezone.localdate():
        errors["desired_start_date"] = ["La date de démarrage ne peut pas être passée."]
    if errors:
        raise ValidationError(errors)
    structure.full_clean(exclude=["departement"])
    structure.possible_duplicate_of = (
        Structure.objects.filter(siret=structure.siret).order_by("created_at").first()
    )
    structure.save()
    PostRequest.objects.create(
        structure=structure,
        kind=RequestKind.APPLICATION,
        posts=structure.posts_requested,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit.record(
        "structure.apply",
        by=by,
        obj=structure,
        summary=f"Candidature déposée ({structure.posts_requested} poste(s) souhaité(s))"
        + (" — doublon possible (SIRET déjà connu)" if structure.possible_duplicate_of else ""),
    )
    send_templated_email(
        structure.contact_email,
        "structures/email/confirm_application.txt",
        {"structure": structure, "link": confirmation_link(structure)},
    )
    return structure


@transaction.atomic
def confirm_email(structure: Structure) -> bool:
    """Confirm the contact's address; give the contact a structure-manager account.

    Returns False when it was already confirmed (the link may be clicked twice)."""
    updated = Structure.objects.filter(pk=structure.pk, email_confirmed_at__isnull=True).update(
        email_confirmed_at=timezone.now()
    )
    if not updated:
        return False
    structure.refresh_from_db()
    user = accounts.invite(
        structure.contact_email,
        first_name=structure.contact_first_name,
        last_name=structure.contact_last_name,
    )
    accounts.grant_role(user, Role.STRUCTURE, structure=structure)
    audit.record("structure.confirm_email", obj=structure, summary="Adresse e-mail confirmée")
    signals.application_confirmed.send(sender=Structure, structure=structure)
    for post_request in structure.requests.filter(status=RequestStatus.OPEN):
        signals.opinion_requested.send(sender=PostRequest, post_request=post_request)
    return True


@transaction.atomic
def give_opinion(post_request: PostRequest, *, opinion, comment="", suggested_posts=None, by):
    """The prefecture's opinion on an application or an addition of posts of its territory."""
    if not can_give_opinion(by, post_request):
        raise PermissionDenied("Seule la préfecture du territoire de la structure donne son avis.")
    post_request = PostRequest.objects.select_for_update().get(pk=post_request.pk)
    if post_request.status != RequestStatus.OPEN:
        raise ValidationError("Cette demande n’est plus en cours d’instruction.")
    if not post_request.needs_opinion:
        raise ValidationError("Un rendu de postes ne demande pas d’avis du préfet.")
    if opinion not in Opinion.values:
        raise ValidationError({"opinion": "Choisissez un avis favorable ou défavorable."})
    if suggested_posts is not None and suggested_posts < 1:
        raise ValidationError({"opinion_suggested_posts": "Suggérez au moins 1 poste."})
    previous = post_request.opinion
    post_request.opinion = opinion
    post_request.opinion_comment = comment
    post_request.opinion_suggested_posts = suggested_posts
    post_request.opinion_by = by
    post_request.opinion_at = timezone.now()
    post_request.save()
    audit.record(
        "post_request.opinion",
        by=by,
        obj=post_request.structure,
        summary=f"Avis du préfet : {post_request.get_opinion_display()}"
        + (f" ({suggested_posts} poste(s) suggéré(s))" if suggested_posts else "")
        + (f", remplace l’avis {Opinion(previous).label.lower()}" if previous else ""),
        changes={"request": post_request.pk, "opinion": opinion, "comment": comment},
    )
    signals.opinion_given.send(sender=PostRequest, post_request=post_request)
    return post_request


@transaction.atomic
def request_amendment(structure: Structure, *, kind, posts: int, reason: str, comment="", by):
    """Ask for more posts, or give posts back (never below the posts occupied)."""
    if not can_request_amendment(by, structure):
        raise PermissionDenied("Seul un gestionnaire de la structure demande un avenant.")
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.status != StructureStatus.VALIDATED:
        raise ValidationError("Seule une structure validée peut demander un avenant.")
    if kind not in (RequestKind.ADDITION, RequestKind.GIVEBACK):
        raise ValidationError({"kind": "Choisissez un ajout ou un rendu de postes."})
    if posts is None or posts < 1:
        raise ValidationError({"posts": "Le nombre de postes est au moins 1."})

    reasons = AdditionReason if kind == RequestKind.ADDITION else GivebackReason
    if reason not in reasons.values:
        raise ValidationError({"reason": "Choisissez un motif dans la liste."})
    if kind == RequestKind.GIVEBACK and structure.granted_posts - posts < structure.occupied_posts:
        raise ValidationError(
            {
                "posts": (
                    f"Vous ne pouvez rendre au plus que {structure.open_posts} poste(s) : "
                    f"{structure.occupied_posts} poste(s) sont occupés."
                )
            }
        )
    try:
        with transaction.atomic():
            post_request = PostRequest.objects.create(
                structure=structure,
                kind=kind,
                posts=posts,
                reason=reason,
                comment=comment,
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError("Une demande est déjà en cours pour cette structure.") from None
    audit.record(
        "post_request.amendment",
        by=by,
        obj=structure,
        summary=f"{post_request.get_kind_display()} : {posts} poste(s), "
        f"motif « {reasons(reason).label} »",
    )
    if post_request.needs_opinion:
        signals.opinion_requested.send(sender=PostRequest, post_request=post_request)
    return post_request


@transaction.atomic
def clear_duplicate_flag(structure: Structure, *, reason: str, by):
    """The national team checked a flagged application: not a duplicate (kept in the
    journal with its reason); posts may be granted without a confirmation since."""
    if not can_decide(by):
        raise PermissionDenied("Seule l’équipe nationale traite les doublons.")
    if not reason.strip():
        raise ValidationError({"reason": "Indiquez pourquoi ce n’est pas un doublon."})
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.possible_duplicate_of_id is None:
        raise ValidationError("Cette candidature n’est pas signalée comme doublon possible.")
    other = structure.possible_duplicate_of_id
    Structure.objects.filter(pk=structure.pk).update(possible_duplicate_of=None)
    audit.record(
        "structure.not_duplicate",
        by=by,
        obj=structure,
        summary=f"N’est pas un doublon de la structure n° {other} : {reason.strip()}",
        changes={"possible_duplicate_of": [other, None]},
    )


@transaction.atomic
def mark_duplicate(structure: Structure, *, reason: str, by):
    STRUCTURE_WORKFLOW.apply(structure, "mark_duplicate", by=by, reason=reason)
    for post_request in structure.requests.filter(status=RequestStatus.OPEN):
        REQUEST_WORKFLOW.apply(post_request, "withdraw", by=by, reason=reason)


# Retention ---------------------------------------------------------------------------------


def unconfirmed_applications(today: date):
    """Applications whose address was not confirmed within ``UNCONFIRMED_KEPT_DAYS`` days
    and that nothing refers to (no manager, committee item, post, contract)."""
    return (
        Structure.objects.filter(
            email_confirmed_at__isnull=True,
            status=StructureStatus.SUBMITTED,
            created_at__lt=midnight(today - timedelta(days=UNCONFIRMED_KEPT_DAYS - 1)),
        )
        .exclude(managers__isnull=False)
        .exclude(requests__agenda_items__isnull=False)
        .exclude(posts__isnull=False)
        .exclude(contracts__isnull=False)
    )


@transaction.atomic
def delete_unconfirmed(structure: Structure, *, today: date) -> bool:
    """Delete an application never confirmed (the command records the count)."""
    if not unconfirmed_applications(today).filter(pk=structure.pk).exists():
        return False
    structure.delete()
    return True


# Team: the structure's managers ----------------------------------------------------------

INVITATION_SALT = "cnfs.structures.invite_manager"
INVITATION_MAX_AGE = 7 * 24 * 3600


def team(structure: Structure):
    """Who manages the structure (the accounts holding its structure role)."""
    return account_models.User.objects.filter(
        roles__role=Role.STRUCTURE, roles__structure=structure
    ).distinct()


def invitation_link(structure: Structure, email: str) -> str:
    token = signing.dumps({"s": structure.pk, "e": email}, salt=INVITATION_SALT)
    return settings.SITE_URL + reverse("structures:join", args=[token])


@transaction.atomic
def invite_manager(structure: Structure, *, email: str, by) -> None:
    """A manager invites another by e-mail: a signed link valid 7 days."""
    if not can_request_amendment(by, structure):
        raise PermissionDenied("Seul un gestionnaire de la structure invite un gestionnaire.")
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Saisissez une adresse e-mail valide."}) from None
    if team(structure).filter(email=email).exists():
        raise ValidationError({"email": "Cette personne gère déjà la structure."})
    new_account = not account_models.User.objects.filter(email=email).exists()
    if new_account:
        accounts.invite(email, by=by)  # an inactive account and its activation link
    audit.record("structure.invite_manager", by=by, obj=structure, summary="Gestionnaire invité")
    send_templated_email(
        email,
        "structures/email/invite_manager.txt",
        {
            "structure": structure,
            "link": invitation_link(structure, email),
            "new_account": new_account,
        },
    )


def invitation_from_token(token: str):
    """(structure, e-mail) of a valid invitation, or None (forged or older than 7 days)."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    structure = Structure.objects.filter(pk=data["s"]).first()
    return (structure, data["e"]) if structure else None


@transaction.atomic
def join(token: str, *, user) -> Structure:
    """The invitee, logged in with the invited address, becomes a manager."""
    invitation = invitation_from_token(token)
    if invitation is None:
        raise ValidationError("Ce lien d’invitation n’est pas valide ou a expiré (7 jours).")
    structure, email = invitation
    if user.email != email:
        raise PermissionDenied("Cette invitation a été adressée à une autre adresse e-mail.")
    accounts.grant_role(user, Role.STRUCTURE, structure=structure, by=user)
    return structure


@transaction.atomic
def revoke_manager(structure: Structure, *, user, by) -> None:
    """Withdraw a manager's access; the last manager stays."""
    if not can_request_amendment(by, structure):
        raise PermissionDenied("Seul un gestionnaire de la structure retire un accès.")
    Structure.objects.select_for_update().get(pk=structure.pk)
    if not team(structure).filter(pk=user.pk).exists():
        raise ValidationError("Cette personne ne gère pas la structure.")
    if team(structure).count() <= 1:
        raise ValidationError("La structure doit garder au moins un gestionnaire.")
    account_models.RoleAssignment.objects.filter(
        user=user, role=Role.STRUCTURE, structure=structure
    ).delete()
    audit.record(
        "structure.revoke_manager",
        by=by,
        obj=structure,
        summary=f"Accès retiré : {user.audit_label}",
    )
