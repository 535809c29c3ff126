from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.accounts.scope import active_role
from cnfs.common.money import euros
from cnfs.common.web import add_service_errors
from cnfs.followup import figures
from cnfs.followup.forms import OPINION_KINDS, OpinionForm, OpinionState, RequestFilterForm
from cnfs.followup.tables import STATUS_GROUPS, figures_csv, table_row
from cnfs.funding.models import Payment
from cnfs.places.freshness import BADGES, Freshness, band_q
from cnfs.places.models import Place
from cnfs.structures import services
from cnfs.structures.enums import AdditionReason, RequestKind, RequestStatus
from cnfs.structures.models import PostRequest, Structure
from cnfs.territories.models import Departement

PER_PAGE = 50
# The national team follows the prefectures' work, read only.
WORKSPACE_ROLES = (Role.PREFECTURE, Role.NATIONAL)
FOLLOWUP_ROLES = (Role.NATIONAL, Role.PREFECTURE, Role.FINANCIAL)


def departements_in_scope(user):
    """The départements ``user``'s active role covers (all but for a prefecture)."""
    role = active_role(user)
    departements = Departement.objects.order_by("code")
    if role is not None and role.kind == Role.PREFECTURE:
        return departements.filter(Q(code__in=role.departements) | Q(region_id__in=role.regions))
    return departements


def _requests_for_opinion(user):
    """Open applications and additions of confirmed structures of ``user``'s scope: an
    application whose e-mail is not confirmed is not yet sent to the prefecture."""
    return (
        PostRequest.objects.visible_to(user)
        .open()
        .exclude(kind=RequestKind.GIVEBACK)
        .filter(structure__email_confirmed_at__isnull=False)
    )


@role_required(*WORKSPACE_ROLES)
def opinions(request):
    departements = list(departements_in_scope(request.user))
    form = RequestFilterForm(request.GET or None, departements=departements)
    chosen = form.filters()
    requests = _requests_for_opinion(request.user)
    if chosen["state"] == OpinionState.AWAITING:
        requests = requests.filter(opinion="")
    elif chosen["state"] == OpinionState.GIVEN:
        requests = requests.exclude(opinion="")
    if chosen["departement"]:
        requests = requests.filter(structure__departement_id=chosen["departement"])
    per_kind = {
        g["kind"]: g["n"] for g in requests.order_by().values("kind").annotate(n=Count("id"))
    }
    counts = [(label, per_kind.get(kind, 0)) for kind, label in OPINION_KINDS]
    if chosen["kind"]:
        requests = requests.filter(kind=chosen["kind"])
    requests = requests.select_related("structure__commune", "structure__departement").order_by(
        "created_at", "id"
    )
    page = Paginator(requests, PER_PAGE).get_page(request.GET.get("page"))
    title = "Avis sur les demandes de postes"
    return render(
        request,
        "followup/opinions.html",
        {
            "form": form,
            "page_obj": page,
            "counts": counts,
            "total": sum(per_kind.values()),
            "state": chosen["state"],
            "can_give_opinion": active_role(request.user).kind == Role.PREFECTURE,
            "page_title": title,
            "breadcrumb_data": {
                "links": [{"url": reverse("followup:index"), "title": "Suivi des territoires"}],
                "current": title,
            },
        },
    )


