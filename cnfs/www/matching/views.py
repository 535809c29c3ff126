"""The structure's recruitment workspace (DOMAIN §4.2–4.4): proposals, search, contracts.

Managers act for their own structures; the national team looks at any structure, read-only.
A candidate's identity and contact details appear only once the structure shortlisted him
or her: before that, a profile is a first name, an initial and what the rules looked at.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.accounts.scope import active_role
from cnfs.candidates.models import Candidate
from cnfs.common.money import euros
from cnfs.common.web import add_service_errors, csv_amount
from cnfs.common.workflow import TransitionNotAllowed
from cnfs.contracts import services as contracts
from cnfs.contracts.enums import OCCUPYING_STATUSES, ContractStatus
from cnfs.contracts.models import Contract
from cnfs.matching import services
from cnfs.matching.engine import EARTH_RADIUS_KM, great_circle_km, metres, unit_vectors
from cnfs.matching.enums import REVEALED_STATUSES, Origin, ProposalStatus
from cnfs.matching.models import Proposal
from cnfs.matching.perms import CV_SHARING_STATUSES
from cnfs.structures.enums import StructureStatus
from cnfs.structures.models import Structure
from cnfs.structures.perms import can_request_amendment
from cnfs.www.matching.forms import (
    DEFAULT_SEARCH_KM,
    SEARCH_DISTANCES,
    TABS,
    DeclineForm,
    EndContractForm,
    ProposalFilterForm,
    RecruitmentForm,
    RenewalForm,
    SearchForm,
)

PER_PAGE = 50
P = ProposalStatus
# From shortlisting on, the structure may contact the candidate.
# Manual search never reaches further than the widest distance offered.
SEARCH_LIMIT_KM = max(km for km, _ in SEARCH_DISTANCES)
ACTION_ERRORS = (ValidationError, TransitionNotAllowed)
FILTER_FIELDS = ("pix_min", "diploma", "has_cv", "trained", "max_distance")

workspace = role_required(Role.STRUCTURE, Role.NATIONAL)
managers_only = role_required(Role.STRUCTURE)


# The structure of the page ------------------------------------------------------------


def _structure(request):
    """The structure the page is about (``?structure=<pk>``), or None when the national team
    has not chosen one. A manager without a choice gets the first of his or her structures."""
    structures = Structure.objects.visible_to(request.user).select_related("commune")
    pk = request.GET.get("structure") or request.POST.get("structure")
    if pk:
        if not str(pk).isdigit():
            raise Http404("Structure inconnue.")
        return get_object_or_404(structures, pk=pk)
    if active_role(request.user).kind == Role.NATIONAL:
        return None
    structure = structures.order_by("name", "pk").first()
    if structure is None:
        raise Http404("Aucune structure dans votre périmètre.")
    return structure


def _choose_structure(request):
    messages.info(request, "Choisissez une structure pour voir ses recrutements.")
    return redirect("structures:list")


def _workspace_context(request, structure, current: str) -> dict:
    """What every page of the workspace shows: the structure, its posts, the switcher."""
    role = active_role(request.user)
    choices = []
    if role.kind == Role.STRUCTURE and len(role.structures) > 1:
        choices = list(
            Structure.objects.visible_to(request.user).order_by("name").values_list("pk", "name")
        )
    links = []
    if current != "Recrutement":
        links = [{"url": _url("matching:proposals", structure), "title": "Recrutement"}]
    return {
        "structure": structure,
        "structure_choices": choices,
        "can_act": can_request_amendment(request.user, structure),
        "open_posts": structure.open_posts,
        "page_title": f"{current} — {structure.name}",
        "breadcrumb_data": {"links": links, "current": current},
    }


def _url(name: str, structure, *args, params=None) -> str:
    query = params.copy() if params is not None else QueryDict(mutable=True)
    query["structure"] = structure.pk
    return f"{reverse(name, args=args)}?{query.urlencode()}"


# What a structure sees of a candidate ---------------------------------------------------


@dataclass
class Profile:
    """A candidate as a structure sees him or her: anonymous until shortlisted."""

    pk: int
    name: str
    revealed: bool
    email: str
    phone: str
    has_cv: bool
    cv_link: bool
    has_diploma: bool
    diploma_name: str
    has_experience: bool
    pix_level: int | None
    trained: bool
    available_from: date
    available_now: bool


def profile(candidate: Candidate, *, status, today: date) -> Profile:
    """``status``: the candidate's proposal to the structure (None when there is none)."""
    revealed = status in REVEALED_STATUSES
    return Profile(
        pk=candidate.pk,
        name=candidate.name_for(revealed=revealed),
        revealed=revealed,
        email=candidate.email if revealed else "",
        phone=candidate.phone if revealed else "",
        has_cv=bool(candidate.cv),
        cv_link=bool(candidate.cv) and status in CV_SHARING_STATUSES,
        has_diploma=candidate.has_diploma,
        diploma_name=candidate.diploma_name,
        has_experience=candidate.has_experience,
        pix_level=candidate.pix_level,
        trained=candidate.former_advisor,
        available_from=candidate.available_from,
        available_now=candidate.available_from <= today,
    )


