"""Candidates: application, e-mail confirmation, profile, withdrawal and erasure."""

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts import services as accounts
from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment
from cnfs.candidates import signals
from cnfs.candidates.enums import CandidateStatus
from cnfs.candidates.models import CANDIDATE_WORKFLOW, CV_MAX_BYTES, Candidate, CandidateCount
from cnfs.candidates.perms import can_edit_profile
from cnfs.common import audit, pdf
from cnfs.common.mail import send_templated_email
from cnfs.common.reference import random_reference, reference_of

CONFIRMATION_SALT = "cnfs.candidates.confirm"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600
# What a candidate may change in his or her space; the first ones move the proposals.
ZONE_FIELDS = {"commune", "max_distance_km", "available", "available_from"}
PROFILE_FIELDS = ZONE_FIELDS | {
    "phone",
    "situation",
    "has_diploma",
    "diploma_name",
    "has_experience",
    "motivation",
    "pix_level",
    "pix_use",
    "pix_communication",
    "pix_creation",
}


def _require_editor(by, candidate):
    """``by=None`` is the platform itself (tasks, commands); a person must be allowed."""
    if by is not None and not can_edit_profile(by, candidate):
        raise PermissionDenied("Seul le candidat ou l’équipe nationale modifie ce dossier.")


CV_ERRORS = {
    pdf.NOT_PDF: "Le CV doit être un document PDF.",
    pdf.UNREADABLE: (
        "Le CV n’est pas un PDF lisible : enregistrez-le de nouveau au format PDF depuis "
        "votre traitement de texte."
    ),
    pdf.ENCRYPTED: "Le CV est protégé par un mot de passe : envoyez une version sans protection.",
    pdf.ACTIVE: (
        "Le CV contient du contenu actif (JavaScript, lancement de programme ou fichier "
        "joint) : enregistrez-le de nouveau en PDF simple, par exemple avec « Imprimer en PDF »."
    ),
}


def check_cv(upload):
    """A real PDF of at most 5 MB, checked by its content (not its name): it begins with
    ``%PDF-``, parses, and carries nothing that runs (see ``cnfs.common.pdf``)."""
    if upload.size > CV_MAX_BYTES:
        raise ValidationError(
            {"cv": f"Le CV dépasse 5 Mo ({upload.size / 1024 / 1024:.1f} Mo) : allégez-le."}
        )
    upload.seek(0)
    data = upload.read(CV_MAX_BYTES + 1)
    upload.seek(0)
    try:
        pdf.check_pdf(data)
    except pdf.PdfRefused as refused:
        raise ValidationError({"cv": CV_ERRORS[refused.reason]}, code=refused.reason) from None


def _refresh_proposals(candidate_pk: int):
    signals.profile_changed.send(sender=Candidate, candidate_pk=candidate_pk)


def confirmation_link(candidate) -> str:
    token = signing.dumps(candidate.pk, salt=CONFIRMATION_SALT)
    return settings.SITE_URL + reverse("candidates:confirm", args=[token])


def candidate_from_token(token: str):
    try:
        pk = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return Candidate.objects.filter(pk=pk, status=CandidateStatus.ACTIVE).first()


def submit_candidate(*, cv=None, **data) -> str:
    """Record an application and e-mail the confirmation link; return its reference.

    The answer is the same for an address that already has an active application: nothing
    is recorded, that address is told by e-mail that someone tried to apply with it (with
    the way into its space), and the reference is a random one of the same form. So the
    form tells no one who is looking for a job."""
    candidate = Candidate(**data, consent_at=timezone.now(), cv_token=secrets.token_hex(8))
    candidate.email = candidate.email.strip().lower()
    if cv is not None:
        check_cv(cv)
    # The one-application-per-address constraint is not an error to show (see above).
    candidate.full_clean(exclude=["cv", "user"], validate_constraints=False)
    with transaction.atomic():
        known = _active_application(candidate.email)
        if known is None:
            try:
                with transaction.atomic():
                    candidate.save()
            except IntegrityError:  # the same address, applying twice at the same moment
                known = _active_application(candidate.email)
                if known is None:
                    raise
        if known is not None:
            _warn_known_address(known)
            return random_reference()
        if cv is not None:
            candidate.cv.save("cv.pdf", cv, save=True)
        audit.record("candidate.apply", obj=candidate, summary="Candidature déposée")
        send_templated_email(
            candidate.email,
            "candidates/email/confirm.txt",
            {"candidate": candidate, "link": confirmation_link(candidate)},
        )
    return reference_of("candidate", candidate.pk)


