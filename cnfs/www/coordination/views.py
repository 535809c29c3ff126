"""Pages of coordinators, territorial hubs and national networks (read-only figures),
and the structure managers' side of coordination and memberships.

Wrong role: 403. Outside one's scope: 404 (scoped querysets)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cnfs.accounts.enums import Role
from cnfs.accounts.models import User
from cnfs.accounts.perms import role_required
from cnfs.accounts.scope import active_role
from cnfs.common.csvexport import csv_response
from cnfs.common.web import add_service_errors
from cnfs.common.workflow import TransitionNotAllowed
from cnfs.coordination import queries, services
from cnfs.coordination.enums import ActivityKind, LinkStatus, MembershipStatus
from cnfs.coordination.models import CoordinationLink, Coordinator, Membership, Network
from cnfs.stats.inactivity import INACTIVE_DAYS, inactive_contracts
from cnfs.structures.models import Structure
from cnfs.www.coordination.forms import ActivityForm, DeclareMembershipForm, InviteForm

coordinator_only = role_required(Role.COORDINATOR)
hub_only = role_required(Role.HUB)
network_only = role_required(Role.NETWORK)
structure_only = role_required(Role.STRUCTURE)


def _coordinator(request) -> Coordinator:
    coordinator = Coordinator.objects.filter(user=request.user).first()
    if coordinator is None:
        raise PermissionDenied("Vous n’êtes pas coordinateur.")
    return coordinator


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


# --- Coordinator ----------------------------------------------------------------------------


@coordinator_only
def coordinator(request):
    today = timezone.localdate()
    board = queries.coordinator_board(request.user, _coordinator(request), today)
    return render(
        request,
        "coordination/coordinator.html",
        {
            "board": board,
            "kinds": ActivityKind.choices,
            "invite_form": InviteForm(),
            "days": INACTIVE_DAYS,
            "page_title": "Coordination",
            "breadcrumb_data": {"current": "Coordination"},
        },
    )


@coordinator_only
def coordinator_csv(request):
    today = timezone.localdate()
    silent = {c.pk: c.last_report for c in inactive_contracts(request.user, today)}
    return csv_response(
        "conseillers-coordonnes.csv",
        [
            "Conseiller",
            "E-mail",
            "Structure",
            "Département",
            "En poste depuis le",
            f"Sans activité depuis {INACTIVE_DAYS} jours",
            "Dernier compte rendu",
        ],
        (
            [
                c.candidate.full_name,
                c.candidate.email,
                c.structure.name,
                c.structure.departement_id,
                _day(c.start_date),
                "oui" if c.pk in silent else "non",
                _day(silent.get(c.pk)),
            ]
            for c in queries.advisors_of(request.user).iterator(chunk_size=2000)
        ),
    )


@coordinator_only
@require_POST
def invite(request):
    _coordinator(request)
    form = InviteForm(request.POST)
    if form.is_valid():
        advisor = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        try:
            if advisor is None:
                raise ValidationError({"email": "Aucun conseiller n’a cette adresse."})
            services.invite(advisor=advisor, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Invitation envoyée à la structure du conseiller.")
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect("coordination:coordinator")


@coordinator_only
@require_POST
def end_link(request, pk):
    link = get_object_or_404(CoordinationLink.objects.filter(coordinator__user=request.user), pk=pk)
    services.end_link(link, by=request.user)
    messages.success(request, "Coordination terminée.")
    return redirect("coordination:coordinator")


@coordinator_only
def activities(request):
    coordinator_ = _coordinator(request)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Activité de coordination enregistrée.")
            return redirect("coordination:activities")
    rows = coordinator_.activities.all()
    return render(
        request,
        "coordination/activities.html",
        {
            "form": form,
            "activities": rows[:100],
            "own": queries.activity_totals(rows),
            "kinds": ActivityKind.choices,
            "page_title": "Mes activités de coordination",
            "breadcrumb_data": {
                "links": [{"url": reverse("coordination:coordinator"), "title": "Coordination"}],
                "current": "Mes activités de coordination",
            },
        },
    )


@coordinator_only
def activities_csv(request):
    rows = _coordinator(request).activities.all()
    return csv_response(
        "activites-de-coordination.csv",
        ["Date", "Nature", "Intitulé", "Participants", "Durée (minutes)"],
        (
            [_day(a.date), a.get_kind_display(), a.title, a.participants, a.duration_minutes]
            for a in rows.iterator()
        ),
    )


# --- Structure managers ---------------------------------------------------------------------


def _links_of(user):
    """The coordination links of the active structure role's structures (scoped)."""
    return CoordinationLink.objects.filter(structure_id__in=active_role(user).structures)


