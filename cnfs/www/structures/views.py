from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.accounts.scope import active_role
from cnfs.committee.models import AgendaItem
from cnfs.common.audit import history
from cnfs.common.money import euros
from cnfs.common.web import add_service_errors
from cnfs.common.workflow import TransitionNotAllowed
from cnfs.structures import services
from cnfs.structures.enums import (
    AdditionReason,
    EmployerCategory,
    GivebackReason,
    RequestStatus,
    StructureStatus,
)
from cnfs.structures.models import STRUCTURE_WORKFLOW, Structure
from cnfs.structures.perms import can_request_amendment
from cnfs.territories.models import Departement
from cnfs.www.structures.forms import (
    MOTIVATION_LIMIT_LABEL,
    AmendmentForm,
    ApplicationForm,
    DuplicateForm,
    NotDuplicateForm,
    StructureFilterForm,
)

STRUCTURE_READERS = (Role.NATIONAL, Role.PREFECTURE, Role.STRUCTURE, Role.FINANCIAL)
# The contact person is personal data: the financial operator has no need of it.
CONTACT_READERS = (Role.NATIONAL, Role.PREFECTURE, Role.STRUCTURE)
PER_PAGE = 50
APPLIED_EMAIL_KEY = "structures.applied_email"

# The badge says the status in words; the colour only repeats it.
STATUS_BADGES = {
    StructureStatus.SUBMITTED: "fr-badge--info",
    StructureStatus.COMPLEMENTARY_REVIEW: "fr-badge--warning",
    StructureStatus.VALIDATED: "fr-badge--success",
    StructureStatus.REFUSED: "fr-badge--error",
    StructureStatus.ABANDONED: "",
    StructureStatus.CANCELLED: "",
    StructureStatus.DUPLICATE: "fr-badge--purple-glycine",
}
REASON_LABELS = dict(AdditionReason.choices) | dict(GivebackReason.choices)
STATUS_LABELS = dict(StructureStatus.choices)
LIST_CRUMB = {"url": "/structures/", "title": "Structures"}


def _badge(structure):
    structure.badge_class = STATUS_BADGES.get(structure.status, "")
    return structure


def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            structure = services.submit_application(by=request.user, **form.application_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[APPLIED_EMAIL_KEY] = structure.contact_email
            return redirect("structures:apply_sent")
    if form.errors:
        form.set_autofocus_on_first_error()
    title = "Candidater pour accueillir un conseiller numérique"
    return render(
        request,
        "structures/apply.html",
        {
            "form": form,
            "motivation_limit": MOTIVATION_LIMIT_LABEL,
            "page_title": ("Erreur — " if form.errors else "") + title,
            "breadcrumb_data": {"links": [], "current": "Candidature d’une structure"},
        },
    )


def apply_sent(request):
    return render(
        request,
        "structures/apply_sent.html",
        {
            "email": request.session.get(APPLIED_EMAIL_KEY, ""),
            "page_title": "Vérifiez votre messagerie",
            "breadcrumb_data": {
                "links": [{"url": reverse("structures:apply"), "title": "Candidature"}],
                "current": "Vérifiez votre messagerie",
            },
        },
    )


def confirm(request, token):
    structure = services.structure_from_token(token)
    if structure is None:
        return render(
            request,
            "structures/confirm_invalid.html",
            {
                "page_title": "Lien de confirmation invalide",
                "breadcrumb_data": {"links": [], "current": "Lien de confirmation invalide"},
            },
            status=400,
        )
    confirmed_now = services.confirm_email(structure)
    title = "Adresse e-mail confirmée" if confirmed_now else "Adresse e-mail déjà confirmée"
    return render(
        request,
        "structures/confirmed.html",
        {
            "structure": structure,
            "already_confirmed": not confirmed_now,
            "page_title": title,
            "breadcrumb_data": {"links": [], "current": title},
        },
    )


def _departements_in_scope(role):
    if role.kind == Role.STRUCTURE:
        return None
    departements = Departement.objects.order_by("code")
    if role.kind == Role.PREFECTURE:
        departements = departements.filter(
            Q(code__in=role.departements) | Q(region_id__in=role.regions)
        )
    return list(departements)


@role_required(*STRUCTURE_READERS)
def structure_list(request):
    role = active_role(request.user)
    form = StructureFilterForm(
        request.GET or None,
        departements=_departements_in_scope(role),
        duplicates=role.kind == Role.NATIONAL,
    )
    filtered = form.filter(Structure.objects.visible_to(request.user))
    counts = dict(filtered.values_list("status").annotate(n=Count("id")).order_by())
    structures = (
        form.status_filter(filtered)
        .select_related("commune", "departement")
        .defer("motivation")
        .order_by(*form.ordering())
    )
    page = Paginator(structures, PER_PAGE).get_page(request.GET.get("page"))
    for structure in page:
        _badge(structure)
    title = {
        Role.PREFECTURE: "Structures du territoire",
        Role.STRUCTURE: "Ma structure",
    }.get(role.kind, "Candidatures des structures")
    return render(
        request,
        "structures/list.html",
        {
            "form": form,
            "page_obj": page,
            "structures": page.object_list,
            "status_counts": [
                {"value": value, "label": label, "count": counts.get(value, 0)}
                for value, label in StructureStatus.choices
            ],
            "total": sum(counts.values()),
            "show_duplicates": role.kind == Role.NATIONAL,
            "is_filtered": form.is_bound and any(form.data.get(k) for k in form.fields),
            "page_title": title,
            "breadcrumb_data": {"links": [], "current": title},
        },
    )


@role_required(*STRUCTURE_READERS)
def structure_detail(request, pk):
    structure = get_object_or_404(
        Structure.objects.visible_to(request.user).select_related(
            "commune", "departement__region", "possible_duplicate_of"
        ),
        pk=pk,
    )
    role = active_role(request.user)
    is_national = role.kind == Role.NATIONAL
    if request.method == "POST" and not is_national:
        raise PermissionDenied("Seule l’équipe nationale marque une candidature comme doublon.")
    clearing = request.POST.get("action") == "not_duplicate"
    duplicate_form = (
        DuplicateForm(request.POST if request.method == "POST" and not clearing else None)
        if is_national
        else None
    )
    not_duplicate_form = (
        NotDuplicateForm(request.POST if clearing else None, prefix="not-duplicate")
        if is_national and structure.possible_duplicate_of_id
        else None
    )
    form = not_duplicate_form if clearing else duplicate_form
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if clearing:
                services.clear_duplicate_flag(
                    structure, reason=form.cleaned_data["reason"], by=request.user
                )
            else:
                services.mark_duplicate(
                    structure, reason=form.cleaned_data["reason"], by=request.user
                )
        except (TransitionNotAllowed, ValidationError) as error:
            form.add_error("reason", " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                "Le signalement de doublon est levé."
                if clearing
                else "La candidature est marquée comme doublon.",
            )
            return redirect("structures:detail", pk=structure.pk)

    post_requests = list(
        structure.requests.select_related("created_by", "opinion_by")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("session").order_by(
                    "session__date", "id"
                ),
            )
        )
        .order_by("-created_at", "-id")
    )
    for post_request in post_requests:
        post_request.reason_label = REASON_LABELS.get(post_request.reason, post_request.reason)
    transitions = list(STRUCTURE_WORKFLOW.log_of(structure).order_by("at", "id"))
    for log in transitions:
        log.from_label = STATUS_LABELS.get(log.from_state, log.from_state)
        log.to_label = STATUS_LABELS.get(log.to_state, log.to_state)
    same_siret = []
    if is_national:
        same_siret = list(
            Structure.objects.filter(siret=structure.siret)
            .exclude(pk=structure.pk)
            .select_related("commune")
            .order_by("created_at")[:20]
        )
        for other in same_siret:
            _badge(other)
    is_manager = role.kind == Role.STRUCTURE and can_request_amendment(request.user, structure)
    can_amend = is_manager and structure.status == StructureStatus.VALIDATED
    return render(
        request,
        "structures/detail.html",
        {
            "structure": _badge(structure),
            "employer_category": EmployerCategory(structure.employer_category).label,
            "show_contact": role.kind in CONTACT_READERS,
            "is_national": is_national,
            "committed_subsidy": euros(structure.committed_subsidy_cents),
            "post_requests": post_requests,
            "transitions": transitions,
            "history": history(structure)[:100],
            "same_siret": same_siret,
            "duplicate_form": duplicate_form,
            "not_duplicate_form": not_duplicate_form,
            "show_duplicate_flag": role.kind in (Role.NATIONAL, Role.PREFECTURE),
            "can_amend": can_amend,
            "is_manager": is_manager,
            "has_open_request": any(r.status == RequestStatus.OPEN for r in post_requests),
            "page_title": structure.name,
            "breadcrumb_data": {"links": [LIST_CRUMB], "current": structure.name},
        },
    )