@role_required(Role.PREFECTURE)
def give_opinion(request, pk):
    post_request = get_object_or_404(
        PostRequest.objects.visible_to(request.user)
        .exclude(kind=RequestKind.GIVEBACK)
        .select_related("structure__commune", "structure__departement", "opinion_by"),
        pk=pk,
    )
    is_open = post_request.status == RequestStatus.OPEN
    initial = {
        "opinion": post_request.opinion,
        "comment": post_request.opinion_comment,
        "suggested_posts": post_request.opinion_suggested_posts,
    }
    form = OpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_opinion(
                post_request,
                opinion=form.cleaned_data["opinion"],
                comment=form.cleaned_data["comment"],
                suggested_posts=form.cleaned_data["suggested_posts"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, OpinionForm.SERVICE_FIELDS)
        else:
            messages.success(
                request, f"Votre avis sur la demande de {post_request.structure} est enregistré."
            )
            return redirect("followup:opinions")
    structure = post_request.structure
    reason = (
        AdditionReason(post_request.reason).label
        if post_request.reason in AdditionReason.values
        else ""
    )
    title = f"Avis : {structure.name}"
    return render(
        request,
        "followup/opinion_form.html",
        {
            "form": form,
            "post_request": post_request,
            "structure": structure,
            "reason": reason,
            "is_open": is_open,
            "page_title": title,
            "breadcrumb_data": {
                "links": [{"url": reverse("followup:opinions"), "title": "Avis sur les demandes"}],
                "current": structure.name,
            },
        },
    )


@role_required(*FOLLOWUP_ROLES)
def index(request):
    structures = Structure.objects.visible_to(request.user)
    departement_rows = figures.departement_figures(structures, departements_in_scope(request.user))
    region_rows = figures.region_figures(departement_rows)
    grand_total = figures.total(departement_rows)
    if request.GET.get("format") == "csv":
        return figures_csv(departement_rows, region_rows, grand_total)
    progress = figures.national_progress()
    role = active_role(request.user)
    title = "Suivi des territoires"
    return render(
        request,
        "followup/index.html",
        {
            "progress": progress,
            "committed": euros(progress["committed_cents"]),
            "paid": euros(progress["paid_cents"]),
            "envelope": euros(progress["envelope_cents"]),
            "status_groups": [label for label, _ in STATUS_GROUPS],
            "region_rows": [table_row(row) for row in region_rows],
            "departement_rows": [
                table_row(row, url=reverse("followup:departement", args=[row.code]))
                for row in departement_rows
            ],
            "total_row": table_row(grand_total),
            "is_prefecture": role.kind == Role.PREFECTURE,
            "csv_url": f"{reverse('followup:index')}?format=csv",
            "page_title": title,
            "breadcrumb_data": {"links": [], "current": title},
        },
    )


@role_required(*FOLLOWUP_ROLES)
def departement(request, code):
    departement = get_object_or_404(
        departements_in_scope(request.user).select_related("region"), code=code
    )
    structures = Structure.objects.visible_to(request.user)
    (row,) = figures.departement_figures(structures, Departement.objects.filter(code=code))
    paid = (
        Payment.objects.filter(instalment__post__agreement__structure=OuterRef("pk"))
        .order_by()
        .values("instalment__post__agreement__structure")
        .annotate(cents=Sum("amount_cents"))
        .values("cents")
    )
    listing = (
        structures.filter(departement=departement)
        .select_related("commune")
        .annotate(paid_cents=Coalesce(Subquery(paid), 0))
        .order_by("-granted_posts", "name", "pk")
    )
    page = Paginator(listing, PER_PAGE).get_page(request.GET.get("page"))
    for structure in page:
        structure.committed_display = euros(structure.committed_subsidy_cents)
        structure.paid_display = euros(structure.paid_cents)
    title = str(departement)
    return render(
        request,
        "followup/departement.html",
        {
            "departement": departement,
            "row": table_row(row),
            "status_groups": [label for label, _ in STATUS_GROUPS],
            "page_obj": page,
            "page_title": f"Suivi : {title}",
            "breadcrumb_data": {
                "links": [{"url": reverse("followup:index"), "title": "Suivi des territoires"}],
                "current": title,
            },
        },
    )


@role_required(*FOLLOWUP_ROLES)
def places(request):
    """The places of the territory by freshness band (DOMAIN §8): the count of each band
    (one query) and the places of the chosen band, least recently checked first."""
    departements = list(departements_in_scope(request.user))
    codes = {d.code for d in departements}
    chosen_departement = request.GET.get("departement", "")
    if chosen_departement not in codes:
        chosen_departement = ""
    chosen_band = request.GET.get("fraicheur", "")
    if chosen_band not in Freshness.values:
        chosen_band = ""
    today = timezone.localdate()
    in_territory = Place.objects.filter(active=True, commune__departement__in=codes)
    if chosen_departement:
        in_territory = in_territory.filter(commune__departement=chosen_departement)
    counts = in_territory.freshness_counts(today)
    listing = in_territory.with_freshness(today).select_related("commune", "structure")
    if chosen_band:
        listing = listing.filter(band_q(chosen_band, today))
    listing = listing.order_by(F("checked_at").asc(nulls_first=True), "name", "pk")
    page = Paginator(listing, PER_PAGE).get_page(request.GET.get("page"))
    labels = dict(Freshness.choices)
    for place in page:
        place.band_label = labels[place.freshness_band]
        place.band_badge = BADGES[place.freshness_band]
    base = f"?departement={chosen_departement}&" if chosen_departement else "?"
    bands = [
        {
            "value": band.value,
            "label": band.label,
            "badge": BADGES[band],
            "count": counts[band.value],
            "url": f"{base}fraicheur={band.value}",
            "current": band.value == chosen_band,
        }
        for band in Freshness
    ]
    title = "Fraîcheur des lieux d’activité"
    return render(
        request,
        "followup/places.html",
        {
            "bands": bands,
            "total": sum(counts.values()),
            "departements": departements,
            "chosen_departement": chosen_departement,
            "chosen_band": chosen_band,
            "chosen_label": labels.get(chosen_band, ""),
            "page_obj": page,
            "page_query": (base[1:] + (f"fraicheur={chosen_band}&" if chosen_band else "")),
            "page_title": title,
            "breadcrumb_data": {
                "links": [{"url": reverse("followup:index"), "title": "Suivi des territoires"}],
                "current": title,
            },
        },
    )
