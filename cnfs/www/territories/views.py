"""Territory pages and public statistics: what the public and the press see (DOMAIN §6).

Every page runs a fixed number of queries, whatever the number of structures, contracts
and activity reports (grouped queries; activity from the daily counters).
"""

import json

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import has_active_role, role_required
from cnfs.coordination.queries import territory_support
from cnfs.funding.rates import budget_in_force, national_commitments
from cnfs.publicpages import deployment as figures
from cnfs.publicpages import services
from cnfs.publicpages.forms import ContactForm
from cnfs.publicpages.wording import lead_sentences, locative
from cnfs.stats.indicators import Scope, indicators
from cnfs.territories.models import Commune, Departement, Region
from cnfs.territories.search import MAX_RESULTS, normalize, postal_code_of
from cnfs.www.stats.exports import month_label
from cnfs.www.stats.forms import Period, period_bounds


def commune_suggestions(request):
    """Options of the commune autocomplete (htmx fills the field's <datalist>)."""
    field = request.GET.get("field", "")
    query = request.GET.get(field, "") if field else request.GET.get("q", "")
    # A full postal code shows all its communes (Dole's 39100 has 15), most populous first.
    limit = MAX_RESULTS if postal_code_of(query) else 10
    communes = Commune.objects.select_related("departement").search(query, limit=limit)
    return render(request, "territories/commune_suggestions.html", {"communes": communes})


def _last_12_months():
    return period_bounds(Period.LAST_12_MONTHS, None, None, timezone.localdate())


def _target() -> dict:
    """The national target (the posts cap in force) and the posts granted so far."""
    cap = budget_in_force().posts_cap
    posts, _ = national_commitments()
    return {"cap": cap, "posts": posts, "percent": round(100 * posts / cap, 1) if cap else 0}


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --- Index ------------------------------------------------------------------------------------


def _matches(query_key: str, query: str, code: str, name: str) -> bool:
    return code.lower() == query.lower() or query_key in normalize(name)


def index(request):
    """The 18 régions and 101 départements with their advisors in post and posts granted,
    searchable by name, code, or the name or postal code of one of their communes."""
    query = request.GET.get("q", "").strip()[:100]
    by_departement = figures.deployment_by("departement")
    regions = list(Region.objects.order_by("name"))
    departements = list(Departement.objects.order_by("code"))
    region_rows = {r.code: figures.Deployment() for r in regions}
    for departement in departements:
        departement.figures = by_departement.get(departement.code, figures.Deployment())
        row = region_rows.setdefault(departement.region_id, figures.Deployment())
        row.in_post += departement.figures.in_post
        row.posts_granted += departement.figures.posts_granted
    region_names = {r.code: r.name for r in regions}
    for region in regions:
        region.figures = region_rows[region.code]
    communes = []
    if query:
        key = normalize(query)
        communes = list(Commune.objects.select_related("departement").search(query, limit=8))
        regions = [r for r in regions if _matches(key, query, r.code, r.name)]
        departements = [d for d in departements if _matches(key, query, d.code, d.name)]
    for departement in departements:
        departement.region_name = region_names.get(departement.region_id, "")
    title = "Territoires"
    return render(
        request,
        "territories/index.html",
        {
            "query": query,
            "regions": regions,
            "departements": departements,
            "communes": communes,
            "national": figures.total(region_rows.values()),
            "page_title": f"{title} — recherche « {query} »" if query else title,
            "breadcrumb_data": {"links": [], "current": title},
        },
    )


# --- Territory pages ----------------------------------------------------------------------------


