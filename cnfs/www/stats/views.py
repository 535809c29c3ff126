import json
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.accounts.scope import active_role
from cnfs.common.web import csv_response
from cnfs.stats.inactivity import INACTIVE_DAYS, inactive_contracts
from cnfs.stats.indicators import Scope, Table, breakdown, indicators
from cnfs.structures.models import Structure
from cnfs.territories.models import Departement, Region
from cnfs.www.stats import exports
from cnfs.www.stats.forms import StatsFilterForm

STATS_ROLES = (Role.ADVISOR, Role.STRUCTURE, Role.PREFECTURE, Role.NATIONAL, Role.FINANCIAL)
INACTIVE_ROLES = (Role.STRUCTURE, Role.PREFECTURE, Role.NATIONAL)
PER_PAGE = 50


@dataclass
class Selection:
    scope: Scope
    label: str
    form: StatsFilterForm
    start: date | None
    end: date | None

    @property
    def period_label(self) -> str:
        if self.start and self.end:
            return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"
        if self.start:
            return f"depuis le {self.start:%d/%m/%Y}"
        if self.end:
            return f"jusqu’au {self.end:%d/%m/%Y}"
        return "depuis le début du programme"


def _chosen(request, name, allowed: dict):
    """The value of filter ``name`` if the role may see it; 404 outside the scope."""
    value = request.GET.get(name, "")
    if value and value not in allowed:
        raise Http404("En dehors de votre périmètre.")
    return value


def _structures_of(queryset) -> dict[str, str]:
    return {str(pk): name for pk, name in queryset.order_by("name").values_list("pk", "name")}