def _active_application(email: str):
    return Candidate.objects.filter(email=email, status=CandidateStatus.ACTIVE).first()


def _warn_known_address(known: Candidate):
    """Tell the address's owner, who alone reads it, what the form did not say."""
    audit.record(
        "candidate.apply_again",
        obj=known,
        summary="Nouvelle candidature demandée avec l’adresse d’une candidature active : "
        "rien n’est enregistré, l’adresse est prévenue par e-mail",
    )
    send_templated_email(
        known.email,
        "candidates/email/known_address.txt",
        {
            "confirm_link": None if known.email_confirmed_at else confirmation_link(known),
            "login_link": settings.SITE_URL + reverse("accounts:login"),
            "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
        },
    )


@transaction.atomic
def confirm_email(candidate: Candidate) -> bool:
    updated = Candidate.objects.filter(pk=candidate.pk, email_confirmed_at__isnull=True).update(
        email_confirmed_at=timezone.now()
    )
    if not updated:
        return False
    candidate.refresh_from_db()
    user = accounts.invite(
        candidate.email, first_name=candidate.first_name, last_name=candidate.last_name
    )
    accounts.grant_role(user, Role.CANDIDATE)
    # A person who withdrew and applies again: the account follows the new application.
    Candidate.objects.filter(user=user).exclude(pk=candidate.pk).update(user=None)
    Candidate.objects.filter(pk=candidate.pk).update(user=user)
    audit.record("candidate.confirm", obj=candidate, summary="Adresse e-mail confirmée")
    _refresh_proposals(candidate.pk)
    return True


@transaction.atomic
def update_profile(candidate: Candidate, *, by, cv=None, remove_cv=False, **changes) -> Candidate:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"Champs non modifiables : {sorted(unknown)}")
    _require_editor(by, candidate)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    moved = {f for f in ZONE_FIELDS & set(changes) if getattr(candidate, f) != changes[f]}
    for field, value in changes.items():
        setattr(candidate, field, value)
    if cv is not None:
        check_cv(cv)
    candidate.full_clean(exclude=["cv", "user"])
    candidate.last_activity_at = timezone.now()
    if moved:
        candidate.zone_version = F("zone_version") + 1
    candidate.save()
    candidate.refresh_from_db()
    if remove_cv and candidate.cv:
        candidate.cv.delete(save=True)
    if cv is not None:
        if candidate.cv:
            candidate.cv.delete(save=False)
        candidate.cv.save("cv.pdf", cv, save=True)
    audit.record(
        "candidate.update",
        by=by,
        obj=candidate,
        summary="Profil mis à jour" + (" (zone ou disponibilité)" if moved else ""),
        changes={"fields": sorted(changes)},
    )
    _refresh_proposals(candidate.pk)
    return candidate