def _territory_page(request, territory, *, kind: str):
    is_departement = kind == "departement"
    where = {"departement": territory.code} if is_departement else {"region": territory.code}
    deployment = figures.deployment(**where)
    structures = list(figures.hosting_structures(**where))
    start, end = _last_12_months()
    scope = (
        Scope(departements=(territory.code,)) if is_departement else Scope(region=territory.code)
    )
    activity = indicators(scope, start, end)
    target = _target()
    parts = None
    if not is_departement:
        by_departement = figures.deployment_by("departement", region=territory.code)
        parts = [
            (d, by_departement.get(d.code, figures.Deployment()))
            for d in territory.departements.order_by("code")
        ]
    contact = getattr(territory, "public_contact", None)
    support = territory_support(**where)
    name = f"{territory.name} ({territory.code})" if is_departement else territory.name
    return render(
        request,
        "territories/territory.html",
        {
            "territory": territory,
            "kind": kind,
            "is_departement": is_departement,
            "name": name,
            "where": locative(territory),
            "lead": lead_sentences(locative(territory), deployment),
            "deployment": deployment,
            "structures": structures,
            "target": target,
            "target_share": _percent(deployment.posts_granted, target["cap"]),
            "activity": activity,
            "period": (start, end),
            "parts": parts,
            "contact": contact,
            "support": support,
            "can_edit_contact": has_active_role(request.user, Role.NATIONAL),
            "contact_url": reverse(f"territories:{kind}_contact", args=[territory.code]),
            "statistics_url": f"{reverse('territories:statistics')}?{kind}={territory.code}",
            "page_title": name,
            "breadcrumb_data": _breadcrumb(territory, is_departement, name),
        },
    )


def _breadcrumb(territory, is_departement: bool, current: str) -> dict:
    links = [{"url": reverse("territories:index"), "title": "Territoires"}]
    if is_departement:
        region = territory.region
        links.append(
            {"url": reverse("territories:region", args=[region.code]), "title": region.name}
        )
    return {"links": links, "current": current}


def region(request, code):
    territory = get_object_or_404(Region.objects.select_related("public_contact"), code=code)
    return _territory_page(request, territory, kind="region")


def departement(request, code):
    territory = get_object_or_404(
        Departement.objects.select_related("region", "public_contact"), code=code
    )
    return _territory_page(request, territory, kind="departement")


def _edit_contact(request, territory, *, kind: str):
    contact = getattr(territory, "public_contact", None)
    page_url = reverse(f"territories:{kind}", args=[territory.code])
    initial = {f: getattr(contact, f) for f in services.FIELDS} if contact else {}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_contact(territory, by=request.user, **form.cleaned_data)
        messages.success(request, "Le contact du territoire a été enregistré.")
        return redirect(page_url)
    is_departement = kind == "departement"
    name = f"{territory.name} ({territory.code})" if is_departement else territory.name
    breadcrumb = _breadcrumb(territory, is_departement, "Modifier le contact")
    breadcrumb["links"].append({"url": page_url, "title": name})
    return render(
        request,
        "territories/contact_form.html",
        {
            "form": form,
            "territory": territory,
            "name": name,
            "page_url": page_url,
            "page_title": f"Modifier le contact — {name}",
            "breadcrumb_data": breadcrumb,
        },
    )


@role_required(Role.NATIONAL)
def region_contact(request, code):
    territory = get_object_or_404(Region.objects.select_related("public_contact"), code=code)
    return _edit_contact(request, territory, kind="region")


@role_required(Role.NATIONAL)
def departement_contact(request, code):
    territory = get_object_or_404(
        Departement.objects.select_related("region", "public_contact"), code=code
    )
    return _edit_contact(request, territory, kind="departement")


# --- Public statistics ------------------------------------------------------------------------

ALL_TIME = "tout"


class PublicStatisticsForm(DsfrBaseForm):
    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(
        label="Département", required=False, help_text="Le département l’emporte sur la région."
    )
    periode = forms.ChoiceField(
        label="Période de l’activité",
        required=False,
        choices=[("", "Les 12 derniers mois"), (ALL_TIME, "Depuis le début du programme")],
    )

    def __init__(self, *args, regions, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "France entière"), *regions]
        self.fields["departement"].choices = [("", "Tous"), *departements]