def _structure_in_scope(request, user) -> Structure | None:
    value = request.GET.get("structure", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404("Structure inconnue.")
    structure = Structure.objects.visible_to(user).filter(pk=value).first()
    if structure is None:
        raise Http404("En dehors de votre périmètre.")
    return structure


def select(request) -> Selection:
    """The scope the active role may see, narrowed by the filters (404 outside it)."""
    user = request.user
    role = active_role(user)
    data = request.GET or None
    if role.kind == Role.ADVISOR:
        form = StatsFilterForm(data)
        scope, label = Scope(advisor=user.pk), "Votre activité"
    elif role.kind == Role.STRUCTURE:
        mine = _structures_of(Structure.objects.filter(pk__in=role.structures))
        chosen = _chosen(request, "structure", mine)
        form = StatsFilterForm(data, structures=list(mine.items()) if len(mine) > 1 else None)
        keys = (int(chosen),) if chosen else tuple(int(pk) for pk in mine)
        scope = Scope(structures=keys)
        label = mine[chosen] if chosen else " ; ".join(mine.values())
    else:
        departements = Departement.objects.order_by("code")
        regions = None
        if role.kind == Role.PREFECTURE:
            departements = departements.filter(
                Q(code__in=role.departements) | Q(region_id__in=role.regions)
            )
        else:
            regions = dict(Region.objects.order_by("name").values_list("code", "name"))
        region = _chosen(request, "region", regions) if regions is not None else ""
        departements = list(departements)
        territory = {d.code: str(d) for d in departements}
        departement = _chosen(request, "departement", territory)
        structure = _structure_in_scope(request, user)
        offered = {str(d.code): str(d) for d in departements if not region or d.region_id == region}
        structures = None
        if departement:
            structures = list(
                _structures_of(
                    Structure.objects.visible_to(user).filter(departement_id=departement)
                ).items()
            )
        form = StatsFilterForm(
            data,
            regions=list(regions.items()) if regions is not None else None,
            departements=list(offered.items()),
            structures=structures,
        )
        if structure is not None:
            scope, label = Scope(structures=(structure.pk,)), structure.name
        elif departement:
            scope, label = Scope(departements=(departement,)), territory[departement]
        elif region:
            scope, label = Scope(region=region), regions[region]
        elif role.kind == Role.PREFECTURE:
            scope = Scope(departements=tuple(territory))
            label = " ; ".join(territory.values()) or "Votre territoire"
        else:
            scope, label = Scope(), "France entière"
    start, end = form.bounds(timezone.localdate())
    return Selection(scope, label, form, start, end)


def _bar(shares, name: str) -> dict:
    return {
        "x": json.dumps([[s.label for s in shares]], ensure_ascii=False),
        "y": json.dumps([[s.count for s in shares]]),
        "name": json.dumps([name], ensure_ascii=False),
    }


def _pie(shares) -> dict:
    labels = json.dumps([s.label for s in shares if s.count], ensure_ascii=False)
    return {
        "x": f"[{labels}]",
        "y": json.dumps([[s.count for s in shares if s.count]]),
        "name": labels,
    }


def _page(request, *, printable: bool):
    selection = select(request)
    ind = indicators(selection.scope, selection.start, selection.end)
    table = breakdown(selection.scope, selection.start, selection.end)
    months = [exports.month_label(m.month) for m in ind.months]
    charts = {
        "months": {
            "x": json.dumps([months], ensure_ascii=False),
            "y": json.dumps(
                [
                    [m.accompaniments for m in ind.months],
                    [m.people_reached for m in ind.months],
                ]
            ),
            "name": json.dumps(["Accompagnements", "Personnes touchées"], ensure_ascii=False),
        },
        "themes": _bar(ind.themes, "Accompagnements"),
        "channels": _pie(ind.channels),
        "durations": _bar(ind.durations, "Accompagnements"),
        "ages": _pie(ind.ages),
        "statuses": _pie(ind.statuses),
        "redirections": _bar(ind.redirections, "Personnes"),
    }
    query = request.GET.urlencode()
    period = request.GET.copy()
    for name in ("region", "departement", "structure", "page"):
        period.pop(name, None)
    title = "Statistiques d’activité"
    return render(
        request,
        "stats/index.html",
        {
            "selection": selection,
            "form": selection.form,
            "ind": ind,
            "key_figures": exports.key_figures(ind),
            "months": list(zip(months, ind.months, strict=True)),
            "charts": charts,
            "table": table,
            "query": query,
            "period_query": period.urlencode(),
            "inactive_roles": INACTIVE_ROLES,
            "printable": printable,
            "role": active_role(request.user),
            "page_title": f"{title} — {selection.label}",
            "breadcrumb_data": {"current": title},
        },
    )


@role_required(*STATS_ROLES)
def index(request):
    return _page(request, printable=False)


@role_required(*STATS_ROLES)
def printable(request):
    return _page(request, printable=True)


def _export(request):
    selection = select(request)
    ind = indicators(selection.scope, selection.start, selection.end)
    table: Table | None = breakdown(selection.scope, selection.start, selection.end)
    title = ["Statistiques d’activité", selection.label, selection.period_label]
    return title, exports.sheets(ind, table)


@role_required(*STATS_ROLES)
def export_csv(request):
    title, sheets = _export(request)
    return exports.csv_export("statistiques-activite.csv", title, sheets)


@role_required(*STATS_ROLES)
def export_xlsx(request):
    title, sheets = _export(request)
    return exports.xlsx_export("statistiques-activite.xlsx", title, sheets)


# --- Advisors without activity ---------------------------------------------------------------


@role_required(*INACTIVE_ROLES)
def inactive(request):
    today = timezone.localdate()
    contracts = inactive_contracts(request.user, today)
    if request.GET.get("format") == "csv":
        return csv_response(
            "conseillers-sans-activite.csv",
            [
                "Conseiller",
                "E-mail",
                "Structure",
                "Département",
                "Début du contrat",
                "Dernier compte rendu",
            ],
            (
                [
                    c.candidate.full_name,
                    c.candidate.email,
                    c.structure.name,
                    c.structure.departement_id,
                    c.start_date.strftime("%d/%m/%Y"),
                    c.last_report.strftime("%d/%m/%Y") if c.last_report else "aucun",
                ]
                for c in contracts.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(contracts, PER_PAGE).get_page(request.GET.get("page"))
    for contract in page:
        contract.silent_days = (today - contract.last_report).days if contract.last_report else None
    title = "Conseillers sans activité"
    return render(
        request,
        "stats/inactive.html",
        {
            "page_obj": page,
            "days": INACTIVE_DAYS,
            "page_title": title,
            "breadcrumb_data": {
                "links": [{"url": reverse("stats:index"), "title": "Statistiques d’activité"}],
                "current": title,
            },
        },
    )
