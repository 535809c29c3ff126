from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.candidates import services
from cnfs.candidates.enums import CandidateStatus
from cnfs.candidates.models import Candidate
from cnfs.common.web import add_service_errors
from cnfs.matching.enums import ProposalStatus
from cnfs.matching.perms import can_see_cv
from cnfs.www.candidates.forms import (
    MOTIVATION_LIMIT_LABEL,
    ApplicationForm,
    ConfirmForm,
    ProfileForm,
)

APPLIED_EMAIL_KEY = "candidates.applied_email"
SPACE_CRUMB = {"url": reverse_lazy("candidates:space"), "title": "Mon espace candidat"}

# What each status of a proposal means to the candidate (no structure is named).
PROPOSAL_LABELS = {
    ProposalStatus.PROPOSED: "Profil proposé à une structure",
    ProposalStatus.SHORTLISTED: "Présélection par une structure",
    ProposalStatus.RECRUITMENT_REQUESTED: "Recrutement en cours de validation",
    ProposalStatus.RECRUITED: "Recrutement validé",
    ProposalStatus.DECLINED: "Profil non retenu",
    ProposalStatus.ENDED: "Contrat terminé",
    ProposalStatus.WITHDRAWN: "Proposition close",
}


def _crumbs(current, links=()):
    return {"links": list(links), "current": current}


def apply(request):
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.application_data()
        try:
            services.submit_candidate(**data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The same page whether the address was new or known (see submit_candidate).
            request.session[APPLIED_EMAIL_KEY] = data["email"].strip().lower()
            return redirect("candidates:apply_sent")
    if form.errors:
        form.remind_to_choose_the_cv_again()
        form.set_autofocus_on_first_error()
    title = "Devenir conseiller numérique"
    return render(
        request,
        "candidates/apply.html",
        {
            "form": form,
            "motivation_limit": MOTIVATION_LIMIT_LABEL,
            "page_title": ("Erreur — " if form.errors else "") + title,
            "breadcrumb_data": _crumbs("Candidature"),
        },
    )


def apply_sent(request):
    title = "Vérifiez votre messagerie"
    return render(
        request,
        "candidates/apply_sent.html",
        {
            "email": request.session.get(APPLIED_EMAIL_KEY, ""),
            "page_title": title,
            "breadcrumb_data": _crumbs(
                title, [{"url": reverse("candidates:apply"), "title": "Candidature"}]
            ),
        },
    )


def confirm(request, token):
    candidate = services.candidate_from_token(token)
    if candidate is None:
        title = "Lien de confirmation invalide"
        return render(
            request,
            "candidates/confirm_invalid.html",
            {"page_title": title, "breadcrumb_data": _crumbs(title)},
            status=400,
        )
    confirmed_now = services.confirm_email(candidate)
    candidate.refresh_from_db()
    title = "Adresse e-mail confirmée" if confirmed_now else "Adresse e-mail déjà confirmée"
    return render(
        request,
        "candidates/confirmed.html",
        {
            "candidate": candidate,
            "already_confirmed": not confirmed_now,
            "account_active": candidate.user is not None and candidate.user.is_active,
            "page_title": title,
            "breadcrumb_data": _crumbs(title),
        },
    )


def _own_candidate(request) -> Candidate:
    candidate = getattr(request.user, "candidate", None)
    if candidate is None:
        raise Http404("Aucune candidature n’est liée à ce compte.")
    return candidate


def _proposal_counts(candidate):
    counts = dict(candidate.proposals.values_list("status").annotate(n=Count("id")).order_by())
    return [
        {"label": label, "count": counts[status]}
        for status, label in PROPOSAL_LABELS.items()
        if counts.get(status)
    ]


@never_cache
@role_required(Role.CANDIDATE)
def space(request):
    candidate = _own_candidate(request)
    is_active = candidate.status == CandidateStatus.ACTIVE
    editable = is_active and not candidate.in_post
    form = None
    if editable:
        form = ProfileForm(request.POST or None, request.FILES or None, candidate=candidate)
        if request.method == "POST" and form.is_valid():
            try:
                services.update_profile(
                    candidate,
                    by=request.user,
                    cv=form.cleaned_data.get("cv") or None,
                    remove_cv=form.cleaned_data.get("remove_cv", False),
                    **form.changes(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Votre profil est mis à jour.")
                return redirect("candidates:space")
        if form.errors:
            form.remind_to_choose_the_cv_again()
            form.set_autofocus_on_first_error()
    elif request.method == "POST":
        return redirect("candidates:space")
    title = "Mon espace candidat"
    return render(
        request,
        "candidates/space.html",
        {
            "candidate": candidate,
            "form": form,
            "is_active": is_active,
            "can_delete": not candidate.in_post and not candidate.contracts.exists(),
            "proposal_counts": _proposal_counts(candidate),
            "motivation_limit": MOTIVATION_LIMIT_LABEL,
            "page_title": ("Erreur — " if form is not None and form.errors else "") + title,
            "breadcrumb_data": _crumbs(title),
        },
    )


@never_cache
@role_required(Role.CANDIDATE)
def withdraw(request):
    candidate = _own_candidate(request)
    if candidate.status != CandidateStatus.ACTIVE or candidate.in_post:
        return redirect("candidates:space")
    form = ConfirmForm(
        request.POST or None, label="Je confirme retirer ma candidature du programme"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(candidate, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Votre candidature est retirée : aucune structure ne vous sera proposée."
            )
            return redirect("candidates:space")
    title = "Retirer ma candidature"
    return render(
        request,
        "candidates/withdraw.html",
        {"form": form, "page_title": title, "breadcrumb_data": _crumbs(title, [SPACE_CRUMB])},
    )


@never_cache
@role_required(Role.CANDIDATE)
def delete(request):
    candidate = _own_candidate(request)
    if candidate.in_post or candidate.contracts.exists():
        messages.info(
            request,
            "Vous avez été recruté(e) comme conseiller numérique : votre dossier est conservé "
            "avec vos contrats le temps légal et ne peut être supprimé ici.",
        )
        return redirect("candidates:space")
    form = ConfirmForm(
        request.POST or None,
        label="Je confirme supprimer ma candidature et toutes mes données personnelles",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.erase(candidate, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            return redirect("candidates:deleted")
    title = "Supprimer ma candidature"
    return render(
        request,
        "candidates/delete.html",
        {
            "form": form,
            "candidate": candidate,
            "page_title": title,
            "breadcrumb_data": _crumbs(title, [SPACE_CRUMB]),
        },
    )


def deleted(request):
    title = "Vos données sont effacées"
    return render(
        request,
        "candidates/deleted.html",
        {"page_title": title, "breadcrumb_data": _crumbs(title)},
    )


@never_cache
def cv(request, pk):
    """The CV, from private storage, to whom may see it (as a download); anyone else learns
    nothing."""
    candidate = get_object_or_404(Candidate.objects.exclude(cv=""), pk=pk)
    if not can_see_cv(request.user, candidate):
        raise Http404("CV introuvable.")
    try:
        handle = candidate.cv.open("rb")
    except FileNotFoundError:
        raise Http404("CV introuvable.") from None
    response = FileResponse(
        handle,
        content_type="application/pdf",
        filename=f"CV-{candidate.pk}.pdf",
    )
    # Downloaded, never shown in the site's origin; a browser that renders it anyway gives it
    # no script and no access to the site (sandbox).
    response["Content-Disposition"] = f'attachment; filename="CV-{candidate.pk}.pdf"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
