"""Candidates: application, e-mail confirmation, profile, withdrawal and erasure."""

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts import services as accounts
from cnfs.accounts.enums import Role
from cnfs.accounts.models import RoleAssignment
from cnfs.candidates.enums import CandidateStatus
from cnfs.candidates.models import CV_MAX_BYTES, Candidate, CandidateCount
from cnfs.candidates.perms import can_edit_profile
from cnfs.common import audit
from cnfs.common.mail import send_templated_email
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.tasks import refill_after_commit

CONFIRMATION_SALT = "cnfs.candidates.confirm"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600
# What a candidate may change in his or her space; the first ones move the proposals.
ZONE_FIELDS = {"commune", "max_distance_km", "available", "available_from"}
PROFILE_FIELDS = ZONE_FIELDS | {
    "phone", "situation", "has_diploma", "diploma_name", "has_experience", "motivation",
    "pix_level", "pix_use", "pix_communication", "pix_creation",
}  # fmt: skip
DUPLICATE_EMAIL_ERROR = (
    "Une candidature active existe déjà pour cette adresse e-mail : connectez-vous à votre "
    "espace candidat pour la mettre à jour (ou suivez le lien de confirmation reçu par e-mail)."
)


def _require_editor(by, candidate):
    """``by=None`` is the platform itself (tasks, commands); a person must be allowed."""
    if by is not None and not can_edit_profile(by, candidate):
        raise PermissionDenied("Seul le candidat ou l’équipe nationale modifie ce dossier.")


def check_cv(upload):
    """A real PDF (checked by its content, not its name) of at most 5 MB."""
    if upload.size > CV_MAX_BYTES:
        raise ValidationError(
            {"cv": f"Le CV dépasse 5 Mo ({upload.size / 1024 / 1024:.1f} Mo) : allégez-le."}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in head:
        raise ValidationError({"cv": "Le CV doit être un document PDF."})


def _refresh_proposals(candidate_pk: int):
    from cnfs.matching.tasks import refresh_candidate_task

    transaction.on_commit(lambda: refresh_candidate_task.enqueue(candidate_pk))


def confirmation_link(candidate) -> str:
    token = signing.dumps(candidate.pk, salt=CONFIRMATION_SALT)
    return settings.SITE_URL + reverse("candidates:confirm", args=[token])


def candidate_from_token(token: str):
    try:
        pk = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return Candidate.objects.filter(pk=pk, status=CandidateStatus.ACTIVE).first()


@transaction.atomic
def submit_candidate(*, cv=None, **data) -> Candidate:
    candidate = Candidate(**data, consent_at=timezone.now(), cv_token=secrets.token_hex(8))
    candidate.email = candidate.email.strip().lower()
    if Candidate.objects.filter(email=candidate.email, status=CandidateStatus.ACTIVE).exists():
        raise ValidationError({"email": DUPLICATE_EMAIL_ERROR})
    if cv is not None:
        check_cv(cv)
    candidate.full_clean(exclude=["cv", "user"])
    candidate.save()
    if cv is not None:
        candidate.cv.save("cv.pdf", cv, save=True)
    audit.record("candidate.apply", obj=candidate, summary="Candidature déposée")
    send_templated_email(
        candidate.email,
        "candidates/email/confirm.txt",
        {"candidate": candidate, "link": confirmation_link(candidate)},
    )
    return candidate


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
        "candidate.update", by=by, obj=candidate,
        summary="Profil mis à jour" + (" (zone ou disponibilité)" if moved else ""),
        changes={"fields": sorted(changes)},
    )  # fmt: skip
    _refresh_proposals(candidate.pk)
    return candidate


@transaction.atomic
def withdraw(candidate: Candidate, *, by) -> Candidate:
    """Leave the programme: no more proposals; the data stays until deleted."""
    from cnfs.matching.services import withdraw_open_proposals

    _require_editor(by, candidate)
    if candidate.in_post:
        raise ValidationError(
            "Vous êtes en poste comme conseiller numérique : votre candidature ne peut être "
            "retirée tant que dure votre contrat."
        )
    Candidate.objects.filter(pk=candidate.pk).update(
        status=CandidateStatus.WITHDRAWN, available=False
    )
    withdraw_open_proposals(candidate, by=by, reason="Le candidat a retiré sa candidature")
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
    # The lists the candidate was in free a place: the next profiles take them.
    refill_after_commit(
        candidate.proposals.filter(status=ProposalStatus.PROPOSED).values_list(
            "structure_id", flat=True
        )
    )
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
        email=f"compte-supprime-{user.pk}@invalid", first_name="", last_name="",
        is_active=False, password=user.password,
    )  # fmt: skip