@transaction.atomic
def withdraw(candidate: Candidate, *, by) -> Candidate:
    """Leave the programme: no more proposals; the data stays until deleted."""
    _require_editor(by, candidate)
    if candidate.in_post:
        raise ValidationError(
            "Vous êtes en poste comme conseiller numérique : votre candidature ne peut être "
            "retirée tant que dure votre contrat."
        )
    CANDIDATE_WORKFLOW.apply(
        candidate, "withdraw", by=by, extra={"available": False, "last_activity_at": timezone.now()}
    )
    signals.withdrawn.send(sender=Candidate, candidate=candidate, by=by)
    audit.record("candidate.withdraw", by=by, obj=candidate, summary="Candidature retirée")
    _refresh_proposals(candidate.pk)
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def erase(candidate: Candidate, *, by):
    """Delete the application: personal data erased, only an anonymous count is kept."""
    _require_editor(by, candidate)
    if candidate.in_post or candidate.contracts.exists():
        raise ValidationError(
            "Un conseiller recruté ne peut supprimer son dossier : ses contrats restent "
            "archivés le temps légal."
            + ("" if candidate.in_post else " Retirez la candidature à la place.")
        )
    month = timezone.localdate().replace(day=1)
    CandidateCount.objects.get_or_create(month=month)
    CandidateCount.objects.filter(month=month).update(deleted=F("deleted") + 1)
    if candidate.cv:
        candidate.cv.delete(save=False)
    user = candidate.user
    audit.record("candidate.erase", by=by, summary="Candidature supprimée (données effacées)")
    signals.erasing.send(sender=Candidate, candidate=candidate)
    candidate.delete()
    if user is not None:
        # Query the table: the request's user may hold a prefetched (stale) list of roles.
        RoleAssignment.objects.filter(user=user, role=Role.CANDIDATE).delete()
        if not RoleAssignment.objects.filter(user=user).exists():
            _anonymise_account(user)


def _anonymise_account(user):
    """Close the account and blank its personal data. The row stays: the append-only journal
    refers to it (deleting would have to null the journal's actor, which it refuses)."""
    user.set_unusable_password()
    type(user).objects.filter(pk=user.pk).update(
        email=f"compte-supprime-{user.pk}@invalid",
        first_name="",
        last_name="",
        is_active=False,
        password=user.password,
    )


# Retention (see ``cnfs.candidates.retention``) ---------------------------------------------


def record_activity(candidate_pk: int) -> None:
    """The candidate did something (for a future answer to a proposal): the periods restart."""
    Candidate.objects.filter(pk=candidate_pk).update(last_activity_at=timezone.now())


def on_login(sender, *, user, **kwargs):
    """``user_logged_in``: a login is an activity (connected by ``CandidatesConfig``)."""
    Candidate.objects.filter(user=user).update(last_activity_at=timezone.now())


def mark_cv_warned(candidate: Candidate) -> None:
    Candidate.objects.filter(pk=candidate.pk).update(cv_warned_at=timezone.now())


@transaction.atomic
def delete_cv(candidate: Candidate) -> bool:
    """Delete the CV at the end of its period (the platform acts: no person, no journal
    entry of its own, the command records the count)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not candidate.cv:
        return False
    candidate.cv.delete(save=False)
    Candidate.objects.filter(pk=candidate.pk).update(cv="", cv_warned_at=None)
    return True


ANONYMOUS_NAME = "Anonymisé"


@transaction.atomic
def anonymise(candidate: Candidate) -> bool:
    """Blank a former advisor's personal data at the end of the period kept. The rows stay
    (contracts, payments and activity counts refer to them); the account is closed unless
    the person holds another role. Returns False when already done."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.anonymised_at is not None:
        return False
    if candidate.in_post:
        raise ValidationError("Un conseiller en poste ne peut être anonymisé.")
    if candidate.status == CandidateStatus.ACTIVE:
        CANDIDATE_WORKFLOW.apply(
            candidate, "withdraw", reason="Données anonymisées", extra={"available": False}
        )
    if candidate.cv:
        candidate.cv.delete(save=False)
    Candidate.objects.filter(pk=candidate.pk).update(
        first_name=ANONYMOUS_NAME,
        last_name=f"n° {candidate.pk}",
        email=f"conseiller-anonymise-{candidate.pk}@invalid",
        phone="",
        motivation="",
        diploma_name="",
        cv="",
        cv_token="",
        anonymised_at=timezone.now(),
    )
    user = candidate.user
    if user is not None:
        RoleAssignment.objects.filter(user=user, role__in=[Role.CANDIDATE, Role.ADVISOR]).delete()
        if not RoleAssignment.objects.filter(user=user).exists():
            _anonymise_account(user)
    return True


def attach_account(candidate: Candidate, user) -> None:
    """Give the application its account (a person recruited without one)."""
    Candidate.objects.filter(user=user).exclude(pk=candidate.pk).update(user=None)
    Candidate.objects.filter(pk=candidate.pk).update(user=user)
    candidate.user = user