@structure_only
def structure_links(request):
    links = (
        _links_of(request.user)
        .exclude(status=LinkStatus.ENDED)
        .select_related("advisor", "structure", "coordinator__user")
        .order_by("status", "-invited_at")
    )
    return render(
        request,
        "coordination/structure_links.html",
        {
            "links": links,
            "page_title": "Coordination de vos conseillers",
            "breadcrumb_data": {"current": "Coordination de vos conseillers"},
        },
    )


@structure_only
@require_POST
def answer_link(request, pk):
    link = get_object_or_404(_links_of(request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "end":
            services.end_link(link, by=request.user)
        elif action in ("accept", "decline"):
            services.answer(link, accept=action == "accept", by=request.user)
        else:
            raise Http404("Action inconnue.")
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Réponse enregistrée.")
    return redirect("coordination:structure_links")


@structure_only
def structure_networks(request):
    mine = Structure.objects.filter(pk__in=active_role(request.user).structures).order_by("name")
    form = DeclareMembershipForm(
        request.POST or None,
        structures=[(str(s.pk), s.name) for s in mine],
        networks=[(str(n.pk), n.name) for n in Network.objects.order_by("name")],
    )
    if request.method == "POST" and form.is_valid():
        structure = get_object_or_404(mine, pk=form.cleaned_data["structure"])
        network_ = get_object_or_404(Network, pk=form.cleaned_data["network"])
        try:
            services.declare_membership(structure=structure, network=network_, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Adhésion déclarée : le réseau va la confirmer.")
            return redirect("coordination:structure_networks")
    memberships = (
        Membership.objects.filter(structure__in=mine)
        .select_related("network", "structure")
        .order_by("structure__name", "network__name")
    )
    return render(
        request,
        "coordination/structure_networks.html",
        {
            "form": form,
            "memberships": memberships,
            "page_title": "Réseaux nationaux",
            "breadcrumb_data": {"current": "Réseaux nationaux"},
        },
    )


# --- Hubs and networks (read-only) -----------------------------------------------------------


def _board_page(request, board, *, title, csv_url, network=False):
    return render(
        request,
        "coordination/board.html",
        {
            "board": board,
            "csv_url": csv_url,
            "network": network,
            "page_title": f"{title} — {board.label}",
            "breadcrumb_data": {"current": title},
        },
    )


def _structures_csv(user, filename):
    return csv_response(
        filename,
        [
            "Structure",
            "SIRET",
            "Département",
            "Postes attribués",
            "Postes occupés",
            "Postes vacants",
        ],
        (
            [
                s.name,
                s.siret,
                s.departement_id,
                s.granted_posts,
                s.occupied_posts,
                s.granted_posts - s.occupied_posts,
            ]
            for s in queries.structures_of(user).iterator(chunk_size=2000)
        ),
    )


@hub_only
def hub(request):
    return _board_page(
        request,
        queries.hub_board(request.user),
        title="Hub territorial",
        csv_url=reverse("coordination:hub_csv"),
    )


@hub_only
def hub_csv(request):
    return _structures_csv(request.user, "hub-structures.csv")


@network_only
def network(request):
    return _board_page(
        request,
        queries.network_board(request.user),
        title="Réseau national",
        csv_url=reverse("coordination:network_csv"),
        network=True,
    )


@network_only
def network_csv(request):
    return _structures_csv(request.user, "reseau-membres.csv")


@network_only
@require_POST
def confirm(request, pk):
    membership = get_object_or_404(
        Membership.objects.filter(network__staff=request.user, status=MembershipStatus.DECLARED),
        pk=pk,
    )
    services.confirm_membership(
        membership, accept=request.POST.get("action") != "refuse", by=request.user
    )
    messages.success(request, "Adhésion enregistrée.")
    return redirect("coordination:network")
