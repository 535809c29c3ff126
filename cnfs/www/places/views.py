from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.accounts.scope import active_role
from cnfs.common.web import add_service_errors
from cnfs.places import hours, services
from cnfs.places.models import Place, PlaceAdvisor
from cnfs.www.places.forms import PlaceForm, place_initial

PLACE_READERS = (Role.ADVISOR, Role.STRUCTURE, Role.NATIONAL, Role.PREFECTURE)
PLACE_EDITORS = (Role.ADVISOR, Role.STRUCTURE)
PER_PAGE = 50
CONFIRM_FIELD = "confirm_duplicate"


def _list_crumb():
    return {"url": reverse("places:list"), "title": "Lieux d’activité"}


@role_required(*PLACE_READERS)
def place_list(request):
    user = request.user
    is_advisor = active_role(user).kind == Role.ADVISOR
    places = (
        Place.objects.visible_to(user)
        .select_related("commune", "structure")
        .annotate(advisor_count=Count("advisors"))
    )
    if is_advisor:
        mine = PlaceAdvisor.objects.filter(place=OuterRef("pk"), advisor=user)
        places = places.annotate(
            works_here=Exists(mine), is_main=Exists(mine.filter(main=True))
        ).order_by("-is_main", "-works_here", "name", "pk")
    else:
        places = places.order_by("name", "pk")
    page = Paginator(places, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "places/list.html",
        {
            "places": page.object_list,
            "page_obj": page,
            "is_advisor": is_advisor,
            "can_create": bool(services.creatable_structures(user)),
            "page_title": "Lieux d’activité",
            "breadcrumb_data": {"links": [], "current": "Lieux d’activité"},
        },
    )


@role_required(*PLACE_READERS)
def place_detail(request, pk):
    place = get_object_or_404(
        Place.objects.visible_to(request.user)
        .select_related("commune__departement", "structure")
        .prefetch_related(
            Prefetch("advisors", queryset=PlaceAdvisor.objects.select_related("advisor"))
        ),
        pk=pk,
    )
    return render(
        request,
        "places/detail.html",
        {
            "place": place,
            "hours_lines": hours.describe(place.opening_hours),
            "freshness": place.freshness_status(),
            "can_edit": services.can_manage_place(request.user, place),
            "page_title": place.name,
            "breadcrumb_data": {"links": [_list_crumb()], "current": place.name},
        },
    )


def _form(request, *, structures, structure, place=None):
    user = request.user
    is_advisor = active_role(user).kind == Role.ADVISOR
    # A manager of several structures creating a place sees the advisors of all of them;
    # the service checks the chosen ones belong to the place's structure.
    advisors = services.structure_advisors(*([structure] if structure else structures))
    if is_advisor:
        advisors = advisors.exclude(pk=user.pk)
    initial = {}
    if place is not None:
        initial = place_initial(place)
        links = list(place.advisors.all())
        initial["advisors"] = [link.advisor_id for link in links if link.advisor_id != user.pk]
        initial["main"] = any(link.advisor_id == user.pk and link.main for link in links)
    return PlaceForm(
        request.POST or None,
        initial=initial,
        structures=structures,
        advisors=advisors,
        is_advisor=is_advisor,
    )


def _duplicates(request, form, place=None):
    """The places at the same address, unless the person confirmed this very address."""
    data = form.cleaned_data
    if place is not None and (
        services.normalize_address(data["address"]) == services.normalize_address(place.address)
        and data["commune"] == place.commune
    ):
        return []
    if request.POST.get(CONFIRM_FIELD) == form.duplicate_key():
        return []
    return list(services.duplicate_address_warning(data["address"], data["commune"], place))


def _render_form(request, form, *, place, duplicates):
    if form.errors:
        form.set_autofocus_on_first_error()
    title = f"Modifier « {place.name} »" if place else "Ajouter un lieu d’activité"
    links = [_list_crumb()]
    if place is not None:
        links.append({"url": reverse("places:detail", args=[place.pk]), "title": place.name})
    return render(
        request,
        "places/form.html",
        {
            "form": form,
            "place": place,
            "duplicates": duplicates,
            "duplicate_key": form.duplicate_key() if duplicates else "",
            "confirm_field": CONFIRM_FIELD,
            "hours_lines": hours.describe(form["opening_hours"].value() or ""),
            "page_title": ("Erreur — " if form.errors else "") + title,
            "breadcrumb_data": {"links": links, "current": title},
        },
    )


@role_required(*PLACE_EDITORS)
def place_create(request):
    user = request.user
    structures = services.creatable_structures(user)
    if not structures:
        raise PermissionDenied("Seuls les conseillers en poste et leur structure ajoutent un lieu.")
    form = _form(
        request, structures=structures, structure=structures[0] if len(structures) == 1 else None
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates(request, form)
        if not duplicates:
            chosen = form.cleaned_data.get("structure")
            structure = next((s for s in structures if s.pk == chosen), None)
            try:
                place = services.create_place(
                    by=user,
                    structure=structure,
                    advisors=form.cleaned_data["advisors"],
                    main=form.cleaned_data.get("main", False),
                    **form.place_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Le lieu « {place.name} » est enregistré.")
                return redirect("places:detail", place.pk)
    return _render_form(request, form, place=None, duplicates=duplicates)


@role_required(*PLACE_EDITORS)
def place_edit(request, pk):
    user = request.user
    place = get_object_or_404(
        Place.objects.visible_to(user).select_related("commune", "structure"), pk=pk
    )
    if not services.can_manage_place(user, place):
        raise PermissionDenied("Seuls les conseillers du lieu et leur structure le modifient.")
    form = _form(request, structures=[], structure=place.structure, place=place)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates(request, form, place)
        if not duplicates:
            is_advisor = active_role(user).kind == Role.ADVISOR
            advisors = list(form.cleaned_data["advisors"]) + ([user] if is_advisor else [])
            try:
                place = services.update_place(
                    place,
                    by=user,
                    advisors=advisors,
                    main=form.cleaned_data.get("main"),
                    **form.place_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Le lieu « {place.name} » est modifié.")
                return redirect("places:detail", place.pk)
    return _render_form(request, form, place=place, duplicates=duplicates)


@require_POST
@role_required(*PLACE_EDITORS)
def place_confirm(request, pk):
    """An editor confirms the place's information is still right (DOMAIN §8)."""
    place = get_object_or_404(Place.objects.visible_to(request.user), pk=pk)
    services.confirm_place(place, by=request.user)
    messages.success(request, f"Les informations du lieu « {place.name} » sont confirmées.")
    return redirect("places:detail", place.pk)


@role_required(*PLACE_EDITORS)
def hours_preview(request):
    """The opening hours typed so far, in plain French, or what is wrong (htmx)."""
    value = request.GET.get("opening_hours", "")
    try:
        hours.validate(value)
    except ValidationError as error:
        return render(request, "places/_hours_preview.html", {"error": error.messages[0]})
    return render(request, "places/_hours_preview.html", {"lines": hours.describe(value)})