def _chart(labels, series: dict) -> dict:
    return {
        "x": json.dumps([list(labels)], ensure_ascii=False),
        "y": json.dumps([list(values) for values in series.values()]),
        "name": json.dumps(list(series), ensure_ascii=False),
    }


def statistics(request):
    """Deployment and activity figures, nationally or for one région or département."""
    regions = list(Region.objects.order_by("name"))
    departements = list(Departement.objects.order_by("code"))
    region_by_code = {r.code: r for r in regions}
    departement_by_code = {d.code: d for d in departements}
    region_code = request.GET.get("region", "")
    departement_code = request.GET.get("departement", "")
    if region_code and region_code not in region_by_code:
        raise Http404("Région inconnue.")
    if departement_code and departement_code not in departement_by_code:
        raise Http404("Département inconnu.")
    form = PublicStatisticsForm(
        request.GET or None,
        regions=[(r.code, r.name) for r in regions],
        departements=[(d.code, str(d)) for d in departements],
    )
    if departement_code:
        territory = departement_by_code[departement_code]
        territory.region = region_by_code[territory.region_id]
        scope, where, label = (
            Scope(departements=(territory.code,)),
            {"departement": territory.code},
            str(territory),
        )
        parts_title, parts = None, []
    elif region_code:
        territory = region_by_code[region_code]
        scope, where, label = (
            Scope(region=territory.code),
            {"region": territory.code},
            territory.name,
        )
        by_departement = figures.deployment_by("departement", region=territory.code)
        parts_title = "Par département"
        parts = [
            (d, by_departement.get(d.code, figures.Deployment()), "departement")
            for d in departements
            if d.region_id == territory.code
        ]
    else:
        territory = None
        scope, where, label = Scope(), {}, "France entière"
        by_region = figures.deployment_by("region")
        parts_title = "Par région"
        parts = [(r, by_region.get(r.code, figures.Deployment()), "region") for r in regions]
    all_time = request.GET.get("periode") == ALL_TIME
    start, end = (None, None) if all_time else _last_12_months()
    deployment = figures.deployment(**where)
    activity = indicators(scope, start, end)
    cap = budget_in_force().posts_cap
    months = [month_label(m.month) for m in activity.months]
    charts = {
        "months": _chart(
            months,
            {
                "Accompagnements": [m.accompaniments for m in activity.months],
                "Personnes touchées": [m.people_reached for m in activity.months],
            },
        ),
        "themes": _chart(
            [s.label for s in activity.themes],
            {"Accompagnements": [s.count for s in activity.themes]},
        ),
    }
    if parts:
        charts["parts"] = _chart(
            [t.name for t, _, _ in parts],
            {
                "Postes attribués": [f.posts_granted for _, f, _ in parts],
                "Conseillers en poste": [f.in_post for _, f, _ in parts],
            },
        )
    title = "Statistiques publiques"
    period_label = (
        "depuis le début du programme"
        if all_time
        else f"du {start:%d/%m/%Y} au {end:%d/%m/%Y} (les 12 derniers mois)"
    )
    return render(
        request,
        "territories/statistics.html",
        {
            "form": form,
            "territory": territory,
            "label": label,
            "where": locative(territory) if territory else "en France",
            "deployment": deployment,
            "cap": cap,
            "cap_percent": _percent(deployment.posts_granted, cap),
            "recruited_percent": _percent(deployment.recruited, cap),
            "activity": activity,
            "activity_figures": [
                ("Accompagnements", activity.accompaniments),
                ("Personnes touchées", activity.people_reached),
                ("Ateliers collectifs", activity.workshops),
                ("Participants aux ateliers", activity.workshop_participants),
                ("Accompagnements individuels", activity.individual),
                ("Demandes ponctuelles", activity.one_off),
            ],
            "months": list(zip(months, activity.months, strict=True)),
            "period_label": period_label,
            "parts_title": parts_title,
            "parts": parts,
            "charts": charts,
            "page_title": f"{title} — {label}",
            "breadcrumb_data": {"links": [], "current": title},
        },
    )