@role_required(Role.STRUCTURE)
def amend(request, pk):
    structure = get_object_or_404(
        Structure.objects.visible_to(request.user).select_related("commune", "departement"),
        pk=pk,
    )
    open_request = structure.requests.filter(status=RequestStatus.OPEN).first()
    form = AmendmentForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_amendment(
                structure,
                kind=data["kind"],
                posts=data["posts"],
                reason=data["reason"],
                comment=data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Votre demande d’avenant est enregistrée : vous serez informé(e) de la décision.",
            )
            return redirect("structures:detail", pk=structure.pk)
    title = "Demander un avenant"
    detail_url = reverse("structures:detail", args=[structure.pk])
    return render(
        request,
        "structures/amend.html",
        {
            "form": form,
            "structure": structure,
            "open_request": open_request,
            "is_validated": structure.status == StructureStatus.VALIDATED,
            "page_title": ("Erreur — " if form.errors else "") + title,
            "breadcrumb_data": {
                "links": [
                    LIST_CRUMB,
                    {"url": detail_url, "title": structure.name},
                ],
                "current": title,
            },
        },
    )


@role_required(Role.STRUCTURE)
def team(request, pk):
    """Who manages the structure; invite a manager by e-mail; withdraw an access."""
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                member = get_object_or_404(services.team(structure), pk=request.POST["revoke"])
                services.revoke_manager(structure, user=member, by=request.user)
                messages.success(request, "L’accès est retiré.")
            else:
                email = request.POST.get("email", "")
                services.invite_manager(structure, email=email, by=request.user)
                messages.success(request, "L’invitation est envoyée (valable 7 jours).")
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            return redirect("structures:team", pk=structure.pk)
    context = {
        "structure": structure,
        "members": services.team(structure),
        "error": error,
        "page_title": f"Équipe de {structure.name}",
    }
    return render(request, "structures/team.html", context, status=400 if error else 200)


@login_required
def join(request, token):
    """The invitee opens the link, logged in with the invited address."""
    try:
        structure = services.join(token, user=request.user)
    except (ValidationError, PermissionDenied) as failure:
        return render(
            request,
            "structures/join_failed.html",
            {"error": " ".join(getattr(failure, "messages", [str(failure)]))},
            status=400,
        )
    messages.success(request, f"Vous gérez désormais {structure.name}.")
    return redirect("structures:detail", pk=structure.pk)
