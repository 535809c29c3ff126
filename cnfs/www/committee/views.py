"""The selection committee's pages: sessions, agenda and decisions, closing, minutes, import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Count, Max, Q, Sum, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cnfs.accounts.enums import Role
from cnfs.accounts.perms import role_required
from cnfs.committee import services
from cnfs.committee.enums import Decision
from cnfs.committee.imports import import_minutes
from cnfs.committee.models import AgendaItem, Session
from cnfs.common.money import euros
from cnfs.common.web import add_service_errors, csv_response
from cnfs.funding.enums import PostKind
from cnfs.funding.rates import NoRateError
from cnfs.structures.enums import RequestKind
from cnfs.territories.models import Departement
from cnfs.territories.rurality import PROXY_NOTICE, rural_q
from cnfs.www.committee.forms import (
    AgendaFilterForm,
    CloseSessionForm,
    DecisionForm,
    MinutesImportForm,
    SessionCreateForm,
)

SESSIONS_PER_PAGE = 50
# A whole session is decided from one page: the largest sessions have a few hundred items.
ITEMS_PER_PAGE = 500

national_only = role_required(Role.NATIONAL)


def _sessions_crumb(current: str, *links) -> dict:
    return {
        "links": [{"url": reverse("committee:sessions"), "title": "Comité de sélection"}, *links],
        "current": current,
    }


def _session_link(session) -> dict:
    return {"url": reverse("committee:session", args=[session.number]), "title": str(session)}


def _summary(session) -> dict:
    granted = Q(decision=Decision.GRANTED)
    summary = session.items.aggregate(
        items=Count("id"),
        decided=Count("id", filter=~Q(decision="")),
        granted=Count("id", filter=granted),
        refused=Count("id", filter=Q(decision=Decision.REFUSED)),
        review=Count("id", filter=Q(decision=Decision.COMPLEMENTARY_REVIEW)),
        posts=Sum("posts", filter=granted),
        posts_delta=Sum("posts_delta", filter=granted),
        cents=Sum("subsidy_delta_cents", filter=granted),
    )
    summary["posts"] = summary["posts"] or 0
    summary["posts_delta"] = summary["posts_delta"] or 0
    summary["amount"] = euros(summary["cents"] or 0)
    summary["undecided"] = summary["items"] - summary["decided"]
    return summary


RURAL_LIBRARY = Case(
    When(
        Q(request__structure__is_library=True) & rural_q("request__structure__commune__"),
        then=Value(True),
    ),
    default=Value(False),
    output_field=BooleanField(),
)


def _row(item, *, data=None, errors=(), saved=None) -> dict:
    """What one agenda row shows: the recorded decision, or what was just submitted."""
    request = item.request
    if not hasattr(item, "rural_library"):
        structure = request.structure
        item.rural_library = structure.is_library and bool(structure.commune.is_rural)
    if data is not None:
        values = {
            "decision": data.get("decision", ""),
            "posts": data.get("posts", ""),
            "priority": bool(data.get("priority")),
            "post_kind": data.get("post_kind", ""),
            "observation": data.get("observation", ""),
            "duplicate_reason": data.get("duplicate_reason", ""),
        }
    else:
        values = {
            "decision": item.decision,
            "posts": item.posts or request.opinion_suggested_posts or request.posts,
            "priority": item.priority,
            "post_kind": item.post_kind,
            "observation": item.observation,
        }
    if request.kind == RequestKind.GIVEBACK:
        values["posts"] = request.posts
    return {
        "item": item,
        "values": values,
        "errors": list(errors),
        "saved": saved,
        "giveback": request.kind == RequestKind.GIVEBACK,
    }


POST_KINDS = PostKind.choices


@national_only
def session_list(request):
    next_number = (Session.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    data = request.POST if request.method == "POST" else None
    form = SessionCreateForm(data, initial={"number": next_number})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(
                session_date=form.cleaned_data["session_date"],
                number=form.cleaned_data["number"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{session} créée.")
            return redirect("committee:session", session.number)
    granted = Q(items__decision=Decision.GRANTED)
    sessions = Session.objects.annotate(
        items_count=Count("items"),
        decided_count=Count("items", filter=~Q(items__decision="")),
        posts_granted=Sum("items__posts", filter=granted),
    ).order_by("-number")
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "committee/sessions.html",
        {
            "form": form,
            "page_obj": page,
            "sessions": page.object_list,
            "page_title": "Comité de sélection",
            "breadcrumb_data": {"links": [], "current": "Comité de sélection"},
        },
    )


@national_only
def session_detail(request, number):
    session = get_object_or_404(Session, number=number)
    departements = list(
        Departement.objects.filter(
            code__in=session.items.values("request__structure__departement_id")
        ).order_by("code")
    )
    filters = AgendaFilterForm(request.GET or None, departements=departements)
    items = (
        session.items.select_related("request__structure__departement")
        .annotate(rural_library=RURAL_LIBRARY)
        .order_by("position", "id")
    )
    if filters.is_valid():
        if code := filters.cleaned_data["departement"]:
            items = items.filter(request__structure__departement_id=code)
        if filters.cleaned_data["undecided"]:
            items = items.filter(decision="")
        if filters.cleaned_data["libraries_first"]:
            # Seed 003's rule: libraries are a priority in rural areas.
            items = items.order_by("-rural_library", "position", "id")
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "committee/session.html",
        {
            "session": session,
            "summary": _summary(session),
            "filters": filters,
            "page_obj": page,
            "rows": [_row(item) for item in page.object_list],
            "decisions": Decision.choices,
            "rurality_notice": PROXY_NOTICE,
            "post_kinds": POST_KINDS,
            "page_title": str(session),
            "breadcrumb_data": _sessions_crumb(str(session)),
        },
    )


@national_only
@require_POST
def decide_item(request, pk):
    item = get_object_or_404(
        AgendaItem.objects.select_related(
            "session", "request__structure__departement", "request__structure__commune"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    errors, saved = [], None
    if form.is_valid():
        before = item.decided_at
        try:
            item = services.decide(item, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            errors = error.messages
        except NoRateError as error:
            errors = [str(error)]
        else:
            saved = item.decided_at != before
    else:
        errors = [message for field in form.errors.values() for message in field]
    if request.htmx:
        row = _row(item, data=request.POST if errors else None, errors=errors, saved=saved)
        return render(
            request,
            "committee/_decide_response.html",
            {
                "row": row,
                "session": item.session,
                "summary": _summary(item.session),
                "decisions": Decision.choices,
                "post_kinds": POST_KINDS,
            },
        )
    structure = item.request.structure
    if errors:
        messages.error(request, f"{structure} : décision non enregistrée. {' '.join(errors)}")
    else:
        messages.success(request, f"{structure} : décision enregistrée.")
    return redirect(reverse("committee:session", args=[item.session.number]) + f"#item-{item.pk}")


@national_only
@require_POST
def build_agenda(request, number):
    session = get_object_or_404(Session, number=number)
    try:
        added = services.build_agenda(session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if added:
            messages.success(request, f"{added} demande(s) ajoutée(s) à l’ordre du jour.")
        else:
            messages.info(request, "Aucune nouvelle demande prête pour le comité.")
    return redirect("committee:session", session.number)


@national_only
def close_session(request, number):
    session = get_object_or_404(Session, number=number)
    if not session.is_open:
        messages.info(request, f"{session} est déjà clôturée.")
        return redirect("committee:session", session.number)
    form = CloseSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            applied = services.close_session(session, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except NoRateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{session} clôturée : {applied} décision(s) appliquée(s). Les structures et "
                "les préfectures sont notifiées.",
            )
            return redirect("committee:session", session.number)
    return render(
        request,
        "committee/close.html",
        {
            "session": session,
            "form": form,
            "summary": _summary(session),
            "page_title": f"Clôturer la {session}",
            "breadcrumb_data": _sessions_crumb("Clôture", _session_link(session)),
        },
    )


# fmt: skip below: a data table laid out by hand for reading.
MINUTES_COLUMNS = [
    "numéro de session", "date", "SIRET", "structure", "département", "nature", "décision",
    "postes", "type de poste", "prioritaire", "observation",
]  # fmt: skip


@national_only
def minutes_csv(request, number):
    session = get_object_or_404(Session, number=number)
    rows = (
        [
            session.number,
            session.date.isoformat(),
            item.request.structure.siret,
            item.request.structure.name,
            item.request.structure.departement_id,
            item.request.get_kind_display(),
            item.get_decision_display(),
            item.posts if item.posts is not None else "",
            item.get_post_kind_display() if item.posts else "",
            "oui" if item.priority else "non",
            item.observation,
        ]
        for item in services.minutes(session)
    )
    return csv_response(f"coselec-{session.number}-proces-verbal.csv", MINUTES_COLUMNS, rows)


@national_only
def minutes_print(request, number):
    session = get_object_or_404(Session, number=number)
    items = list(services.minutes(session))
    return render(
        request,
        "committee/minutes.html",
        {
            "session": session,
            "items": items,
            "summary": _summary(session),
            "page_title": f"Procès-verbal de la {session}",
            "breadcrumb_data": _sessions_crumb("Procès-verbal", _session_link(session)),
        },
    )


@national_only
def import_view(request, number):
    session = get_object_or_404(Session, number=number)
    if not session.is_open:
        messages.error(request, f"{session} est clôturée : son procès-verbal ne s’importe plus.")
        return redirect("committee:session", session.number)
    form = MinutesImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    errors = []
    if request.method == "POST" and form.is_valid():
        report = import_minutes(session, form.cleaned_data["file"], by=request.user)
        if report.ok:
            messages.success(
                request,
                f"Procès-verbal importé : {report.changed} décision(s) enregistrée(s) ou "
                f"modifiée(s), {report.unchanged} inchangée(s).",
            )
            return redirect("committee:session", session.number)
        errors = report.errors
    return render(
        request,
        "committee/import.html",
        {
            "session": session,
            "form": form,
            "errors": errors,
            "page_title": f"Importer le procès-verbal de la {session}",
            "breadcrumb_data": _sessions_crumb("Import du procès-verbal", _session_link(session)),
        },
    )