# Proposals ------------------------------------------------------------------------------


def _proposals_context(request, structure) -> dict:
    form = ProposalFilterForm(request.GET)
    valid = form.is_valid()
    tab = (valid and form.cleaned_data["tab"]) or "open"
    sort = (valid and form.cleaned_data["sort"]) or "pertinence"
    proposals = Proposal.objects.filter(structure=structure, status__in=TABS[tab][1])
    if valid:
        proposals = form.filter(proposals)
    order = {
        "pertinence": ["-score"],
        "distance": ["distance_km"],
        "availability": ["candidate__available_from", "distance_km"],
    }[sort]
    proposals = (
        proposals.select_related("candidate")
        .annotate(
            named_last=Case(
                When(origin=Origin.NAMED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("named_last", *order, "pk")
    )
    page = Paginator(proposals, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(p, profile(p.candidate, status=p.status, today=today)) for p in page.object_list]
    counts = dict(
        Proposal.objects.filter(structure=structure)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    tabs = []
    for key, (label, statuses) in TABS.items():
        params = _without(request.GET, "page")
        params["tab"] = key
        tabs.append(
            {
                "label": label,
                "count": sum(counts.get(s, 0) for s in statuses),
                "url": _url("matching:proposals", structure, params=params),
                "current": key == tab,
            }
        )
    params = request.GET.copy()
    params["structure"] = structure.pk
    return {
        "form": form,
        "tab": tab,
        "tabs": tabs,
        "page_obj": page,
        "rows": rows,
        "query": params.urlencode(),
        "list_url": reverse("matching:proposals"),
        "page_query": _without(params, "page").urlencode(),
        "decline_form": DeclineForm(),
        "is_filtered": valid and any(form.cleaned_data[f] for f in FILTER_FIELDS),
    }


def _without(params, *keys):
    params = params.copy()
    for key in keys:
        params.pop(key, None)
    return params


@workspace
def proposals(request):
    structure = _structure(request)
    if structure is None:
        return _choose_structure(request)
    context = _workspace_context(request, structure, "Recrutement")
    context.update(_proposals_context(request, structure))
    return render(request, "matching/proposals.html", context)


def _after_action(request, proposal, *, done: str = "", error: str = ""):
    """htmx: the list again (the row moved or changed, the next profiles come up);
    otherwise back to the list with a message."""
    structure = proposal.structure
    if request.htmx:
        context = _workspace_context(request, structure, "Recrutement")
        context.update(_proposals_context(request, structure))
        context.update({"done": done, "error": error})
        return render(request, "matching/_proposals_list.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(_url("matching:proposals", structure, params=request.GET))


def _own_proposal(request, pk):
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("candidate", "structure"), pk=pk
    )


@managers_only
@require_POST
def shortlist(request, pk):
    proposal = _own_proposal(request, pk)
    try:
        services.shortlist(proposal, by=request.user)
    except ACTION_ERRORS as error:
        return _after_action(request, proposal, error=_message(error))
    return _after_action(
        request,
        proposal,
        done=f"{proposal.candidate.full_name} est présélectionné(e) : ses coordonnées sont "
        "affichées, contactez-le ou la.",
    )


@managers_only
@require_POST
def decline(request, pk):
    proposal = _own_proposal(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _after_action(request, proposal, error=" ".join(_form_errors(form)))
    name = profile(proposal.candidate, status=None, today=timezone.localdate()).name
    try:
        services.decline(proposal, **form.cleaned_data, by=request.user)
    except ACTION_ERRORS as error:
        return _after_action(request, proposal, error=_message(error))
    return _after_action(request, proposal, done=f"Profil de {name} refusé.")


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _form_errors(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


# Search ---------------------------------------------------------------------------------


def _distances_km(structure, latitudes, longitudes) -> np.ndarray:
    points = unit_vectors(np.array(latitudes, float), np.array(longitudes, float))
    origin = unit_vectors([structure.commune.latitude], [structure.commune.longitude])
    return great_circle_km(points, np.repeat(origin, len(points), axis=0))


def _around(structure, km: float) -> dict:
    """A latitude/longitude box holding every point within ``km`` of the structure (read
    through the communes' index; the exact distance cuts it)."""
    latitude, longitude = structure.commune.latitude, structure.commune.longitude
    margin = math.degrees((km + 1) / EARTH_RADIUS_KM)
    wide = margin / max(math.cos(math.radians(min(abs(latitude) + margin, 89.0))), 0.01)
    return {
        "commune__latitude__range": (latitude - margin, latitude + margin),
        "commune__longitude__range": (longitude - wide, longitude + wide),
    }


@workspace
def search(request):
    structure = _structure(request)
    if structure is None:
        return _choose_structure(request)
    form = SearchForm(request.GET)
    valid = form.is_valid()
    limit_km = (valid and form.cleaned_data["distance"]) or DEFAULT_SEARCH_KM
    sort = (valid and form.cleaned_data["sort"]) or "distance"
    candidates = Candidate.objects.matchable()
    if valid:
        candidates = form.filter(candidates)
    # Positions only of the candidates in a box around the structure; whole rows for the
    # page shown.
    points = list(
        candidates.filter(**_around(structure, limit_km))
        .order_by()
        .values_list("pk", "commune__latitude", "commune__longitude", "available_from")
    )
    found = []
    if points:
        pks, latitudes, longitudes, available = zip(*points, strict=True)
        km = _distances_km(structure, latitudes, longitudes)
        near = np.flatnonzero(metres(km) <= limit_km * 1000)
        if sort == "availability":
            dates = np.array(available, dtype="datetime64[D]")
            near = near[np.lexsort((km[near], dates[near]))]
        else:
            near = near[np.argsort(km[near], kind="stable")]
        found = [(pks[i], round(float(km[i]), 1)) for i in near]
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    page_pks = [pk for pk, _ in page.object_list]
    by_pk = Candidate.objects.in_bulk(page_pks)
    statuses = dict(
        Proposal.objects.filter(structure=structure, candidate_id__in=page_pks).values_list(
            "candidate_id", "status"
        )
    )
    today = timezone.localdate()
    rows = []
    for pk, distance in page.object_list:
        status = statuses.get(pk)
        rows.append(
            {
                "profile": profile(by_pk[pk], status=status, today=today),
                "km": distance,
                "status": status,
                "status_label": P(status).label if status else "",
                "can_shortlist": status not in REVEALED_STATUSES,
            }
        )
    params = request.GET.copy()
    params["structure"] = structure.pk
    context = _workspace_context(request, structure, "Rechercher un candidat")
    context.update(
        {
            "form": form,
            "limit_km": limit_km,
            "page_obj": page,
            "rows": rows,
            "query": params.urlencode(),
            "is_recruiting": _is_recruiting(structure),
        }
    )
    return render(request, "matching/search.html", context)


def _is_recruiting(structure) -> bool:
    return structure.status == StructureStatus.VALIDATED and structure.open_posts > 0


@managers_only
@require_POST
def shortlist_candidate(request, candidate_pk):
    structure = _structure(request)
    candidate = get_object_or_404(
        Candidate.objects.active().select_related("commune"), pk=candidate_pk
    )
    back = _url("matching:search", structure, params=_without(request.GET, "structure"))
    error = ""
    try:
        services.shortlist_manually(structure, candidate, by=request.user)
    except ACTION_ERRORS as exc:
        error = _message(exc)
    if error:
        messages.error(request, error)
        return redirect(back)
    messages.success(
        request,
        f"{candidate.full_name} est présélectionné(e) : retrouvez ses coordonnées dans vos "
        "mises en relation.",
    )
    return redirect(back)


# Recruitment and contracts --------------------------------------------------------------


@managers_only
def contract(request, pk):
    proposal = _own_proposal(request, pk)
    structure = proposal.structure
    if proposal.status != P.SHORTLISTED:
        messages.error(request, "Seul un profil présélectionné peut être recruté.")
        return redirect(_url("matching:proposals", structure))
    form = RecruitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contracts.request_recruitment(proposal, **form.service_kwargs(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Recrutement de {proposal.candidate.full_name} demandé : le poste lui est "
                "réservé en attendant la validation de l’équipe nationale.",
            )
            return redirect(_url("matching:contracts", structure))
    context = _workspace_context(request, structure, "Recruter")
    context.update(
        {
            "form": form,
            "proposal": proposal,
            "profile": profile(
                proposal.candidate, status=proposal.status, today=timezone.localdate()
            ),
        }
    )
    if form.errors:
        context["page_title"] = "Erreur — " + context["page_title"]
    return render(request, "matching/contract.html", context)


@workspace
def contract_list(request):
    structure = _structure(request)
    if structure is None:
        return _choose_structure(request)
    current = Case(
        When(status__in=OCCUPYING_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    rows = (
        Contract.objects.filter(structure=structure)
        .select_related("candidate", "previous")
        .annotate(past=current)
        .order_by("past", "-start_date", "-pk")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.salary = euros(item.gross_monthly_salary_cents)
        item.can_end = item.status == ContractStatus.ACTIVE
        item.can_renew = item.can_end and item.end_date is not None
    context = _workspace_context(request, structure, "Contrats")
    context.update({"page_obj": page, "contracts": page.object_list})
    return render(request, "matching/contracts.html", context)


def _own_contract(request, pk):
    return get_object_or_404(
        Contract.objects.visible_to(request.user).select_related("candidate", "structure"), pk=pk
    )


@managers_only
def end_contract(request, pk):
    contract = _own_contract(request, pk)
    form = EndContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contracts.end_contract(contract, **form.cleaned_data, by=request.user)
        except ACTION_ERRORS as error:
            _add_error(form, error)
        else:
            ended = Contract.objects.get(pk=contract.pk)
            messages.success(
                request,
                f"Fin du contrat de {contract.candidate.full_name} au "
                f"{form.cleaned_data['ended_on']:%d/%m/%Y} : "
                + (
                    "validée, le poste est de nouveau ouvert au recrutement."
                    if ended.status == ContractStatus.ENDED
                    else "demandée, en attente de validation par l’équipe nationale."
                ),
            )
            return redirect(_url("matching:contracts", contract.structure))
    return _contract_page(request, contract, form, "Mettre fin au contrat", "end")


@managers_only
def renew_contract(request, pk):
    contract = _own_contract(request, pk)
    initial = {
        "kind": contract.kind,
        "weekly_hours": _french_number(contract.weekly_hours),
        "gross_monthly_salary": csv_amount(contract.gross_monthly_salary_cents),
    }
    form = RenewalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contracts.renew_contract(contract, **form.service_kwargs(), by=request.user)
        except ACTION_ERRORS as error:
            _add_error(form, error)
        else:
            messages.success(
                request, f"Le contrat de {contract.candidate.full_name} est renouvelé."
            )
            return redirect(_url("matching:contracts", contract.structure))
    return _contract_page(request, contract, form, "Renouveler ou prolonger le contrat", "renew")


def _french_number(value) -> str:
    """35.00 → "35", 17.50 → "17,5"."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _add_error(form, error):
    if isinstance(error, ValidationError):
        add_service_errors(form, error)
    else:
        form.add_error(None, str(error))


def _contract_page(request, contract, form, title: str, action: str):
    structure = contract.structure
    context = _workspace_context(request, structure, title)
    context["breadcrumb_data"]["links"].append(
        {"url": _url("matching:contracts", structure), "title": "Contrats"}
    )
    new_start = contract.end_date + timedelta(days=1) if contract.end_date else None
    context.update(
        {
            "form": form,
            "contract": contract,
            "action": action,
            "title": title,
            "new_start": new_start,
            "salary": euros(contract.gross_monthly_salary_cents),
        }
    )
    if form.errors:
        context["page_title"] = "Erreur — " + context["page_title"]
    return render(request, "matching/contract_change.html", context)
